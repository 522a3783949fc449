// Tests for nodemcu.js:  go run ./cmd/agenthost test examples/nodemcu/
// The embedded broker refuses, stops and drops on request; fake brokers
// answer what the embedded one never would.

// reconnect() closes the client and connects it again, as the example's
// retry does.
function reconnect() {
    m.close();
    do_mqtt_connect();
}

class NodeMCUExampleTest extends ImpTestCase {
    // The connect callback subscribes and publishes; the message comes back.
    async test1ConnectsSubscribesAndGetsItsMessage() {
        await this.waitForLog("connected");
        const lines = [await this.waitForLog("/topic:"), await this.waitForLog("hello")];
        this.assertDeepEqual(["/topic:", "hello"], lines);
        // "sent" comes once the publish is written, which may be before or
        // after its echo: requests are not queued one at a time.
        if (this.logs().indexOf("sent") < 0) await this.waitForLog("sent");
        this.assertTrue(this.logs().indexOf("subscribe success") >= 0, JSON.stringify(this.logs()));
        this.assertDeepEqual(["clientid"], this.broker.clients());
        this.assertDeepEqual(["/topic"], this.broker.subscriptions("clientid"));
    }

    // A message from another client, and an empty one, which arrives as null.
    async test2MessagesFromTheBroker() {
        await this.broker.publish("/topic", "from the test");
        this.assertEqual("/topic:", await this.waitForLog("/topic:"));
        this.assertEqual("from the test", await this.waitForLog("from the test"));
        await this.broker.publish("/topic", "");
        this.assertEqual("/topic:", await this.waitForLog("/topic:"));
        await this.broker.publish("/topic", "after the empty one");
        await this.waitForLog("/topic:");
        this.assertEqual("after the empty one", await this.waitForLog(/./));
    }

    // A dropped connection calls on("offline"), not the failure callback.
    async test3Offline() {
        this.assertEqual(1, await this.broker.dropClient());
        this.assertEqual("offline", await this.waitForLog("offline"));
        this.assertEqual(-1, this.logs().findIndex(function (l) { return l.indexOf("failed") >= 0; }));
        this.assertDeepEqual([], this.broker.clients());
    }

    // CONNACK refusals 1 to 5 reach the failure callback as they are, and
    // the example tries again 10 s later.
    async test4EachRefusal() {
        for (let code = 1; code <= 5; code++) {
            this.broker.refuseNext(code);
            reconnect();
            this.assertEqual("ERROR: failed reason: " + code, await this.waitForLog("failed reason"));
        }
        await this.clock.advance(10);
        await this.waitForLog("connected");
        this.assertDeepEqual(["clientid"], this.broker.clients());
    }

    // No broker listening: CONN_FAIL_SERVER_NOT_FOUND (-5).
    async test5NoListener() {
        await this.broker.stop();
        this.assertEqual("offline", await this.waitForLog("offline"));
        do_mqtt_connect();
        this.assertEqual("ERROR: failed reason: " + mqtt.CONN_FAIL_SERVER_NOT_FOUND, await this.waitForLog("failed reason"));
        await this.broker.start();
        await this.clock.advance(10);
        await this.waitForLog("connected");
    }

    // A broker whose first answer is not a CONNACK: CONN_FAIL_NOT_A_CONNACK_MSG (-4).
    async test6NotAConnack() {
        const url = this.fakeBroker(function (conn) {
            conn.on("connect", function () { conn.suback({messageId: 1, granted: [0]}); });
        });
        const port = Number(url.split(":")[2]);
        m.close();
        m.connect("127.0.0.1", port, 0, 0, null, handle_mqtt_error);
        this.assertEqual("ERROR: failed reason: -4", await this.waitForLog("failed reason"));
    }

    // A broker that never answers: CONN_FAIL_TIMEOUT_RECEIVING (-2) after
    // NodeMCU's 5 s, in wall time; virtual time stands still meanwhile.
    async test7NoConnack() {
        let connect;
        const url = this.fakeBroker(function (conn) {
            conn.on("connect", function (p) { connect = p; });
        });
        const port = Number(url.split(":")[2]);
        m.close();
        const t0 = this.clock.now();
        m.connect("127.0.0.1", port, 0, 0, null, handle_mqtt_error);
        this.assertEqual("ERROR: failed reason: -2", await this.waitForLog("failed reason"));
        this.assertEqual(t0, this.clock.now());
        this.assertDeepEqual(["MQTT", 4, "clientid", 120, "user", "password", "/lwt", "offline"],
            [connect.protocolId, connect.protocolVersion, connect.clientId, connect.keepalive,
             connect.username, connect.password, connect.will.topic, connect.will.payload]);
    }
}
