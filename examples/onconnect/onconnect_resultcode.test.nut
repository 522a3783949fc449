// Tests for onconnect_resultcode.nut, the documentation's second version
// of the example (subscribe callback (resultCode, qosMode)), in Squirrel:
//   go run ./cmd/agenthost test examples/onconnect/onconnect_resultcode.test.nut
class OnconnectResultcodeTest extends ImpTestCase {
    function setUp() {
        // refused from the agent's next subscription on
        broker.denySubscribe("imp.mqtt.test.pings");
    }

    // The subscription made on connecting is refused (0x80) and reported
    // with server.error.
    function testRefusedSubscription() {
        return waitForLog("Connected to").then(function(line) {
            assertEqual("Connected to tcp://test.mosquitto.org:1883", line);
            return waitForLog("Not subscribed");
        }.bindenv(this)).then(function(line) {
            assertEqual("ERROR: Not subscribed to 'imp.mqtt.test.pings'.", line);
        }.bindenv(this));
    }
}
