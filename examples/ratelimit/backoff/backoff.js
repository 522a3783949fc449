// backoff.js: a well-behaved publisher. It has 300 readings to send, more
// than the outbound burst and buffer together. When sendasync reports -12
// (buffer full) it does not retry at once: it keeps the reading and tries
// again after a back-off, so every reading is delivered and the buffer
// never overflows twice in a row.
//
// It shows: handling -12 with imp.wakeup, and what the outbound limit costs
// in time: 300 readings at 10/s with a burst of 100 take about 20 s.
//
// Run it:
//   go run ./cmd/agenthost run examples/ratelimit/backoff/backoff.js --clock virtual --until-idle

const client = mqtt.createclient();
const pending = [];
for (let i = 0; i < 300; i++) pending.push(i);
let inflight = 0, delivered = 0, refused = 0, t0 = 0;

function pump() {
    while (pending.length > 0) {
        const n = pending.shift();
        inflight++;
        client.createmessage("readings/" + n, "reading " + n, { qos: 1 }).sendasync(function (code) {
            inflight--;
            if (code == 0) {
                delivered++;
            } else if (code == -12) {
                refused++;
                pending.push(n);          // keep it for later
            } else {
                server.error("reading " + n + " failed: " + code);
            }
            finish();
        });
    }
}

let retryArmed = false;
function finish() {
    if (inflight > 0) return;
    if (pending.length > 0) {
        if (!retryArmed) {
            retryArmed = true;
            imp.wakeup(5, function () { retryArmed = false; pump(); });  // back off 5 s
        }
        return;
    }
    server.log(delivered + " readings delivered in " + (Date.now() - t0) / 1000 + " s, " +
        refused + " refusals along the way");
    client.disconnect();
}

client.onconnect(function (rc) {
    if (rc != 0) { server.error("connect failed: " + rc); return; }
    t0 = Date.now();
    pump();
});

client.connect("tcp://broker.example.com", "backoff-" + imp.configparams.deviceid);
