// fleet.js: one agent of a fleet. Run many of it in one process with
//   go run ./cmd/agenthost fleet examples/fleet/fleet.js --config examples/fleet/fleet.yaml --agents 100 --for 1m
// Every agent gets its own imp.configparams from the template in fleet.yaml,
// where {{index}} and {{deviceid}} differ per agent: it publishes a reading
// on its own topic every `interval` seconds and logs the commands published
// to its command topic. A lost connection is retried after 5 s.
//
// It shows: per-agent configparams, a client id made from the device id
// (client ids must be unique on a broker), reconnecting.

const P = imp.configparams;
// Defaults for a run without the fleet's config (agenthost test, run).
const INDEX = P.index === undefined ? 0 : P.index;
const SITE = P.site || "line-" + INDEX;
const TOPIC = P.topic || "plant/" + P.deviceid + "/readings";
const COMMANDS = P.commands || "plant/" + P.deviceid + "/commands";
const INTERVAL = P.interval || 10;
const BROKER = P.broker || "tcp://broker.example.com:1883";
const client = mqtt.createclient();
let n = 0;

function publish() {
    imp.wakeup(INTERVAL, publish);
    if (!client.isconnected()) return;
    n++;
    const reading = JSON.stringify({ site: SITE, n: n, t: time() });
    client.createmessage(TOPIC, reading, { qos: mqtt.AT_MOST_ONCE }).sendasync();
}

function connect() {
    client.connect(BROKER, "fleet-" + P.deviceid);
}

client.onconnect(function (rc) {
    if (rc != 0) {
        server.error("connect failed (" + rc + "), retrying in 5 s");
        imp.wakeup(5, connect);
        return;
    }
    client.subscribe(COMMANDS, mqtt.AT_LEAST_ONCE, function (rc, qos) {
        server.log("agent " + INDEX + " up: publishing on " + TOPIC + " every " + INTERVAL + " s");
    });
});

client.onconnectionlost(function (reason) {
    server.error("connection lost (" + reason + "), reconnecting in 5 s");
    imp.wakeup(5, connect);
});

client.onmessage(function (message) {
    server.log("command: " + message.message);
});

connect();
imp.wakeup(INTERVAL, publish);
