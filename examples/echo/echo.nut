// echo.nut: echo.js in Squirrel. It answers every message on requests/#
// with the same payload on replies/... (requests/a/b is answered on
// replies/a/b), with the request's QoS; binary payloads byte for byte.
//
// It shows: a wildcard subscription, onmessage with a blob payload, the
// topic of an inbound message, and a blob sent back as a payload.
//
// Run it with a fixed broker port so other programs can reach it:
//   printf 'embedded:\n  listen: 127.0.0.1:1883\n' > /tmp/echo.yaml
//   go run ./cmd/agenthost run examples/echo/echo.nut --config /tmp/echo.yaml
// then, from another terminal:
//   mosquitto_sub -h 127.0.0.1 -p 1883 -t 'replies/#' -v &
//   mosquitto_pub -h 127.0.0.1 -p 1883 -t requests/ping -m hello

local client = mqtt.createclient();

client.onmessage(function(message) {
    local reply = "replies/" + message.topic.slice("requests/".len());
    server.log("echo " + message.topic + " -> " + reply + " (" + message.message.len() + " bytes)");
    client.createmessage(reply, message.message, { qos = message.qos }).sendasync();
});

client.onconnect(function(rc) {
    if (rc != 0) {
        server.error("connect failed: " + rc);
        return;
    }
    client.subscribe("requests/#", mqtt.EXACTLY_ONCE, function(rc, qos) {
        server.log("ready: subscribed to requests/# (result " + rc + ", QoS " + qos + ")");
    });
});

client.connect("tcp://broker.example.com", "echo-" + imp.configparams.deviceid);
