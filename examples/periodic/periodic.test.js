// Tests for periodic.js:  go run ./cmd/agenthost test examples/periodic/
class PeriodicTest extends ImpTestCase {
    async test1PublishesEveryTenSeconds() {
        await this.waitForLog("connected; publishing every 10 s");
        const t0 = this.clock.now();
        const first = await this.broker.nextMessage("readings/#");
        const second = await this.broker.nextMessage("readings/#");
        this.assertEqual("readings/" + imp.configparams.deviceid, first.topic);
        this.assertEqual(1, JSON.parse(first.message.tostring()).n);
        this.assertEqual(2, JSON.parse(second.message.tostring()).n);
        this.assertClose(20, this.clock.now() - t0, 0.05);
    }

    async test2ReconnectsTenSecondsAfterALoss() {
        this.assertEqual(1, await this.broker.dropClient());
        this.assertEqual("ERROR: connection lost (-1), reconnecting in 10 s", await this.waitForLog("connection lost"));
        const t0 = this.clock.now();
        await this.waitForLog("connected; publishing");
        this.assertClose(10, this.clock.now() - t0, 0.05);
    }

    async test3RetriesWhileTheBrokerIsDown() {
        await this.broker.stop();
        await this.waitForLog("connection lost");
        await this.waitForLog("connect failed (-1), retrying in 10 s");
        await this.broker.start();
        await this.waitForLog("connected; publishing");
        this.assertEqual(1, this.broker.clients().length);
    }
}
