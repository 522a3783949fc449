// inbound_flood.js: an inbound flood that trips the inbound rate limit.
// The agent subscribes to its own topic and publishes 1,500 messages to it
// at once. With the default inbound limit (100/s, burst 1,000) the 1,001st
// message arriving makes the host drop the connection: onconnectionlost(-2).
// The agenthost.yaml beside it switches the outbound limit off, so the
// agent itself can produce the flood.
//
// It shows: onconnectionlost's reason codes, and that on the virtual clock
// the count is exact (no tokens regenerate while messages pour in).
//
// Run it:
//   go run ./cmd/agenthost run examples/ratelimit/inbound_flood/inbound_flood.js --clock virtual --until-idle

const client = mqtt.createclient();
let received = 0;

client.onmessage(function (message) { received++; });

client.onconnectionlost(function (reason) {
    server.error("connection lost (" + reason + ") after " + received + " messages");
});

client.onconnect(function (rc) {
    client.subscribe("flood/" + imp.configparams.deviceid, mqtt.AT_MOST_ONCE, function () {
        for (let i = 0; i < 1500; i++) {
            client.createmessage("flood/" + imp.configparams.deviceid, "m" + i).sendasync();
        }
    });
});

client.connect("tcp://broker.example.com", "flood-" + imp.configparams.deviceid);
