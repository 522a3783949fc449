// The API's limits throw with messages that name the argument.
// want: payload 262144: ok
// want: payload 262145: RangeError
// want: 10 topics: ok
// want: 11 topics: RangeError
// want: clientId 255: ok
// want: clientId 256: TypeError
// want: clientId empty: TypeError
// want: keepalive 0: ok
// want: keepalive 30: ok
// want: keepalive 65535: ok
// want: keepalive 29: RangeError
// want: keepalive 65536: RangeError
function attempt(label, f) {
    try { f(); server.log(label + ": ok"); } catch (e) { server.log(label + ": " + e.name); }
}
const c = mqtt.createclient();
attempt("payload 262144", function () { c.createmessage("t", blob(262144)); });
attempt("payload 262145", function () { c.createmessage("t", blob(262145)); });
c.onconnect(function () {
    const ten = [], eleven = [];
    for (let i = 0; i < 11; i++) { if (i < 10) ten.push("t/" + i); eleven.push("t/" + i); }
    attempt("10 topics", function () { c.subscribe(ten, 0); });
    attempt("11 topics", function () { c.subscribe(eleven, 0); });
    c.disconnect(function () {
        const probe = mqtt.createclient();
        attempt("clientId 255", function () { probe.connect("tcp://h", "x".repeat(255)); });
        probe.disconnect(function () {
            attempt("clientId 256", function () { mqtt.createclient().connect("tcp://h", "x".repeat(256)); });
            attempt("clientId empty", function () { mqtt.createclient().connect("tcp://h", ""); });
            keepalives([0, 30, 65535], [29, 65536]);
        });
    });
});
function keepalives(good, bad) {
    if (good.length == 0) {
        bad.forEach(function (k) {
            attempt("keepalive " + k, function () { mqtt.createclient().connect("tcp://h", "k", { keepalive: k }); });
        });
        return;
    }
    const k = good.shift();
    const kc = mqtt.createclient();
    attempt("keepalive " + k, function () { kc.connect("tcp://h", "k", { keepalive: k }); });
    kc.disconnect(function () { keepalives(good, bad); });
}
c.connect("tcp://h", "limits-test");
