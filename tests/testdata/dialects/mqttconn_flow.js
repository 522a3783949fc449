// An MqttConnection drives a whole session with the broker at
// configparams.host:port by hand, in MQTT 3.1 or 3.1.1
// (configparams.version): connect, subscribe, a QoS 2 publish and the QoS 2
// delivery back (PUBREC, PUBREL, PUBCOMP both ways), a QoS 1 publish and
// its delivery, unsubscribe, ping, disconnect; every event logs its packet.
const p = imp.configparams;
function show(pk) {
    const o = {};
    for (const k of Object.keys(pk).sort()) {
        if (k == "length" || k == "messageId" && pk.cmd == "publish") continue; // the broker's choice
        o[k] = k == "payload" ? String(pk[k]) : pk[k];
    }
    return JSON.stringify(o);
}
const conn = mqtt.createConnection(p.port, p.host, function (err, c) {
    server.log("callback " + err + " " + (c === conn));
    c.connect({protocolId: p.version == 3 ? "MQIsdp" : "MQTT", protocolVersion: p.version, clientId: "raw-" + p.version,
        clean: true, keepalive: 30, username: p.user || undefined, password: p.pass || undefined});
});
for (const ev of ["connack", "suback", "pubrec", "pubcomp", "puback", "unsuback", "pingresp", "publish", "pubrel"]) {
    conn.on(ev, function (pk) { server.log(ev + " " + show(pk)); });
}
conn.on("connected", function () { server.log("connected"); });
conn.on("close", function () {
    server.log("close");
    conn.on("error", function (e) { server.log("error " + e.message); });
    server.log("pingreq after close " + conn.pingreq());
});
conn.once("connack", function () {
    conn.subscribe({messageId: 1, subscriptions: [{topic: "raw/" + p.version + "/#", qos: 2}]});
});
conn.once("suback", function () {
    conn.publish({topic: "raw/" + p.version + "/two", payload: "qos two", qos: 2, messageId: 7});
});
conn.once("pubrec", function (pk) { conn.pubrel({messageId: pk.messageId}); });
conn.on("publish", function (pk) {
    if (pk.qos == 2) conn.pubrec({messageId: pk.messageId});
    if (pk.qos == 1) {
        conn.puback({messageId: pk.messageId});
        conn.unsubscribe({messageId: 3, unsubscriptions: ["raw/" + p.version + "/#"]});
    }
});
conn.on("pubrel", function (pk) {
    conn.pubcomp({messageId: pk.messageId});
    conn.publish({topic: "raw/" + p.version + "/one", payload: "qos one", qos: 1, messageId: 8});
});
conn.once("unsuback", function () { conn.pingreq(); });
conn.once("pingresp", function () { conn.disconnect(); conn.end(); });
