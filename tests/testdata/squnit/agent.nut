// The agent under test in agent.test.nut: it echoes what arrives on
// "in/#" to "out/...", counts device pings and logs a tick every minute.
const PREFIX = "out/";
client <- mqtt.createclient();
pings <- 0;
ticks <- 0;

function tick() {
    ticks++;
    server.log("tick " + ticks);
    imp.wakeup(60, tick);
}

client.onmessage(function(m) {
    client.createmessage(PREFIX + m.topic.slice(3), "echo " + m.message).sendasync();
});
client.onconnect(function(rc) {
    client.subscribe("in/#", 1, function(qos) { server.log("ready"); });
});
device.on("ping", function(n) {
    pings += n;
    device.send("pong", { count = pings, half = pings / 2.0 });
});
client.connect("tcp://broker.example.com", "squnit-agent");
imp.wakeup(60, tick);
