// An imp agent that reports every callback of its MQTT client, so that
// fakebroker.test.js can check how it handles brokers that misbehave.
const client = mqtt.createclient();
client.onconnect(function (rc) { server.log("onconnect " + rc); });
client.onconnectionlost(function (reason) { server.log("onconnectionlost " + reason); });
client.onmessage(function (m) {
    server.log("onmessage " + m.topic + " '" + m.message + "' qos " + m.qos + " dup " + m.dup);
});

function connectTo(url, options) {
    client.connect(url, "careful-agent", options);
}

function subscribeAll(topics) {
    client.subscribe(topics, 1, function (rc, granted) {
        server.log("subscribe " + rc + " " + JSON.stringify(granted));
    });
}

function send(topic, payload, qos) {
    client.createmessage(topic, payload, {qos: qos}).sendasync(function (rc) {
        server.log("sendasync " + topic + " " + rc);
    });
}
