// Tests for hello.js:  go run ./cmd/agenthost test examples/hello/
class HelloTest extends ImpTestCase {
    async testRoundTrip() {
        const msg = await this.broker.nextMessage("hello/#");
        this.assertEqual("hello/" + imp.configparams.deviceid, msg.topic);
        this.assertEqual("hello, imp", msg.message.tostring());
        this.assertEqual(1, msg.qos);
        await this.waitForLog("disconnected");
        const logs = this.logs();
        this.assertTrue(logs.indexOf("sent: result 0") >= 0, "no sendasync result in " + JSON.stringify(logs));
        this.assertTrue(logs.indexOf("received 'hello, imp' on " + msg.topic + " (qos 1)") >= 0);
        this.assertEqual(false, client.isconnected());
    }
}
