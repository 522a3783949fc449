// inbound_flood.nut: inbound_flood.js in Squirrel. The agent subscribes to
// its own topic and publishes 1,500 messages to it at once. With the
// default inbound limit (100/s, burst 1,000) the 1,001st message arriving
// makes the host drop the connection: onconnectionlost(-2). The
// agenthost.yaml beside it switches the outbound limit off.
//
// Run it:
//   go run ./cmd/agenthost run examples/ratelimit/inbound_flood/inbound_flood.nut --clock virtual --until-idle

client <- mqtt.createclient();
local received = 0;
local topic = "flood/" + imp.configparams.deviceid;

client.onmessage(function(message) { received++; });

client.onconnectionlost(function(reason) {
    server.error("connection lost (" + reason + ") after " + received + " messages");
});

client.onconnect(function(rc) {
    client.subscribe(topic, mqtt.AT_MOST_ONCE, function(qos) {
        for (local i = 0; i < 1500; i++) {
            client.createmessage(topic, "m" + i).sendasync();
        }
    });
});

client.connect("tcp://broker.example.com", "flood-" + imp.configparams.deviceid);
