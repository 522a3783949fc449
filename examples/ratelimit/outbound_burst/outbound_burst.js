// outbound_burst.js: an outbound burst that overflows the rate limiter's
// buffer. It publishes 250 messages at once. With the default limits
// (10/s, burst 100, buffer 100) the connect and the first 99 messages pass
// at once, the next 100 wait in the buffer and leave one every 100 ms, and
// the last 51 fail with -12 (too many buffered messages).
//
// It shows: sendasync result codes under the outbound limit, and the
// summary table and chart of a rate-limit experiment.
//
// Run it on the virtual clock, so the 10 s of releases take no time:
//   go run ./cmd/agenthost run examples/ratelimit/outbound_burst/outbound_burst.js \
//       --clock virtual --until-idle --report-svg burst.svg

const client = mqtt.createclient();
const N = 250;
const counts = {};
let done = 0, t0 = 0;

client.onconnect(function (rc) {
    if (rc != 0) { server.error("connect failed: " + rc); return; }
    t0 = Date.now();
    for (let i = 0; i < N; i++) {
        client.createmessage("burst/" + i, "reading " + i).sendasync(function (code) {
            counts[code] = (counts[code] || 0) + 1;
            if (++done == N) {
                server.log("after " + (Date.now() - t0) / 1000 + " s: " +
                    counts[0] + " sent (0), " + (counts[-12] || 0) + " refused (-12)");
                client.disconnect();
            }
        });
    }
});

client.connect("tcp://broker.example.com", "burst-" + imp.configparams.deviceid);
