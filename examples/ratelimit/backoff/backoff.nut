// backoff.nut: backoff.js in Squirrel. It has 300 readings to send, more
// than the outbound burst and buffer together. When sendasync reports -12
// (buffer full) it keeps the reading and tries again after a back-off of
// 5 s, so every reading is delivered.
//
// Run it:
//   go run ./cmd/agenthost run examples/ratelimit/backoff/backoff.nut --clock virtual --until-idle

local client = mqtt.createclient();
local pending = [];
for (local i = 0; i < 300; i++) pending.push(i);
local inflight = 0, delivered = 0, refused = 0, started = null;
local retryArmed = false;

// seconds since the first connect, to the millisecond
function elapsed() {
    local now = date();
    return (now.time - started.time) + (now.usec - started.usec) / 1000000.0;
}

function finish() {
    if (inflight > 0) return;
    if (pending.len() > 0) {
        if (!retryArmed) {
            retryArmed = true;
            imp.wakeup(5, function() { retryArmed = false; pump(); });  // back off 5 s
        }
        return;
    }
    server.log(delivered + " readings delivered in " + format("%.1f", elapsed()) + " s, " +
        refused + " refusals along the way");
    client.disconnect();
}

function send(n) {
    inflight++;
    client.createmessage("readings/" + n, "reading " + n, { qos = 1 }).sendasync(function(code) {
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

function pump() {
    while (pending.len() > 0) send(pending.remove(0));
}

client.onconnect(function(rc) {
    if (rc != 0) { server.error("connect failed: " + rc); return; }
    started = date();
    pump();
});

client.connect("tcp://broker.example.com", "backoff-" + imp.configparams.deviceid);
