// Tests for periodic.nut, in Squirrel:
//   go run ./cmd/agenthost test examples/periodic/periodic.test.nut
class PeriodicTest extends ImpTestCase {
    function test1PublishesEveryTenSeconds() {
        local t0 = null, first = null;
        return waitForLog("connected; publishing every 10 s").then(function(_) {
            t0 = clock.now();
            return broker.nextMessage("readings/#");
        }.bindenv(this)).then(function(m) {
            first = m;
            return broker.nextMessage("readings/#");
        }.bindenv(this)).then(function(second) {
            assertEqual("readings/" + imp.configparams.deviceid, first.topic);
            assertEqual(1, http.jsondecode(first.message.tostring()).n);
            assertEqual(2, http.jsondecode(second.message.tostring()).n);
            assertClose(20, clock.now() - t0, 0.05);
        }.bindenv(this));
    }

    function test2ReconnectsTenSecondsAfterALoss() {
        local t0 = null;
        return broker.dropClient().then(function(n) {
            assertEqual(1, n);
            return waitForLog("connection lost");
        }.bindenv(this)).then(function(line) {
            assertEqual("ERROR: connection lost (-1), reconnecting in 10 s", line);
            t0 = clock.now();
            return waitForLog("connected; publishing");
        }.bindenv(this)).then(function(_) {
            assertClose(10, clock.now() - t0, 0.05);
        }.bindenv(this));
    }

    function test3RetriesWhileTheBrokerIsDown() {
        return broker.stop().then(function(_) {
            return waitForLog("connection lost");
        }.bindenv(this)).then(function(_) {
            return waitForLog("connect failed (-1), retrying in 10 s");
        }.bindenv(this)).then(function(_) {
            return broker.start();
        }.bindenv(this)).then(function(_) {
            return waitForLog("connected; publishing");
        }.bindenv(this)).then(function(_) {
            assertEqual(1, broker.clients().len());
        }.bindenv(this));
    }
}
