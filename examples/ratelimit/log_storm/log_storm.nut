// log_storm.nut: log_storm.js in Squirrel. It logs 7,000 lines at once;
// the log limit (100/min sustained, burst 6,000) prints the first 6,000
// and drops the rest. A minute later it logs once more: that line is
// preceded by one [Status] notice saying exactly how many were dropped.
//
// Run it (the output is long; the tail shows the notice):
//   go run ./cmd/agenthost run examples/ratelimit/log_storm/log_storm.nut --clock virtual --until-idle | tail -4

for (local i = 1; i <= 7000; i++) {
    server.log("storm line " + i);
}
imp.wakeup(60, function() {
    server.log("a minute later, the storm has passed");
});
