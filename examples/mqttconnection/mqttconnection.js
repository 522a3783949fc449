// mqttconnection.js: the MqttConnection example of MQTT.js's documentation
// (v0.3), in this host's JavaScript: a raw MQTT connection where every
// packet is written by hand. `new Buffer(...)` becomes a string (a blob
// or Uint8Array works too), and the connection is ended once the message
// is out, so the example finishes.
//
// Run it (the embedded broker stands in for localhost:1883):
//   go run ./cmd/agenthost run examples/mqttconnection/mqttconnection.js --until-idle
// It prints "connack 0" and "published".

const conn = mqtt.createConnection(1883, "localhost", function (err, client) {
    if (err) throw err;

    client.connect({
        protocolId: "MQIsdp",
        protocolVersion: 3,
        clientId: "example",
        keepalive: 30000
    });

    client.on("connack", function (packet) {
        server.log("connack " + packet.returnCode);
        if (packet.returnCode !== 0) {
            throw "Connect error";
        }
        client.publish({
            topic: "example",
            payload: "example"
        });
        server.log("published");
        client.disconnect();
        client.end();
    });
});
