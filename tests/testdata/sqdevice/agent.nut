// The agent half of a Squirrel agent-device pair (run with --device
// device.nut): it acknowledges each reading the device sends.
device.on("reading", function(r) {
    server.log("reading " + r.t + " " + typeof r.t + ", raw " + typeof r.raw + " " + r.raw.len() + " bytes");
    device.send("ack", r.n);
});
