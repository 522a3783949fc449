// Tests for hello.nut, in Squirrel:
//   go run ./cmd/agenthost test examples/hello/hello.test.nut
class HelloTest extends ImpTestCase {
    function testRoundTrip() {
        local topic = null;
        return broker.nextMessage("hello/#").then(function(msg) {
            topic = msg.topic;
            assertEqual("hello/" + imp.configparams.deviceid, msg.topic);
            assertEqual("hello, imp", msg.message.tostring());
            assertEqual(1, msg.qos);
            return waitForLog("disconnected");
        }.bindenv(this)).then(function(line) {
            local lines = logs();
            assertTrue(lines.find("sent: result 0") != null, "no sendasync result in the log");
            assertTrue(lines.find("received 'hello, imp' on " + topic + " (qos 1)") != null);
            assertEqual(false, client.isconnected());
        }.bindenv(this));
    }
}
