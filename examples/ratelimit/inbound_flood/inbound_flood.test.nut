// Tests for inbound_flood.nut (with the agenthost.yaml beside it).
class InboundFloodTest extends ImpTestCase {
    function test1DropsAfterTheBurst() {
        return waitForLog("connection lost").then(function(line) {
            assertEqual("ERROR: connection lost (-2) after 1000 messages", line);
        }.bindenv(this));
    }

    // The broker can produce the flood too.
    function test2BrokerFlood() {
        client.onconnectionlost(function(reason) { server.log("lost again " + reason); });
        client.onconnect(function(rc) {
            client.subscribe("f", 0, function(qos) { server.log("resubscribed"); });
        });
        client.connect("tcp://h", "flood-again");
        return waitForLog("resubscribed").then(function(_) {
            return broker.flood("f", 1500);
        }.bindenv(this)).then(function(_) {
            return waitForLog("lost again");
        }.bindenv(this)).then(function(line) {
            assertEqual("lost again -2", line);
        }.bindenv(this));
    }
}
