// Tests for mqttconnection.js:  go run ./cmd/agenthost test examples/mqttconnection/
// The example talks to the embedded broker; the other tests pair an
// MqttConnection of the agent's with a fake broker, so that every packet
// type is written by one side's method and read, with its fields, by the
// other side's event.

// next(conn, event) → Promise of the next packet of that type.
function next(conn, event) {
    return new Promise(function (resolve) { conn.once(event, resolve); });
}

// pair(test) → Promise of [agent, broker]: an MqttConnection of the agent's
// connected (at TCP level) to a fake broker, and the broker's side of it.
function pair(test) {
    return new Promise(function (resolve) {
        let broker, agent;
        const url = test.fakeBroker(function (conn) {
            broker = conn;
            if (agent) resolve([agent, broker]);
        });
        const port = Number(url.split(":")[2]);
        mqtt.createConnection(port, "127.0.0.1", function (err, c) {
            if (err) throw err;
            agent = c;
            if (broker) resolve([agent, broker]);
        });
    });
}

// fields(p, names) picks some fields of a packet, blobs as strings.
function fields(p, names) {
    const o = {};
    for (const n of names) o[n] = p[n] !== null && typeof p[n] === "object" && typeof p[n].tostring === "function" ? p[n].tostring() : p[n];
    return o;
}

class ExampleTest extends ImpTestCase {
    // The seed's example: CONNECT with MQTT 3.1, CONNACK 0, a publish.
    async test1PublishesToTheBroker() {
        this.assertEqual("connack 0", await this.waitForLog("connack"));
        const msg = await this.broker.nextMessage("example");
        this.assertEqual("example", msg.message.tostring());
        this.assertEqual(0, msg.qos);
    }
}

class EveryPacketTest extends ImpTestCase {
    // connect / connack, in MQTT 3.1 and 3.1.1, with every CONNECT field.
    async test1ConnectAndConnack() {
        for (const [id, version] of [["MQIsdp", 3], ["MQTT", 4]]) {
            const [agent, broker] = await pair(this);
            const connect = next(broker, "connect");
            agent.connect({protocolId: id, protocolVersion: version, clientId: "every-" + version, keepalive: 45, clean: true,
                username: "u", password: "p", will: {topic: "w", payload: "gone", qos: 1, retain: true}});
            const p = await connect;
            this.assertDeepEqual({cmd: "connect", protocolId: id, protocolVersion: version, version: id, versionNum: version,
                clientId: "every-" + version, keepalive: 45, clean: true, username: "u", password: "p",
                will: {topic: "w", payload: "gone", qos: 1, retain: true}, dup: false, qos: 0, retain: false, length: p.length},
                p);
            this.assertEqual(id.length + 2 + 4 + 2 + 7 + 2 + 1 + 2 + 4 + 2 + 1 + 2 + 1, p.length);
            const connack = next(agent, "connack");
            broker.connack({returnCode: 5, sessionPresent: false});
            this.assertDeepEqual({cmd: "connack", returnCode: 5, sessionPresent: false, dup: false, qos: 0, retain: false, length: 2},
                await connack);
            agent.end();
            await next(broker, "close");
        }
    }

    // subscribe / suback, unsubscribe / unsuback, pingreq / pingresp,
    // disconnect, and a QoS 2 publish each way with its puback, pubrec,
    // pubrel and pubcomp.
    async test2EverythingElse() {
        const [agent, broker] = await pair(this);
        agent.connect({protocolId: "MQTT", clientId: "all"});
        await next(broker, "connect");
        broker.connack({returnCode: 0});
        await next(agent, "connack");

        let p = next(broker, "subscribe");
        agent.subscribe({messageId: 11, subscriptions: [{topic: "a/+", qos: 2}, {topic: "b/#", qos: 0}]});
        this.assertDeepEqual({cmd: "subscribe", messageId: 11, subscriptions: [{topic: "a/+", qos: 2}, {topic: "b/#", qos: 0}]},
            fields(await p, ["cmd", "messageId", "subscriptions"]));
        p = next(agent, "suback");
        broker.suback({messageId: 11, granted: [2, 0x80]});
        this.assertDeepEqual({cmd: "suback", messageId: 11, granted: [2, 128]}, fields(await p, ["cmd", "messageId", "granted"]));

        p = next(broker, "unsubscribe");
        agent.unsubscribe({messageId: 12, unsubscriptions: ["a/+", "b/#"]});
        this.assertDeepEqual({cmd: "unsubscribe", messageId: 12, unsubscriptions: ["a/+", "b/#"], qos: 1},
            fields(await p, ["cmd", "messageId", "unsubscriptions", "qos"]));
        p = next(agent, "unsuback");
        broker.unsuback({messageId: 12});
        this.assertDeepEqual({cmd: "unsuback", messageId: 12}, fields(await p, ["cmd", "messageId"]));

        // The agent publishes with QoS 2; the broker answers PUBREC, the
        // agent releases with PUBREL, the broker completes with PUBCOMP.
        p = next(broker, "publish");
        agent.publish({topic: "a/x", payload: "up", qos: 2, messageId: 13, retain: true});
        this.assertDeepEqual({cmd: "publish", topic: "a/x", payload: "up", qos: 2, messageId: 13, retain: true, dup: false, length: 9},
            fields(await p, ["cmd", "topic", "payload", "qos", "messageId", "retain", "dup", "length"]));
        p = next(agent, "pubrec");
        broker.pubrec({messageId: 13});
        this.assertEqual(13, (await p).messageId);
        p = next(broker, "pubrel");
        agent.pubrel({messageId: 13});
        this.assertDeepEqual({cmd: "pubrel", messageId: 13, qos: 1}, fields(await p, ["cmd", "messageId", "qos"]));
        p = next(agent, "pubcomp");
        broker.pubcomp({messageId: 13});
        this.assertEqual(13, (await p).messageId);

        // The broker publishes with QoS 1 (a duplicate); the agent PUBACKs.
        p = next(agent, "publish");
        broker.publish({topic: "b/y", payload: new Uint8Array([0, 255]), qos: 1, messageId: 14, dup: true});
        const down = await p;
        this.assertDeepEqual({topic: "b/y", qos: 1, messageId: 14, dup: true}, fields(down, ["topic", "qos", "messageId", "dup"]));
        this.assertDeepEqual([0, 255], Array.from(down.payload.bytes()));
        p = next(broker, "puback");
        agent.puback({messageId: 14});
        this.assertEqual(14, (await p).messageId);

        p = next(broker, "pingreq");
        agent.pingreq();
        this.assertEqual("pingreq", (await p).cmd);
        p = next(agent, "pingresp");
        broker.pingresp();
        this.assertEqual("pingresp", (await p).cmd);

        p = next(broker, "disconnect");
        const closed = next(broker, "close");
        agent.disconnect();
        agent.end();
        this.assertDeepEqual({cmd: "disconnect", length: 0}, fields(await p, ["cmd", "length"]));
        await closed;
    }

    // A broker that ends the connection: the agent's side emits close, and
    // writing afterwards emits error.
    async test3BrokerCloses() {
        const [agent, broker] = await pair(this);
        const closed = next(agent, "close");
        broker.end();
        await closed;
        const errors = [];
        agent.on("error", function (e) { errors.push(e.message); });
        this.assertEqual(false, agent.pingreq());
        this.assertDeepEqual(["MqttConnection.pingreq: the connection is closed; the packet was not sent"], errors);
    }
}
