// hello.nut: hello.js in Squirrel, as it would run on the imp. It connects,
// subscribes to a topic, publishes one message to it, logs the message
// when it comes back, and disconnects, so `--until-idle` ends the run.
//
// It shows: mqtt.createclient(), onconnect, subscribe with the
// (resultCode, qosMode) callback, onmessage with a blob payload,
// createmessage(...).sendasync() with its result code, disconnect.
//
// Run it (no broker to install: the embedded one is used):
//   go run ./cmd/agenthost run examples/hello/hello.nut --until-idle

local topic = "hello/" + imp.configparams.deviceid;
client <- mqtt.createclient();
local sent = false, received = false;

// The PUBACK and the message itself travel separately, so "sent" and
// "received" may be logged in either order; disconnect after both.
function done() {
    if (sent && received) {
        client.disconnect(function() {
            server.log("disconnected");
        });
    }
}

client.onconnect(function(resultCode) {
    if (resultCode != 0) {
        server.error("connect failed: " + resultCode);
        return;
    }
    server.log("connected as " + client.id());
    client.subscribe(topic, mqtt.AT_LEAST_ONCE, function(resultCode, qosMode) {
        server.log("subscribed: result " + resultCode + ", granted QoS " + qosMode);
        client.createmessage(topic, "hello, imp", { qos = 1 }).sendasync(function(rc) {
            server.log("sent: result " + rc);
            sent = true;
            done();
        });
    });
});

client.onmessage(function(message) {
    server.log("received '" + message.message + "' on " + message.topic + " (qos " + message.qos + ")");
    received = true;
    done();
});

client.connect("tcp://broker.example.com", "hello-" + imp.configparams.deviceid);
