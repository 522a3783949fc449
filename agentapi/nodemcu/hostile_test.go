package nodemcu_test

import (
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// TestHostileArguments calls mqtt.Client and every client method, while
// connected, with wrong types, NaN, huge numbers, null, deep and cyclic
// objects, invalid UTF-8 and a 4 MiB string in every argument position.
// Each call works or throws an error naming its function; none crashes
// the host.
func TestHostileArguments(t *testing.T) {
	out := agenttest.MustRun(t, `
const deep = {}; let d = deep; for (let i = 0; i < 10000; i++) { d.x = {}; d = d.x; }
const cyclic = {}; cyclic.self = cyclic;
const values = [undefined, null, NaN, Infinity, -1, 1e300, 2 ** 53 + 2, "", "\uD800", "x".repeat(4 << 20),
	true, [], [1, "a", null], {}, deep, cyclic, function () {}, Symbol("s"), new Uint8Array(3), blob(2)];
let made = 0, threw = 0;
const unnamed = [];
function attempt(name, f) {
	made++;
	try { f(); } catch (e) {
		threw++;
		const msg = String(e && e.message !== undefined ? e.message : e);
		if (msg.indexOf(name) < 0 && !(e instanceof RangeError && /call stack/.test(msg))) unnamed.push(name + ": " + msg.slice(0, 100));
	}
}
const probe = mqtt.Client("probe", 0);
for (const a of values) {
	for (const x of [undefined, 1, values[9]]) {
		attempt("Client", function () { mqtt.Client(a, x, a, a, x); });
		attempt("connect", function () { if (probe.connect(a, x, a, x, a)) probe.close(); });
	}
}
const m = mqtt.Client("hostile", 0);
m.connect("h", function (c) {
	for (const a of values) {
		for (const x of [undefined, 1, values[9]]) {
			attempt("lwt", function () { c.lwt(a, x, a, x); });
			attempt("on", function () { c.on(a, x); });
			attempt("publish", function () { c.publish(a, x, a, x, a); });
			attempt("publish", function () { c.publish("t", a, x, 0); });
			attempt("subscribe", function () { c.subscribe(a, x, a); });
			attempt("unsubscribe", function () { c.unsubscribe(a, x); });
		}
	}
	server.log("calls " + made + " threw " + threw);
	server.log("unnamed " + JSON.stringify(unnamed.slice(0, 10)) + " of " + unnamed.length);
	c.close();
});
`, agenttest.Options{Timeout: 2 * time.Minute, Config: "limits: {log: off, cpu_per_callback: off, mqtt_outbound: off}\n"})
	agent := out.Agent()
	if len(agent) != 2 || !strings.HasPrefix(agent[0], "calls 480 threw ") || agent[0] == "calls 480 threw 0" {
		t.Fatalf("the calls did not all run: %q (stderr %q)", agent, out.Stderr)
	}
	if agent[1] != "unnamed [] of 0" {
		t.Fatalf("exceptions that do not name their function: %s", agent[1])
	}
}
