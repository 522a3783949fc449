package scripttest

import (
	"strings"
	"testing"
)

// TestFakeBrokersAreRoutedAndScripted: two fake brokers in one file, each
// reached through its URL although the embedded broker takes every other
// connect (a [Status] line says where each connect went); the agent's
// connect reaches the scripted side as an MqttConnection. A bad argument
// throws naming fakeBroker.
func TestFakeBrokersAreRoutedAndScripted(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "fake.test.js", `
class Fake extends ImpTestCase {
    async testTwoBrokersAndTheEmbeddedOne() {
        const seen = [];
        const a = this.fakeBroker(function (conn) {
            conn.on("connect", function (p) { seen.push("a " + p.clientId); conn.connack({returnCode: 3}); });
        });
        const b = this.fakeBroker(function (conn) {
            conn.on("connect", function (p) { seen.push("b " + p.clientId); conn.connack({returnCode: 0}); });
        });
        this.assertTrue(/^tcp:\/\/127\.0\.0\.1:\d+$/.test(a) && a != b, a + " " + b);
        const results = [];
        const connect = function (url, id) {
            return new Promise(function (resolve) {
                const c = mqtt.createclient();
                c.onconnect(function (rc) { results.push(id + " " + rc); c.disconnect(resolve); });
                c.connect(url, id);
            });
        };
        await connect(a, "to-a");
        await connect(b, "to-b");
        await connect("tcp://elsewhere.example.com", "to-embedded");
        this.assertDeepEqual(["a to-a", "b to-b"], seen);
        this.assertDeepEqual(["to-a 3", "to-b 0", "to-embedded 0"], results);
    }

    testBadArgument() {
        const e = this.assertThrowsError(this.fakeBroker, this, [5]);
        this.assertEqual("TypeError", e.name);
        this.assertTrue(e.message.indexOf("fakeBroker: argument 'onConnection' must be a function") == 0, e.message);
    }
}
`)
	res := runOne(t, dir)
	var status []string
	for _, l := range res.Files[0].Tests[1].Logs { // testTwoBrokers..., the second in sorted order
		if strings.HasPrefix(l, "[Status] tcp://") {
			status = append(status, l)
		}
	}
	if len(status) != 3 || !strings.Contains(status[0], " -> fake broker 127.0.0.1:") ||
		!strings.Contains(status[1], " -> fake broker 127.0.0.1:") ||
		!strings.HasPrefix(status[2], "[Status] tcp://elsewhere.example.com:1883 -> embedded broker 127.0.0.1:") {
		t.Fatalf("status lines %q", status)
	}
}
