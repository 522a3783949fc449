// Tests for inbound_flood.js (with the agenthost.yaml beside it).
class InboundFloodTest extends ImpTestCase {
    async test1DropsAfterTheBurst() {
        this.assertEqual("ERROR: connection lost (-2) after 1000 messages", await this.waitForLog("connection lost"));
    }

    // The broker can produce the flood too.
    async test2BrokerFlood() {
        const self = this;
        client.onconnectionlost(function (reason) { server.log("lost again " + reason); });
        client.onconnect(function () {
            client.subscribe("f", 0, function () { server.log("resubscribed"); });
        });
        client.connect("tcp://h", "flood-again");
        await this.waitForLog("resubscribed");
        await this.broker.flood("f", 1500);
        this.assertEqual("lost again -2", await this.waitForLog("lost again"));
    }
}
