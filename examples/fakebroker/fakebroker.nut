// fakebroker.nut: fakebroker.js in Squirrel, an agent that reports
// everything its MQTT client sees, tested (fakebroker.test.nut) against
// fake brokers scripted from Squirrel: each this.fakeBroker() answers the
// agent's packets exactly as the test says.
//
// Run its tests:
//   go run ./cmd/agenthost test examples/fakebroker/fakebroker.test.nut

client <- mqtt.createclient();
client.onconnect(function(rc) { server.log("onconnect " + rc); });
client.onconnectionlost(function(reason) { server.log("onconnectionlost " + reason); });
client.onmessage(function(m) {
    server.log("onmessage " + m.topic + " '" + m.message + "' qos " + m.qos + " dup " + m.dup);
});

function connectTo(url, options = null) {
    if (options == null) client.connect(url, "careful-agent");
    else client.connect(url, "careful-agent", options);
}

function subscribeAll(topics) {
    client.subscribe(topics, 1, function(rc, granted) {
        local codes = "";
        foreach (i, g in granted) codes += (i > 0 ? "," : "") + g;
        server.log("subscribe " + rc + " [" + codes + "]");
    });
}

function send(topic, payload, qos) {
    client.createmessage(topic, payload, { qos = qos }).sendasync(function(rc) {
        server.log("sendasync " + topic + " " + rc);
    });
}
