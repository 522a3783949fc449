// Tests for log_storm.nut.
class LogStormTest extends ImpTestCase {
    function testBurstPrintedRestDropped() {
        return waitForLog("a minute later").then(function(_) {
            local lines = logs();
            assertEqual(6001, lines.len());
            assertEqual("storm line 6000", lines[5999]);
        }.bindenv(this));
    }
}
