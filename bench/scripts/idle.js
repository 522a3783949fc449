// Benchmark agent (go run ./bench): memory of an idle connected agent.
//
// Connects, subscribes to one topic, logs "connected" and then waits
// (nothing arrives on the topic) until it is stopped.
const client = mqtt.createclient();

client.onconnect(function (resultCode) {
    if (resultCode != 0) {
        server.error("connect failed: " + resultCode);
        return;
    }
    client.subscribe("bench/idle/" + imp.configparams.clientid, mqtt.AT_LEAST_ONCE, function (resultCode, qosMode) {
        if (resultCode != 0 || qosMode == 0x80) {
            server.error("subscribe failed: " + resultCode + ", granted " + qosMode);
            return;
        }
        server.log("connected");
    });
});

client.onmessage(function (message) {
    server.log("unexpected message on " + message.topic);
});

client.connect("tcp://bench.invalid:1883", imp.configparams.clientid);
