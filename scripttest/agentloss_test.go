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

// TestEveryClientKindSettlesStopAfterItsLoss: for each kind of agent
// connection (the imp client, NodeMCU's mqtt.Client, an MqttConnection)
// broker.stop() settles only once the agent has seen the loss, and a QoS 0
// publish written just before the stop, which the broker may never read,
// does not hold virtual time: the advance after it ends and the wakeup
// set before it fires. Neither does one the broker reads and drops (a
// reserved topic). The loop repeats so that both orders (broker read the
// publishes, or not) occur.
func TestEveryClientKindSettlesStopAfterItsLoss(t *testing.T) {
	kinds := map[string]string{
		"imp": `
const c = mqtt.createclient();
let up = false;
c.onconnect(function (rc) { up = rc == 0; if (up) server.log("up"); });
c.onconnectionlost(function () { up = false; server.log("lost"); });
function connect() { c.connect("tcp://h", "kind"); }
function publish(topic) { c.createmessage(topic, "p", {qos: 0}).sendasync(); }
connect();
`,
		"nodemcu": `
const c = mqtt.Client("kind", 60);
let up = false;
c.on("offline", function () { up = false; server.log("lost"); });
function connect() { c.connect("h", 1883, 0, function () { up = true; server.log("up"); }); }
function publish(topic) { c.publish(topic, "p", 0, 0); }
connect();
`,
		"mqttconnection": `
let client = null, up = false;
function connect() {
    mqtt.createConnection(1883, "h", function (err, cl) {
        client = cl;
        cl.on("connack", function () { up = true; server.log("up"); });
        cl.on("close", function () { up = false; server.log("lost"); });
        cl.on("error", function () {});
        cl.connect({clientId: "kind", keepalive: 60});
    });
}
function publish(topic) { client.publish({topic: topic, payload: "p"}); }
connect();
`,
	}
	for kind, agent := range kinds {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "kind.js", agent)
			write(t, dir, "kind.test.js", `
class Kind extends ImpTestCase {
    async testStopWhilePublishing() {
        await this.waitForLog("up");
        for (let i = 0; i < 20; i++) {
            // The broker reads and drops a publish to a reserved topic.
            publish("$SYS/agenthost/" + i);
            let t0 = this.clock.now();
            await this.clock.advance(1);
            this.assertClose(1, this.clock.now() - t0, 0.001);

            let fired = false;
            imp.wakeup(5, function () { fired = true; });
            for (let j = 0; j < 20; j++) publish("t/x");
            await this.broker.stop();
            this.assertEqual(false, up, "round " + i + ": stop() settled before the agent saw the loss");
            this.assertEqual("lost", this.logs()[this.logs().length - 1]);
            t0 = this.clock.now();
            await this.clock.advance(5);
            this.assertTrue(fired, "round " + i);
            this.assertClose(5, this.clock.now() - t0, 0.001);
            await this.broker.start();
            connect();
            await this.waitForLog("up");
        }
    }
}
`)
			res := runOne(t, dir)
			if tests, assertions, _, _ := res.Counts(); tests != 1 || assertions != 20*5 {
				t.Errorf("%d tests, %d assertions; want 1 test, 100 assertions", tests, assertions)
			}
		})
	}
}

// TestSendOversizeCutsTheAgentOff: broker.sendOversize() settles once
// the agent has lost its connection with -3 (its limit is 1 KiB here),
// sent to the agent's first subscription, then (after a reconnect) to a
// named topic. The file's tests share one agent, in name order.
func TestSendOversizeCutsTheAgentOff(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "agenthost.yaml", "limits: {message_size: 1KiB}\n")
	write(t, dir, "big.js", `
const client = mqtt.createclient();
client.onconnect(function (rc) { client.subscribe("big/+", 1, function () { server.log("subscribed"); }); });
client.onconnectionlost(function (reason) { server.log("lost " + reason); });
client.onmessage(function (m) { server.log("message " + m.message.len()); });
function start() { client.connect("tcp://h", "big"); }
start();
`)
	write(t, dir, "big.test.js", `
class Big extends ImpTestCase {
    async testAFirstSubscription() {
        await this.waitForLog("subscribed");
        await this.broker.sendOversize();
        this.assertEqual("lost -3", this.logs()[this.logs().length - 1]);
    }
    async testBNamedTopic() {
        start();
        await this.waitForLog("subscribed");
        await this.broker.sendOversize("big/y");
        this.assertEqual("lost -3", this.logs()[this.logs().length - 1]);
        this.assertEqual(false, client.isconnected());
    }
}
`)
	res := runOne(t, dir)
	if tests, assertions, _, _ := res.Counts(); tests != 2 || assertions != 3 {
		t.Errorf("%d tests, %d assertions; want 2 tests, 3 assertions", tests, assertions)
	}
}
