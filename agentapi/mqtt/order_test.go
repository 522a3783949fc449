package mqtt_test

import (
	"fmt"
	"slices"
	"strings"
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

// TestCreatemessageOptions: qos and retain are read from every kind of
// options object — the plain literal read in place, and objects that are
// enumerated (other keys, a proxy, a class instance, inherited keys not
// counting) — and each unknown enumerable key gets exactly one warning.
func TestCreatemessageOptions(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	const cases = [
		["plain", {qos: 1, retain: true}],
		["unknown", {qos: 1, retian: true}],
		["hidden", (function () { const o = {qos: 1}; Object.defineProperty(o, "secret", {value: 1}); return o; })()],
		["proxy", new Proxy({qos: 1, retain: true, extra: 1}, {})],
		["instance", new (class { constructor() { this.retain = true; this.qos = 1; } })()],
		["inherited", Object.create({qos: 1, retain: true})],
	];
	let live = 0, retained = 0;
	c.onmessage(function (m) {
		server.log(m.topic + " qos=" + m.qos + " retain=" + m.retain);
		if (m.retain) {
			if (++retained == 3) finish();
		} else if (++live == cases.length) {
			// Retained messages reach a new subscription with retain=1.
			c.subscribe("opt/#", 1);
		}
	});
	c.subscribe("opt/+", 1, function () {
		for (const [name, opts] of cases) c.createmessage("opt/" + name, "x", opts).sendasync();
	});`), agenttest.Options{})
	got := out.Agent()
	slices.Sort(got)
	want := []string{"bye",
		"opt/hidden qos=1 retain=0", "opt/inherited qos=0 retain=0",
		"opt/instance qos=1 retain=0", "opt/instance qos=1 retain=1",
		"opt/plain qos=1 retain=0", "opt/plain qos=1 retain=1",
		"opt/proxy qos=1 retain=0", "opt/proxy qos=1 retain=1",
		"opt/unknown qos=1 retain=0"}
	if !slices.Equal(got, want) {
		t.Errorf("agent lines %q, want %q", got, want)
	}
	var warnings []string
	for _, l := range out.Status() {
		if strings.Contains(l, "createmessage") {
			warnings = append(warnings, l)
		}
	}
	wantW := []string{
		`WARNING: mqttclient.createmessage: ignoring unknown option "retian"; valid options are qos, retain`,
		`WARNING: mqttclient.createmessage: ignoring unknown option "extra"; valid options are qos, retain`,
	}
	if !slices.Equal(warnings, wantW) {
		t.Errorf("warnings %q, want %q", warnings, wantW)
	}
}
