// Benchmark agent (go run ./bench): outbound throughput.
//
// Subscribes to configparams.gotopic and logs "ready". When a message
// arrives there, publishes configparams.n messages of configparams.size
// bytes to configparams.topic at configparams.qos in one loop, with
// createmessage(...).sendasync(cb), and logs "done OK FAILED" once every
// callback has fired (QoS 0: handed to the connection; QoS 1: PUBACK).
const P = imp.configparams;
const N = P.n;
const client = mqtt.createclient();
const payload = "x".repeat(P.size);
let started = false, called = 0, ok = 0;

function sent(resultCode) {
    called++;
    if (resultCode == 0) ok++;
    if (called == N) server.log("done " + ok + " " + (called - ok));
}

client.onconnect(function (resultCode) {
    if (resultCode != 0) {
        server.error("connect failed: " + resultCode);
        return;
    }
    client.subscribe(P.gotopic, mqtt.AT_LEAST_ONCE, function (resultCode, qosMode) {
        if (resultCode != 0 || qosMode == 0x80) {
            server.error("subscribe failed: " + resultCode + ", granted " + qosMode);
            return;
        }
        server.log("ready");
    });
});

client.onconnectionlost(function (reason) {
    server.error("connection lost: " + reason);
});

client.onmessage(function (message) {
    if (message.topic != P.gotopic || started) return;
    started = true;
    for (let i = 0; i < N; i++) {
        client.createmessage(P.topic, payload, { qos: P.qos }).sendasync(sent);
    }
});

client.connect("tcp://bench.invalid:1883", P.clientid);
