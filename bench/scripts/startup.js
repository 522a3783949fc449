// Benchmark agent (go run ./bench): start-up time.
//
// Connects, logs "connected" in onconnect(0) and disconnects; run with
// --until-idle it then exits.
const client = mqtt.createclient();

client.onconnect(function (resultCode) {
    if (resultCode != 0) {
        server.error("connect failed: " + resultCode);
        return;
    }
    server.log("connected");
    client.disconnect();
});

client.connect("tcp://bench.invalid:1883", imp.configparams.clientid);
