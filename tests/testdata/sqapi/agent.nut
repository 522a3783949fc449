// An agent that uses the imp API from Squirrel beyond MQTT: the agent URL,
// the device, timers by name, crypto and persistence. agent.test.nut
// checks it through `agenthost test`.
http.onrequest(function(request, response) {
    server.log(request.method + " " + request.path + " a=" + request.query.a);
    response.header("X-Test", "yes");
    response.send(200, http.jsonencode({ ok = true, n = 1.5 }, { compact = true }));
});
device.on("temp", function(t) { server.log("temp " + t + " " + typeof t); });
device.on("hello", function(data) { device.send("hello", { a = [1, 2], echo = data }); });

ticks <- 0;
function tick() { ticks++; imp.wakeup(1, tick, "ticker"); }
imp.wakeup(1, tick, "ticker");

function stopTicking() { imp.cancelwakeup("ticker"); }

function signed(message, key, done) {
    crypto.sign(crypto.ECDSA_P256_SHA256, message, key, function(err, signature) {
        done(err, typeof signature + " " + signature.len());
    });
}
