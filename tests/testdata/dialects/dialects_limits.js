// Both dialects share the agent's outbound limit (burst 3, 1/s, buffer 1):
// the NodeMCU connect and publish and the MqttConnection CONNECT take the
// three tokens, the next raw publish waits a second for its token, and the
// two requests after it find the buffer full.
const m = mqtt.Client("nm", 60);
m.connect("h", function (c) {
    server.log("nodemcu publish " + c.publish("t/nodemcu", "x", 0, 0));
    mqtt.createConnection(1883, "h", function (err, conn) {
        conn.on("error", function (e) { server.log("mqttconn error " + e.code); });
        conn.on("connack", function () {
            server.log("mqttconn publish " + conn.publish({topic: "t/raw", payload: "y"}));
            server.log("mqttconn publish " + conn.publish({topic: "t/raw", payload: "z"}));
            server.log("nodemcu publish " + c.publish("t/nodemcu", "x", 0, 0));
            imp.wakeup(2, function () { conn.end(); c.close(); });
        });
        conn.connect({clientId: "raw", protocolId: "MQTT", keepalive: 60});
    });
});
