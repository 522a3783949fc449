// Tests of fakebroker.nut against fake brokers scripted in Squirrel: the
// test's fakeBroker() hands each connection the agent makes to a Squirrel
// function as an MqttConnection (packets as tables, methods to answer).
//   go run ./cmd/agenthost test examples/fakebroker/fakebroker.test.nut

class FakeBrokerTest extends ImpTestCase {
    // the connection of the current test's fake broker, once connected
    conn = null;

    // accepting(onConnection) starts a fake broker that answers CONNECT
    // with CONNACK 0, then hands the connection to onConnection
    function accepting(onConnection) {
        return fakeBroker(function(c) {
            c.on("connect", function(packet) {
                c.connack({ returnCode = 0 });
                onConnection(c);
            });
        });
    }

    // disconnected() → a Promise settled once the client has disconnected
    function disconnected() {
        return promise(function(resolve) {
            client.disconnect(function() { resolve(null); });
        });
    }

    // next(event) → a Promise of conn's next packet of that type
    function next(event) {
        return promise(function(resolve, reject) {
            conn.once(event, function(packet) { resolve(packet); });
        }.bindenv(this));
    }

    // CONNACK refusals reach onconnect as they are; the CONNECT the agent
    // sent is MQTT 3.1.1 with a clean session and the default keepalive.
    function test1Refusal() {
        local connect = null;
        connectTo(fakeBroker(function(c) {
            c.on("connect", function(p) { connect = p; c.connack({ returnCode = 5 }); });
        }));
        return waitForLog("onconnect ").then(function(line) {
            assertEqual("onconnect 5", line);
            assertEqual(false, client.isconnected());
            assertDeepEqual(["MQTT", 4, "careful-agent", true, 60],
                [connect.protocolId, connect.protocolVersion, connect.clientId, connect.clean, connect.keepalive]);
            return disconnected();
        }.bindenv(this));
    }

    // A SUBACK that refuses one of three topics: the callback gets 0 and
    // the granted QoS of each topic, 0x80 (128) for the refused one.
    function test2SubackRefusesOneTopic() {
        connectTo(accepting(function(c) {
            c.on("subscribe", function(p) {
                local granted = [];
                foreach (s in p.subscriptions) granted.push(s.topic.find("private/") == 0 ? 0x80 : 1);
                c.suback({ messageId = p.messageId, granted = granted });
            });
        }));
        return waitForLog("onconnect 0").then(function(_) {
            subscribeAll(["sensors/a", "private/b", "sensors/c"]);
            return waitForLog("subscribe ");
        }.bindenv(this)).then(function(line) {
            assertEqual("subscribe 0 [1,128,1]", line);
            return disconnected();
        }.bindenv(this));
    }

    // The broker sends a QoS 2 message: the agent answers PUBREC, the
    // broker releases it with PUBREL, the agent completes with PUBCOMP,
    // and onmessage sees the message once.
    function test3ServerQos2Flow() {
        local pubrec = null;
        connectTo(accepting(function(c) { conn = c; }.bindenv(this)));
        return waitForLog("onconnect 0").then(function(_) {
            pubrec = next("pubrec");
            conn.publish({ topic = "commands/light", payload = "on", qos = 2, messageId = 42 });
            return pubrec;
        }.bindenv(this)).then(function(p) {
            assertEqual(42, p.messageId);
            return waitForLog("onmessage");
        }.bindenv(this)).then(function(line) {
            assertEqual("onmessage commands/light 'on' qos 2 dup 0", line);
            local pubcomp = next("pubcomp");
            conn.pubrel({ messageId = 42 });
            return pubcomp;
        }.bindenv(this)).then(function(p) {
            assertEqual(42, p.messageId);
            local seen = 0;
            foreach (l in logs()) if (l.find("onmessage commands/light") == 0) seen++;
            assertEqual(1, seen);
            return disconnected();
        }.bindenv(this));
    }
}
