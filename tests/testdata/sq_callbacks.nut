// Callbacks from the API are called the imp's way: subscribe's callback
// gets (qosMode) or (resultCode, qosMode) by its declared parameters,
// onconnectionlost's gets the reason only when it declares one; messages
// arrive as tables whose payload is a blob. The inbound limit (one message
// an hour) makes the broker's second message cost the connection.
// config: {limits: {mqtt_inbound: {rate: 1/h, burst: 1}}}
// want: connected 0
// want: one param: 1
// want: two params: 0 [0,2]
// want: message on sq/a: 'ping' blob qos 1 retain 0
// want: lost, no reason asked
// want: reconnected 0
// want: lost -2
local c = mqtt.createclient();
local connects = 0;
c.onmessage(function(m) {
    server.log("message on " + m.topic + ": '" + m.message + "' " + typeof m.message + " qos " + m.qos + " retain " + m.retain);
});
c.onconnectionlost(function() {
    server.log("lost, no reason asked");
    c.onconnectionlost(function(reason) { server.log("lost " + reason); });
    c.connect("tcp://broker.example.com", "sq-callbacks");
});
c.onconnect(function(rc) {
    connects++;
    if (connects > 1) {
        server.log("reconnected " + rc);
        c.subscribe("sq/a", 1, function(qos) {
            c.createmessage("sq/a", "again").sendasync();
        });
        return;
    }
    server.log("connected " + rc);
    c.subscribe("sq/a", mqtt.AT_LEAST_ONCE, function(qos) {
        server.log("one param: " + qos);
        c.subscribe(["sq/b", "sq/c"], [0, 2], function(rc, qos) {
            server.log("two params: " + rc + " [" + qos[0] + "," + qos[1] + "]");
            c.createmessage("sq/a", "ping", { qos = 1 }).sendasync();
            c.createmessage("sq/a", "pong", { qos = 1 }).sendasync();
        });
    });
});
c.connect("tcp://broker.example.com", "sq-callbacks");
