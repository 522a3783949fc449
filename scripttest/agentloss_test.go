package scripttest

import (
	"context"
	"testing"
)

// runOne runs one test file in dir and fails unless every test passed.
func runOne(t *testing.T, dir string) Result {
	t.Helper()
	res, err := Run(context.Background(), Options{Paths: []string{dir}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if f.LoadError != "" {
			t.Fatalf("%s: %s", f.File, f.LoadError)
		}
		for _, r := range f.Tests {
			if r.Status != Passed {
				t.Errorf("%s.%s: %s %s at %s\nlogs: %q", r.Case, r.Method, r.Status, r.Message, r.Location, r.Logs)
			}
		}
	}
	return res
}

// TestDropClientSettlesAfterTheAgentSawTheLoss: when broker.dropClient()
// settles, the imp client has run onconnectionlost and is no longer
// connected, so the test can connect it again at once.
func TestDropClientSettlesAfterTheAgentSawTheLoss(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "drop.js", `
const client = mqtt.createclient();
client.onconnect(function (rc) { server.log("onconnect " + rc); });
client.onconnectionlost(function (reason) { server.log("lost " + reason); });
client.connect("tcp://h", "re");
`)
	write(t, dir, "drop.test.js", `
class Drop extends ImpTestCase {
    async testReconnectRightAfterDrop() {
        await this.waitForLog("onconnect 0");
        this.assertEqual(1, await this.broker.dropClient());
        this.assertEqual(false, client.isconnected());
        this.assertEqual("lost -1", this.logs()[this.logs().length - 1]);
        client.connect("tcp://h", "re");
        this.assertEqual("onconnect 0", await this.waitForLog("onconnect"));
    }
}
`)
	runOne(t, dir)
}

// TestBrokerPublishSettlesAfterTheAgentHandledIt: when
// broker.publish() settles, the agent's onmessage has run.
func TestBrokerPublishSettlesAfterTheAgentHandledIt(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "inbound.js", `
let last = null;
const client = mqtt.createclient();
client.onmessage(function (m) { last = m.message.tostring(); });
client.onconnect(function () { client.subscribe("x", 1, function () { server.log("subscribed"); }); });
client.connect("tcp://h", "inbound");
`)
	write(t, dir, "inbound.test.js", `
class Inbound extends ImpTestCase {
    async testHandledWhenPublishSettles() {
        await this.waitForLog("subscribed");
        await this.broker.publish("x", "one");
        this.assertEqual("one", last);
        await this.broker.publish("x", "two");
        this.assertEqual("two", last);
    }
}
`)
	runOne(t, dir)
}
