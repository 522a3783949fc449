// Tests for echo.js:  go run ./cmd/agenthost test examples/echo/
class EchoTest extends ImpTestCase {
    async setUp() {
        await this.waitForLog("ready: subscribed to requests/#");
    }

    async testEchoesText() {
        await this.broker.publish("requests/ping", "hello", { qos: 1 });
        const reply = await this.broker.nextMessage("replies/#");
        this.assertEqual("replies/ping", reply.topic);
        this.assertEqual("hello", reply.message.tostring());
        this.assertEqual(1, reply.qos);
    }

    async testEchoesBinaryByteForByte() {
        const payload = new Uint8Array([0, 255, 128, 10]);
        await this.broker.publish("requests/bin/x", payload);
        const reply = await this.broker.nextMessage("replies/bin/x");
        this.assertDeepEqual([0, 255, 128, 10], Array.from(reply.message.bytes()));
    }
}
