// outbound_burst.nut: outbound_burst.js in Squirrel. It publishes 250
// messages at once. With the default limits (10/s, burst 100, buffer 100)
// the connect and the first 99 messages pass at once, the next 100 wait in
// the buffer and leave one every 100 ms, and the last 51 fail with -12.
//
// Run it on the virtual clock, so the 10 s of releases take no time:
//   go run ./cmd/agenthost run examples/ratelimit/outbound_burst/outbound_burst.nut \
//       --clock virtual --until-idle

const N = 250;
local client = mqtt.createclient();
local counts = {};
local done = 0, t0 = 0;

client.onconnect(function(rc) {
    if (rc != 0) { server.error("connect failed: " + rc); return; }
    t0 = time();
    for (local i = 0; i < N; i++) {
        client.createmessage("burst/" + i, "reading " + i).sendasync(function(code) {
            if (!(code in counts)) counts[code] <- 0;
            counts[code]++;
            if (++done == N) {
                server.log("after " + (time() - t0) + " s: " + counts[0] + " sent (0), " +
                    ((-12) in counts ? counts[-12] : 0) + " refused (-12)");
                client.disconnect();
            }
        });
    }
});

client.connect("tcp://broker.example.com", "burst-" + imp.configparams.deviceid);
