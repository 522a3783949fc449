// Tests for echo.nut, in Squirrel:
//   go run ./cmd/agenthost test examples/echo/echo.test.nut
class EchoTest extends ImpTestCase {
    function setUp() {
        return waitForLog("ready: subscribed to requests/#");
    }

    function testEchoesText() {
        return broker.publish("requests/ping", "hello", { qos = 1 }).then(function(_) {
            return broker.nextMessage("replies/#");
        }.bindenv(this)).then(function(reply) {
            assertEqual("replies/ping", reply.topic);
            assertEqual("hello", reply.message.tostring());
            assertEqual(1, reply.qos);
        }.bindenv(this));
    }

    // A payload that is not text comes back byte for byte: a blob sent by
    // the test, a blob received by the agent, a blob sent back.
    function testEchoesBinaryByteForByte() {
        local payload = blob(4);
        foreach (i, b in [0, 255, 128, 10]) payload[i] = b;
        return broker.publish("requests/bin/x", payload).then(function(_) {
            return broker.nextMessage("replies/bin/x");
        }.bindenv(this)).then(function(reply) {
            local got = reply.message;
            assertEqual("blob", typeof got);
            assertEqual(4, got.len());
            assertDeepEqual(payload, got);
            assertEqual(255, got[1]);
        }.bindenv(this));
    }
}
