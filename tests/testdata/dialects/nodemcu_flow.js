// A NodeMCU client exercises every member against the broker at
// configparams.host:port: a retained will, on("connect"), subscribe with a
// table and with a topic, publish with each QoS and its callback, the
// messages coming back, unsubscribe with a table and with a topic, close.
// Messages on e2e/in are commands: "unsubscribe" and "close".
const p = imp.configparams;
const m = mqtt.Client(p.id, 60, p.user || null, p.pass || null);
m.lwt("e2e/will/" + p.id, "nodemcu gone", 1, 1);
m.on("connect", function (c) {
    server.log("connected");
    // NodeMCU keeps one subscribe callback: the second replaces the first,
    // and is called for both SUBACKs.
    let acks = 0;
    c.subscribe({"e2e/in": 1, "e2e/echo/#": 2}, function () { server.log("first subscribe callback"); });
    c.subscribe("e2e/single", 0, function (c) {
        if (++acks < 2) return;
        server.log("subscribed twice");
        let sent = 0;
        for (let q = 0; q <= 2; q++) {
            c.publish("e2e/echo/" + q, "qos " + q, q, 0, function () { if (++sent == 3) server.log("published 3"); });
        }
    });
});
m.on("offline", function () { server.log("offline"); });
m.on("message", function (c, topic, data) {
    server.log("message " + topic + " " + data);
    if (data === "unsubscribe") {
        let n = 0;
        const done = function () {
            if (++n < 2) return;
            server.log("unsubscribed");
            c.publish("e2e/out", "after unsubscribe", 1, 1, function () { server.log("published retained"); });
        };
        c.unsubscribe({"e2e/in": true}, done);
        c.unsubscribe("e2e/single", done);
    }
    if (data === "close") server.log("close " + c.close() + " " + c.close());
});
server.log("connect " + m.connect(p.host, p.port));
