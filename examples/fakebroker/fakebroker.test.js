// Tests of fakebroker.js against scripted brokers: each this.fakeBroker()
// answers the agent exactly as the test says, including what the embedded
// broker never does (a CONNACK code MQTT does not define, no CONNACK, a
// PUBACK for the wrong message, a DISCONNECT in the middle of a subscribe).
//   go run ./cmd/agenthost test examples/fakebroker/

// disconnected() → Promise settled once the agent's client is disconnected.
function disconnected() {
    return new Promise(function (resolve) { client.disconnect(resolve); });
}

// accepting(test, onConnection) starts a fake broker that answers CONNECT
// with CONNACK 0 and then hands the connection to onConnection; it returns
// the broker's URL.
function accepting(test, onConnection) {
    return test.fakeBroker(function (conn) {
        conn.on("connect", function () {
            conn.connack({returnCode: 0});
            onConnection(conn);
        });
    });
}

// next(conn, event) → Promise of the next packet of that type.
function next(conn, event) {
    return new Promise(function (resolve) { conn.once(event, resolve); });
}

class RefusalsTest extends ImpTestCase {
    // CONNACK 1 to 5 reach onconnect as they are; the CONNECT the agent
    // sent is MQTT 3.1.1 with a clean session and the default keepalive.
    async test1EachRefusalCode() {
        for (let code = 1; code <= 5; code++) {
            let connect;
            const url = this.fakeBroker(function (conn) {
                conn.on("connect", function (p) { connect = p; conn.connack({returnCode: code}); });
            });
            connectTo(url);
            this.assertEqual("onconnect " + code, await this.waitForLog("onconnect "));
            this.assertEqual(false, client.isconnected());
            this.assertDeepEqual(["MQTT", 4, "careful-agent", true, 60],
                [connect.protocolId, connect.protocolVersion, connect.clientId, connect.clean, connect.keepalive]);
        }
    }

    // A code MQTT 3.1.1 does not define is a failed connect (-1), and the
    // agent closes the connection.
    async test2UndefinedCode() {
        let closed;
        const url = this.fakeBroker(function (conn) {
            closed = next(conn, "close");
            conn.on("connect", function () { conn.connack({returnCode: 6}); });
        });
        connectTo(url);
        this.assertEqual("onconnect -1", await this.waitForLog("onconnect "));
        await closed;
        this.assertEqual(false, client.isconnected());
        // The client is free to connect again.
        connectTo(accepting(this, function () {}));
        this.assertEqual("onconnect 0", await this.waitForLog("onconnect "));
        await disconnected();
    }

    // A broker that takes the CONNECT and never answers: onconnect(-1) once
    // the 10 s connect timeout has passed, in wall time; virtual time stood
    // still meanwhile.
    async test3NoConnack() {
        let connects = 0;
        const url = this.fakeBroker(function (conn) {
            conn.on("connect", function () { connects++; });
        });
        const t0 = this.clock.now();
        connectTo(url);
        this.assertEqual("onconnect -1", await this.waitForLog("onconnect "));
        this.assertEqual(1, connects);
        this.assertEqual(t0, this.clock.now());
    }
}

// Each test connects to a broker of its own, from a disconnected client.
class SessionTest extends ImpTestCase {
    // A SUBACK that refuses one of three topics: the callback gets 0 and
    // the granted QoS of each of its topics, 0x80 (128) for the refused
    // one. (The imp client may put the topics in the SUBSCRIBE in any
    // order; the SUBACK answers them in the packet's order.)
    async test1SubackRefusesOneTopic() {
        await disconnected();
        let subscribe;
        connectTo(accepting(this, function (conn) {
            conn.on("subscribe", function (p) {
                subscribe = p;
                conn.suback({messageId: p.messageId, granted: p.subscriptions.map(function (s) {
                    return s.topic.startsWith("private/") ? 0x80 : 1;
                })});
            });
        }));
        await this.waitForLog("onconnect 0");
        subscribeAll(["sensors/a", "private/b", "sensors/c"]);
        this.assertEqual("subscribe 0 [1,128,1]", await this.waitForLog("subscribe "));
        const byTopic = function (a, b) { return a.topic < b.topic ? -1 : 1; };
        this.assertDeepEqual([{topic: "private/b", qos: 1}, {topic: "sensors/a", qos: 1}, {topic: "sensors/c", qos: 1}],
            subscribe.subscriptions.slice().sort(byTopic));
        await disconnected();
    }

