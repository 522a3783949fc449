package nodemcu_test

import (
	"slices"
	"testing"

	"github.com/agenthost/agenthost/internal/agenttest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSeedExample runs NodeMCU's documented example, in JavaScript: the
// connect callback subscribes and publishes, the message comes back to
// on("message"), and close() ends it without an "offline" callback.
func TestSeedExample(t *testing.T) {
	out := agenttest.MustRun(t, `
const m = mqtt.Client("clientid", 120, "user", "password");
m.lwt("/lwt", "offline", 0, 0);
m.on("connect", function (client) { server.log("connected (on)"); });
m.on("offline", function (client) { server.log("offline"); });
m.on("message", function (client, topic, data) {
	server.log(topic + ":");
	if (data !== null) server.log(data);
	server.log("close " + client.close() + " again " + client.close());
});
server.log("connect returned " + m.connect("192.168.11.118", 1883, 0, function (client) {
	server.log("connected " + (client === m));
	client.subscribe("/topic", 0, function (client) { server.log("subscribe success"); });
	client.publish("/topic", "hello", 0, 0, function (client) { server.log("sent"); });
}, function (client, reason) {
	server.log("failed reason: " + reason);
}));
server.log("second connect returned " + m.connect("192.168.11.118"));
`, agenttest.Options{})
	got := out.Agent()
	if len(got) == 8 {
		// The QoS 0 publish completes when written, the subscribe when its
		// SUBACK comes: requests are pipelined, not queued one at a time.
		slices.Sort(got[3:5])
	}
	want := []string{"connect returned true", "second connect returned false", "connected true",
		"sent", "subscribe success", "/topic:", "hello", "close true again false"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q\nstderr %q", got, want, out.Stderr)
	}
	if st := out.Status(); len(st) < 2 || !slices.Contains(st, "tcp://192.168.11.118:1883 -> embedded broker "+st[0][len("embedded broker listening on "):]) {
		t.Fatalf("status lines %q", st)
	}
}

// TestLastCallbackServesAll: NodeMCU keeps one callback per kind; the last
// one given is called for every publish (and subscribe, unsubscribe).
func TestLastCallbackServesAll(t *testing.T) {
	out := agenttest.MustRun(t, `
const m = mqtt.Client("cb", 60);
let acks = 0;
m.connect("h", function (c) {
	c.publish("a", "1", 1, 0, function () { server.log("first callback"); });
	c.publish("a", "2", 1, 0, function () { server.log("second callback"); });
	c.publish("a", "3", 1, 0);
	c.subscribe({"x/1": 0, "x/2": 1, "x/3": 2}, function () { server.log("subscribed table"); });
	c.subscribe("y", 1);
	c.unsubscribe({"x/1": true, "x/2": "anything"}, function () {
		server.log("unsubscribed " + (++acks));
		if (acks == 2) c.close();
	});
	c.unsubscribe("y");
});
`, agenttest.Options{})
	got := out.Agent()
	want := []string{"second callback", "second callback", "second callback", "subscribed table", "subscribed table", "unsubscribed 1", "unsubscribed 2"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q want %q stderr %q", got, want, out.Stderr)
	}
}
