// A subscription to a denied filter is answered with 0x80 (128).
// config: {embedded: {deny_subscribe: ["private/#"]}}
// want: private/data: rc 0 qosMode 128
// want: [public/data, private/x]: rc 0 qosMode [1,128]
const c = mqtt.createclient();
c.onconnect(function () {
    c.subscribe("private/data", 1, function (rc, q) {
        server.log("private/data: rc " + rc + " qosMode " + q);
        c.subscribe(["public/data", "private/x"], 1, function (rc, q) {
            server.log("[public/data, private/x]: rc " + rc + " qosMode " + JSON.stringify(q));
            c.disconnect();
        });
    });
});
c.connect("tcp://h", "deny-test");
