package mqtt_test

import (
	"fmt"
	"testing"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// TestQoS0KeepsItsPlaceBehindPaho: QoS 0 publishes are written without
// paho, the rest through it; a subscriber still sees every message in the
// order the script sent it — QoS 0 and QoS 1 interleaved on one topic,
// and a publish right after a subscribe to its own topic (not waiting for
// the SUBACK) is delivered, in every one of 50 rounds.
func TestQoS0KeepsItsPlaceBehindPaho(t *testing.T) {
	const n = 3000
	out := agenttest.MustRun(t, agenttest.Connected(fmt.Sprintf(`
	const n = %d, rounds = 50;
	let next = 0, bad = 0, self = 0;
	c.onmessage(function (m) {
		if (m.topic == "ord/x") {
			const i = parseInt(m.message.tostring());
			if (i != next && bad++ < 3) server.log("got " + i + " want " + next);
			next = i + 1;
			if (i == n - 1) { server.log("ordered: last " + i + ", out of order " + bad); selfRounds(0); }
			return;
		}
		self++;
		if (self == rounds) { server.log("own messages " + self); imp.cancelwakeup(guard); finish(); }
	});
	const guard = imp.wakeup(10, function () {
		server.log("stuck: ordered up to " + next + " (out of order " + bad + "), own messages " + self);
		finish();
	});
	c.subscribe("ord/x", 1, function (rc) {
		// Runs of mixed QoS: 1,0,0,1,1,0,1,0,0,0,... so that QoS 0 often
		// follows a QoS 1 still on its way through paho.
		for (let i = 0; i < n; i++) {
			c.createmessage("ord/x", "" + i, {qos: (i * 7 + (i >> 3)) %% 3 == 0 ? 1 : 0}).sendasync();
		}
	});
	function selfRounds(r) {
		if (r == rounds) return;
		c.subscribe("self/" + r, 0);
		c.createmessage("self/" + r, "s").sendasync(function (rc) { selfRounds(r + 1); });
	}`, n)), agenttest.Options{Config: "limits: {mqtt_outbound: off, mqtt_inbound: off}\n"})
	agenttest.WantAgent(t, out, fmt.Sprintf("ordered: last %d, out of order 0", n-1), "own messages 50", "bye")
	if errs := out.AgentErrors(); len(errs) != 0 {
		t.Fatalf("errors %q", errs)
	}
}
