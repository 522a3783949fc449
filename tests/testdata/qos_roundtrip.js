// A message of each QoS goes out and comes back; sendasync reports 0 once
// delivery is complete for its QoS (written, PUBACK, PUBCOMP).
// want: qos 0: sendasync 0, received qos 0 'm0'
// want: qos 1: sendasync 0, received qos 1 'm1'
// want: qos 2: sendasync 0, received qos 2 'm2'
const c = mqtt.createclient();
let q = 0, sent = null, got = null;
function step() {
    if (sent === null || got === null) return;
    server.log("qos " + q + ": sendasync " + sent + ", received " + got);
    sent = got = null;
    if (++q > 2) { c.disconnect(); return; }
    send();
}
function send() {
    c.createmessage("rt/" + q, "m" + q, { qos: q }).sendasync(function (rc) { sent = rc; step(); });
}
c.onmessage(function (m) { got = "qos " + m.qos + " '" + m.message + "'"; step(); });
c.onconnect(function () {
    c.subscribe("rt/+", mqtt.EXACTLY_ONCE, function () { send(); });
});
c.connect("tcp://h", "qos-test");