    // A PUBACK for another message id completes nothing; the right one then
    // completes the send.
    async test2PubackForWrongId() {
        await disconnected();
        let broker, publish;
        const published = new Promise(function (resolve) {
            connectTo(accepting(this, function (conn) {
                broker = conn;
                conn.on("publish", function (p) { publish = p; resolve(); });
            }));
        }.bind(this));
        await this.waitForLog("onconnect 0");
        send("readings", "21.5", 1);
        await published;
        this.assertEqual(1, publish.qos);
        broker.puback({messageId: publish.messageId + 1});
        // A message sent after the wrong PUBACK arrives after the agent has
        // handled it: still no sendasync result then.
        broker.publish({topic: "marker", payload: "after the wrong puback"});
        await this.waitForLog("onmessage marker");
        this.assertEqual(-1, this.logs().findIndex(function (l) { return l.startsWith("sendasync"); }));
        broker.puback({messageId: publish.messageId});
        this.assertEqual("sendasync readings 0", await this.waitForLog("sendasync"));
        await disconnected();
    }

    // The broker sends a QoS 2 message: the agent answers PUBREC, the broker
    // releases it with PUBREL, the agent completes with PUBCOMP, and
    // onmessage sees the message once.
    async test3ServerQos2Flow() {
        await disconnected();
        let broker;
        connectTo(accepting(this, function (conn) { broker = conn; }));
        await this.waitForLog("onconnect 0");
        const pubrec = next(broker, "pubrec");
        broker.publish({topic: "commands/light", payload: "on", qos: 2, messageId: 42});
        this.assertEqual(42, (await pubrec).messageId);
        this.assertEqual("onmessage commands/light 'on' qos 2 dup 0", await this.waitForLog("onmessage"));
        const pubcomp = next(broker, "pubcomp");
        broker.pubrel({messageId: 42});
        this.assertEqual(42, (await pubcomp).messageId);
        const messages = this.logs().filter(function (l) { return l.startsWith("onmessage commands/light"); });
        this.assertEqual(1, messages.length);
        await disconnected();
    }

    // A DISCONNECT (and a closed socket) instead of a SUBACK: the connection
    // is lost (-1) and the pending subscribe fails with -1, 0x80 for each
    // topic.
    async test4DisconnectMidFlow() {
        await disconnected();
        connectTo(accepting(this, function (conn) {
            conn.on("subscribe", function () { conn.disconnect(); conn.end(); });
        }));
        await this.waitForLog("onconnect 0");
        subscribeAll(["a", "b"]);
        this.assertEqual("onconnectionlost -1", await this.waitForLog("onconnectionlost"));
        this.assertEqual("subscribe -1 [128,128]", await this.waitForLog("subscribe "));
        this.assertEqual(false, client.isconnected());
    }
}

class KeepaliveTest extends ImpTestCase {
    // The agent pings after 30 s of silence and gives up on the broker 10 s
    // later; that takes real time, more than the default test timeout.
    static timeout = 90;

    // A PINGRESP that comes late: the agent sends PINGREQ after its 30 s
    // keepalive, the broker holds the answer, and the agent gives up on the
    // connection (onconnectionlost -1, socket closed) before the broker
    // answers; the late PINGRESP can no longer be delivered.
    async test1LatePingresp() {
        await disconnected();
        let broker, pings = 0;
        connectTo(accepting(this, function (conn) {
            broker = conn;
            conn.on("pingreq", function () { pings++; });
        }), {keepalive: 30});
        await this.waitForLog("onconnect 0");
        const closed = next(broker, "close");
        await next(broker, "pingreq");
        this.assertEqual("onconnectionlost -1", await this.waitForLog("onconnectionlost"));
        await closed;
        const errors = [];
        broker.on("error", function (e) { errors.push(e.message); });
        this.assertEqual(false, broker.pingresp());
        this.assertDeepEqual(["MqttConnection.pingresp: the connection is closed; the packet was not sent"], errors);
        this.assertEqual(1, pings);
        this.assertEqual(false, client.isconnected());
    }
}
