package agentapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// TestHostileArguments calls every API function with wrong types, NaN,
// huge numbers, null, deep and cyclic objects, invalid UTF-8 and a 4 MiB
// string, in every argument position. Each call either works or throws a
// JS exception whose message names the function; none crashes the host
// (a Go panic would end the test run).
func TestHostileArguments(t *testing.T) {
	out := agenttest.MustRun(t, `
const deep = {}; let d = deep; for (let i = 0; i < 10000; i++) { d.x = {}; d = d.x; }
const cyclic = {}; cyclic.self = cyclic;
const values = [undefined, null, NaN, Infinity, -1, 1e300, 2 ** 53 + 2, "", "\uD800", "x".repeat(4 << 20),
	true, [], [1, "a", null], {}, deep, cyclic, function () {}, Symbol("s"), new Uint8Array(3), blob(2)];
const c = mqtt.createclient();
const m = c.createmessage("t", "p");
const b = blob(4);
const calls = {
	"mqtt.createclient": function (a) { return mqtt.createclient(a); },
	"mqttclient.connect": function (a, x) { const k = mqtt.createclient(); k.connect(a, x, a); k.disconnect(); },
	"mqttclient.onconnect": function (a) { c.onconnect(a); c.onconnect(null); },
	"mqttclient.onconnectionlost": function (a) { c.onconnectionlost(a); c.onconnectionlost(null); },
	"mqttclient.onmessage": function (a) { c.onmessage(a); c.onmessage(null); },
	"mqttclient.subscribe": function (a, x) { c.subscribe(a, x, a); },
	"mqttclient.unsubscribe": function (a) { c.unsubscribe(a, a); },
	"mqttclient.createmessage": function (a, x) { c.createmessage(a, x, a); },
	"mqttmessage.sendasync": function (a) { m.sendasync(a); },
	"mqttclient.disconnect": function (a) { mqtt.createclient().disconnect(a); },
	"server.log": function (a) { server.log(a); },
	"server.error": function (a) { server.error(a); },
	"server.save": function (a) { server.save(a); },
	"imp.wakeup": function (a, x) { const h = imp.wakeup(a, x, a); imp.cancelwakeup(h); },
	"imp.cancelwakeup": function (a) { imp.cancelwakeup(a); },
	"date": function (a) { date(a); },
	"blob": function (a) { blob(a); },
	"blob.seek": function (a, x) { b.seek(a, x); },
	"blob.readstring": function (a) { b.seek(0); b.readstring(a); },
	"blob.readblob": function (a) { b.seek(0); b.readblob(a); },
	"blob.writestring": function (a) { b.writestring(a); b.resize(4); },
	"blob.writeblob": function (a) { b.writeblob(a); b.resize(4); },
	"blob.resize": function (a) { b.resize(a); b.resize(4); },
};
const unnamed = [];
let calls_made = 0, threw = 0;
for (const name of Object.keys(calls)) {
	for (const a of values) {
		for (const x of [undefined, values[9], values[15]]) {
			calls_made++;
			// Logging a 4 MiB line works (TestServerLog…); here it would only
			// flood the test's output.
			if ((name == "server.log" || name == "server.error") && a === values[9]) continue;
			try { calls[name](a, x); }
			catch (e) {
				threw++;
				const msg = String(e && e.message !== undefined ? e.message : e);
				const short = name.split(".").pop();
				if (msg.indexOf(short) < 0 && !(e instanceof RangeError && /call stack/.test(msg))) {
					unnamed.push(name + ": " + msg.slice(0, 120));
				}
			}
		}
	}
}
server.log("calls " + calls_made + " threw " + threw);
server.log("unnamed " + JSON.stringify(unnamed.slice(0, 10)) + " of " + unnamed.length);
`, agenttest.Options{Timeout: 2 * time.Minute, Config: "limits: {log: off, cpu_per_callback: off}\n"})
	agent := out.Agent()
	last, made := "", ""
	for _, l := range agent {
		if strings.HasPrefix(l, "unnamed ") {
			last = l
		}
		if strings.HasPrefix(l, "calls ") {
			made = l
		}
	}
	t.Log(made)
	if !strings.HasPrefix(made, "calls 1380 threw ") || made == "calls 1380 threw 0" {
		t.Fatalf("the calls did not all run: %q", made)
	}
	if last != "unnamed [] of 0" {
		t.Fatalf("exceptions that do not name their function: %s", last)
	}
}
