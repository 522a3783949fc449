// Tests for fleet.js, run as one agent without the fleet's config (so with
// the script's defaults, which the config's template matches):
//   go run ./cmd/agenthost test examples/fleet/
class FleetAgentTest extends ImpTestCase {
    async test1PublishesOnItsOwnTopicEveryInterval() {
        const topic = "plant/" + imp.configparams.deviceid + "/readings";
        await this.waitForLog("agent 0 up: publishing on " + topic + " every 10 s");
        const t0 = this.clock.now();
        const first = await this.broker.nextMessage("plant/+/readings");
        const second = await this.broker.nextMessage("plant/+/readings");
        this.assertEqual(topic, first.topic);
        this.assertEqual("line-0", JSON.parse(first.message.tostring()).site);
        this.assertEqual(2, JSON.parse(second.message.tostring()).n);
        this.assertClose(20, this.clock.now() - t0, 0.05);
    }

    async test2LogsCommandsSentToIt() {
        await this.broker.publish("plant/" + imp.configparams.deviceid + "/commands", "reboot");
        await this.waitForLog("command: reboot");
    }
}
