// Tests for counter.js:  go run ./cmd/agenthost test examples/counter/
// Each test file gets a fresh state directory, so this is the first run.
class CounterTest extends ImpTestCase {
    testFirstRunSavesOne() {
        this.assertEqual(1, server.load().runs);
        this.assertEqual("run 1 (device " + imp.configparams.deviceid + ")", this.logs()[0]);
    }
}
