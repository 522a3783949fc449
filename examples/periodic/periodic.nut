// periodic.nut: periodic.js in Squirrel. Every `interval` seconds (default
// 10, or imp.configparams.interval) it publishes a reading on
// readings/<deviceid> with imp.wakeup and logs each send with its
// sendasync result code. A lost connection is retried after 10 s.
//
// It shows: imp.wakeup rescheduling itself, createmessage(...).sendasync()
// with QoS 1, onconnectionlost with a reconnect delay, http.jsonencode.
//
// Run it for a minute:
//   go run ./cmd/agenthost run examples/periodic/periodic.nut --for 1m

local interval = "interval" in imp.configparams ? imp.configparams.interval : 10;
local topic = "readings/" + imp.configparams.deviceid;
local client = mqtt.createclient();
local count = 0;

function publish() {
    imp.wakeup(interval, publish);
    if (!client.isconnected()) return;
    count++;
    local reading = http.jsonencode({ n = count, t = time() }, { compact = true });
    client.createmessage(topic, reading, { qos = mqtt.AT_LEAST_ONCE }).sendasync(function(rc) {
        server.log("sent " + reading + " result " + rc);
    });
}

function connect() {
    client.connect("tcp://broker.example.com", "periodic-" + imp.configparams.deviceid);
}

client.onconnect(function(rc) {
    if (rc == 0) {
        server.log("connected; publishing every " + interval + " s");
    } else {
        server.error("connect failed (" + rc + "), retrying in 10 s");
        imp.wakeup(10, connect);
    }
});

client.onconnectionlost(function(reason) {
    server.error("connection lost (" + reason + "), reconnecting in 10 s");
    imp.wakeup(10, connect);
});

connect();
imp.wakeup(interval, publish);
