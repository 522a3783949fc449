// Tests for onconnect.js, run by `agenthost test` (which loads onconnect.js
// into the same VM first, so its globals, such as `client`, are visible).
//   go run ./cmd/agenthost test examples/onconnect/

class OnconnectTest extends ImpTestCase {
    // The agent connects as soon as it loads.
    async test1Connects() {
        const line = await this.waitForLog("Connected to");
        this.assertEqual("Connected to tcp://test.mosquitto.org:1883", line);
        this.assertDeepEqual(["imp.mqtt.test." + imp.configparams.deviceid], this.broker.clients());
    }

    // A ping published on the topic reaches onMessage once subscribed.
    // The agent registers onmessage only when its SUBACK arrives, and
    // messages before that are not delivered (as on the imp), so ping
    // until one is logged; on the virtual clock the waits cost nothing.
    async test2ReceivesPings() {
        for (let i = 0; i < 20; i++) {
            await this.broker.publish("imp.mqtt.test.pings", "hello");
            try {
                const line = await this.waitForLog("received under topic", 1);
                this.assertEqual("Message 'hello' received under topic 'imp.mqtt.test.pings'", line);
                return;
            } catch (e) {
                if (e.name == "AssertionError") throw e;
            }
        }
        throw new Error("no ping was received");
    }

    // A broker that refuses with 5 is reported as "Not authorized".
    async test3NotAuthorized() {
        await new Promise(function (resolve) { client.disconnect(resolve); });
        this.broker.refuseNext(5);
        client.connect(URL + ":" + PORT.toString(), cid, options);
        const line = await this.waitForLog("Failed to connect");
        this.assertTrue(line.endsWith("Error: Not authorized"), line);
        this.assertEqual(false, client.isconnected());
    }

    // Made to reconnect 10 s after a lost connection, the agent is
    // connected again once the clock has passed that delay.
    async test4ReconnectsAfterDrop() {
        client.onconnectionlost(function () {
            server.log("lost; retrying in 10 s");
            imp.wakeup(10, function () { client.connect(URL + ":" + PORT.toString(), cid, options); });
        });
        client.connect(URL + ":" + PORT.toString(), cid, options);
        await this.waitForLog("Connected to");
        const t0 = this.clock.now();
        this.assertEqual(1, await this.broker.dropClient());
        await this.waitForLog("lost; retrying in 10 s");
        this.assertEqual(false, client.isconnected());
        await this.clock.advance(10);
        await this.waitForLog("Connected to");
        this.assertTrue(client.isconnected());
        this.assertBetween(this.clock.now() - t0, 10, 10.1);
    }
}
