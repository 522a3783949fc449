// Benchmark agent (go run ./bench): memory of an idle connected agent.
//
// Connects, subscribes to one topic, logs "connected" and then waits
// (nothing arrives on the topic) until it is stopped. A failed connect is
// retried after 1 s (a fleet of thousands on a busy machine may see a
// broker refuse some at first); it is logged as "retrying".
const client = mqtt.createclient();

function connect() {
    // --broker on the command line decides where this really goes.
    client.connect("tcp://bench.invalid:1883", imp.configparams.clientid);
}

client.onconnect(function (resultCode) {
    if (resultCode != 0) {
        server.log("retrying: connect failed: " + resultCode);
        imp.wakeup(1, connect);
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

connect();
