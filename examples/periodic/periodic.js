// periodic.js: a periodic publisher. Every `interval` seconds (default 10,
// or imp.configparams.interval) it publishes a reading on
// readings/<deviceid> with imp.wakeup and logs each send with its
// sendasync result code. A lost connection is retried after 10 s.
//
// It shows: imp.wakeup rescheduling itself, createmessage(...).sendasync()
// with QoS 1, onconnectionlost with a reconnect delay.
//
// Run it for a minute:
//   go run ./cmd/agenthost run examples/periodic/periodic.js --for 1m
// Watch its messages from another terminal (with embedded.listen set to a
// fixed port, e.g. 127.0.0.1:1883, in agenthost.yaml):
//   mosquitto_sub -h 127.0.0.1 -p 1883 -t 'readings/#' -v

const INTERVAL = imp.configparams.interval || 10;
const TOPIC = "readings/" + imp.configparams.deviceid;
const client = mqtt.createclient();
let count = 0;

function publish() {
    imp.wakeup(INTERVAL, publish);
    if (!client.isconnected()) return;
    count++;
    const reading = JSON.stringify({ n: count, t: time() });
    client.createmessage(TOPIC, reading, { qos: mqtt.AT_LEAST_ONCE }).sendasync(function (rc) {
        server.log("sent " + reading + " result " + rc);
    });
}

function connect() {
    client.connect("tcp://broker.example.com", "periodic-" + imp.configparams.deviceid);
}

client.onconnect(function (rc) {
    if (rc == 0) {
        server.log("connected; publishing every " + INTERVAL + " s");
    } else {
        server.error("connect failed (" + rc + "), retrying in 10 s");
        imp.wakeup(10, connect);
    }
});

client.onconnectionlost(function (reason) {
    server.error("connection lost (" + reason + "), reconnecting in 10 s");
    imp.wakeup(10, connect);
});

connect();
imp.wakeup(INTERVAL, publish);
