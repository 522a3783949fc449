// The device half: readings with a float and a blob, one a second; the
// second acknowledgement hits an error, logged as the device's.
local n = 0;
agent.on("ack", function(k) {
    server.log("acked " + k + " at " + hardware.millis() + " ms");
    if (k == 2) {
        local t = {};
        t.boom;
    }
});
function send() {
    n++;
    local b = blob(3);
    b.writen(n, 'b');
    agent.send("reading", { n = n, t = 20.0 + n / 2.0, raw = b });
    if (n < 2) imp.wakeup(1, send);
}
send();
server.log(1.5);
server.log(imp.environment() == ENVIRONMENT_MODULE && server.isconnected());
