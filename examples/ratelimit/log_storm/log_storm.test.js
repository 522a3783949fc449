// Tests for log_storm.js.
class LogStormTest extends ImpTestCase {
    async testBurstPrintedRestDropped() {
        await this.waitForLog("a minute later");
        const logs = this.logs();
        this.assertEqual(6001, logs.length);
        this.assertEqual("storm line 6000", logs[5999]);
    }
}
