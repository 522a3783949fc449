// Tests for onconnect.nut: the mqttclient.onconnect() example of the
// Electric Imp documentation exactly as written for the imp, in Squirrel
// (its credentials are the documentation's own). `agenthost test` loads
// onconnect.nut first; its `local`s (client, options) stay private to it,
// but its functions (onConnect, onMessage, error) and constants (URL,
// PORT) are the test's too.
//   go run ./cmd/agenthost test examples/onconnect/onconnect.test.nut
class OnconnectTest extends ImpTestCase {
    // The agent connects as soon as it loads, with its client id.
    function test1Connects() {
        return waitForLog("Connected to").then(function(line) {
            assertEqual("Connected to tcp://test.mosquitto.org:1883", line);
            assertDeepEqual(["imp.mqtt.test." + imp.configparams.deviceid], broker.clients());
        }.bindenv(this));
    }

    // A ping published on the topic reaches onMessage once subscribed.
    // The agent registers onMessage only when its SUBACK arrives (test1
    // waited for the connect, not for that), and messages before it are
    // not delivered, as on the imp: so ping until one is logged, as
    // onconnect.test.js does; on the virtual clock the waits cost nothing.
    function test2ReceivesPings() {
        return pingUntilReceived(20);
    }

    function pingUntilReceived(tries) {
        if (tries == 0) throw "no ping was received";
        return broker.publish("imp.mqtt.test.pings", "hello").then(function(_) {
            return waitForLog("received under topic", 1);
        }.bindenv(this)).then(function(line) {
            assertEqual("Message 'hello' received under topic 'imp.mqtt.test.pings'", line);
        }.bindenv(this), function(_) {
            return pingUntilReceived(tries - 1);
        }.bindenv(this));
    }

    // The result codes read as the documentation names them.
    function test3ErrorNames() {
        assertEqual("Socket Error", error(-1));
        assertEqual("Not authorized", error(5));
        assertEqual("Unknown error", error(6));
        onConnect(4);
        return waitForLog("Failed to connect").then(function(line) {
            assertEqual("ERROR: Failed to connect to tcp://test.mosquitto.org:1883. Error: Invalid username/password", line);
        }.bindenv(this));
    }

    // A dropped connection is not retried by this example: it stays down.
    function test4StaysDownAfterADrop() {
        return broker.dropClient().then(function(n) {
            assertEqual(1, n);
            return clock.advance(60);
        }.bindenv(this)).then(function(_) {
            assertEqual(0, broker.clients().len());
        }.bindenv(this));
    }
}
