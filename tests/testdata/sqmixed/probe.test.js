// A JavaScript test of a Squirrel agent, given with --agent
// (tests/testdata/sqapi/agent.nut): the test sees the agent through the
// API's doubles (its HTTP answers, its log, the device), not its names.
class ProbeTest extends ImpTestCase {
    async testAnswersRequests() {
        const resp = await this.request("GET", "/probe?a=7");
        this.assertEqual(200, resp.statuscode);
        this.assertDeepEqual({ n: 1.5, ok: true }, JSON.parse(resp.body));
        this.assertEqual("GET /probe a=7", await this.waitForLog("GET"));
    }

    async testDevice() {
        this.device.send("hello", [1, "two"]);
        const data = await this.device.nextMessage("hello");
        this.assertDeepEqual([1, 2], data.a);
        this.assertDeepEqual([1, "two"], data.echo);
        // the agent's globals are Squirrel's, not JavaScript's
        this.assertEqual("undefined", typeof ticks);
    }
}
