// A retained message reaches a later subscriber with retain=1.
// want: published retained: 0
// want: later subscriber got 'last value' retain=1 qos=1
const c = mqtt.createclient();
c.onconnect(function () {
    c.createmessage("status/device", "last value", { qos: 1, retain: true }).sendasync(function (rc) {
        server.log("published retained: " + rc);
        c.onmessage(function (m) {
            server.log("later subscriber got '" + m.message + "' retain=" + m.retain + " qos=" + m.qos);
            c.disconnect();
        });
        c.subscribe("status/#", 1);
    });
});
c.connect("tcp://h", "retain-test");
