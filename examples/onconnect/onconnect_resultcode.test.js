// Tests for onconnect_resultcode.js (the two-parameter subscribe callback):
//   go run ./cmd/agenthost test examples/onconnect/
class OnconnectResultcodeTest extends ImpTestCase {
    async test1Connects() {
        this.assertEqual("Connected to tcp://test.mosquitto.org:1883", await this.waitForLog("Connected to"));
    }

    // A refused subscription (0x80) is reported with server.error.
    async test2RefusedSubscription() {
        await new Promise(function (resolve) { client.disconnect(resolve); });
        this.broker.denySubscribe("imp.mqtt.test.pings");
        client.connect(URL + ":" + PORT.toString(), cid, options);
        this.assertEqual("ERROR: Not subscribed to 'imp.mqtt.test.pings'.", await this.waitForLog("Not subscribed"));
    }
}
