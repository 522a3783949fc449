// Benchmark agent (go run ./bench): inbound throughput.
//
// Subscribes to configparams.topic at configparams.qos, logs "ready" once
// the subscription is granted, reads every message's payload and logs
// "done COUNT BYTES" when configparams.n messages have arrived. While
// counting it logs "count COUNT BYTES" once a second, so that a run that
// times out can say how many arrived.
const P = imp.configparams;
const N = P.n;
const client = mqtt.createclient();
let count = 0, bytes = 0, finished = false;

function progress() {
    if (finished) return;
    server.log("count " + count + " " + bytes);
    imp.wakeup(1, progress);
}

client.onconnect(function (resultCode) {
    if (resultCode != 0) {
        server.error("connect failed: " + resultCode);
        return;
    }
    client.subscribe(P.topic, P.qos, function (resultCode, qosMode) {
        if (resultCode != 0 || qosMode != P.qos) {
            server.error("subscribe failed: " + resultCode + ", granted " + qosMode);
            return;
        }
        server.log("ready");
        imp.wakeup(1, progress);
    });
});

client.onconnectionlost(function (reason) {
    server.error("connection lost: " + reason);
});

client.onmessage(function (message) {
    count++;
    bytes += message.message.len();
    if (count == N) {
        finished = true;
        server.log("done " + count + " " + bytes);
    } else if (count == N + 1) {
        server.error("more than " + N + " messages");
    }
});

// --broker on the command line decides where this really goes.
client.connect("tcp://bench.invalid:1883", P.clientid);
