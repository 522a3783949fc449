// Tests for onconnect.nut, the mqttclient.onconnect() example of the
// Electric Imp documentation exactly as written for the imp (Squirrel). Run
// by `agenthost test`, which loads onconnect.nut first, so its root-table
// names (client, cid, options, URL...) are visible here.
//   go run ./cmd/agenthost test examples/onconnect/onconnect.test.nut

class OnconnectTest extends ImpTestCase {
    // The agent connects as soon as it loads.
    function test1Connects() {
        return waitForLog("Connected to").then(function(line) {
            assertEqual("Connected to tcp://test.mosquitto.org:1883", line);
            assertDeepEqual(["imp.mqtt.test." + imp.configparams.deviceid], broker.clients());
        }.bindenv(this));
    }
}
