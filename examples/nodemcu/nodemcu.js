// nodemcu.js: the example of NodeMCU's mqtt module documentation, ported
// from Lua to JavaScript (m:connect(...) becomes m.connect(...), nil
// becomes null), with the error handling the documentation recommends
// instead of autoreconnect: on a failure, try again in 10 s.
//
// Run it (the embedded broker stands in for 192.168.11.118):
//   go run ./cmd/agenthost run examples/nodemcu/nodemcu.js
// It prints "connected", "subscribe success" and "sent", then the message
// it published to itself: "/topic:" and "hello".

// init mqtt client with logins, keepalive timer 120sec
const m = mqtt.Client("clientid", 120, "user", "password");

// setup Last Will and Testament (optional)
// Broker will publish a message with qos = 0, retain = 0, data = "offline"
// to topic "/lwt" if client don't send keepalive packet
m.lwt("/lwt", "offline", 0, 0);

m.on("offline", function (client) { server.log("offline"); });

// on publish message receive event
m.on("message", function (client, topic, data) {
    server.log(topic + ":");
    if (data !== null) {
        server.log(data);
    }
});

// the documentation's handle_mqtt_error, with imp.wakeup for tmr.create()
function handle_mqtt_error(client, reason) {
    server.error("failed reason: " + reason);
    imp.wakeup(10, do_mqtt_connect);
}

function do_mqtt_connect() {
    // for TLS: m.connect("192.168.11.118", secure_port, 1, ...)
    m.connect("192.168.11.118", 1883, 0, function (client) {
        server.log("connected");
        // Calling subscribe/publish only makes sense once the connection
        // was successfully established. You can do that either here in the
        // 'connect' callback or you need to otherwise make sure the
        // connection was established (e.g. tracking connection status or in
        // m.on("connect", function)).

        // subscribe topic with qos = 0
        client.subscribe("/topic", 0, function (client) { server.log("subscribe success"); });
        // publish a message with data = hello, QoS = 0, retain = 0
        client.publish("/topic", "hello", 0, 0, function (client) { server.log("sent"); });
    }, handle_mqtt_error);
}

do_mqtt_connect();
