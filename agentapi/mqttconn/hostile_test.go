package mqttconn_test

import (
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// TestHostileArguments calls every MqttConnection method with wrong types,
// NaN, huge numbers, null, deep and cyclic objects, invalid UTF-8 and a
// 4 MiB string, as the options and inside them. Each call works, returns
// false after an 'error' event, or throws an error naming the method; none
// crashes the host.
func TestHostileArguments(t *testing.T) {
	out := agenttest.MustRun(t, `
const deep = {}; let d = deep; for (let i = 0; i < 10000; i++) { d.x = {}; d = d.x; }
const cyclic = {}; cyclic.self = cyclic;
const values = [undefined, null, NaN, Infinity, -1, 1e300, 2 ** 53 + 2, "", "\uD800", "x".repeat(4 << 20),
	true, [], [1, "a", null], {}, deep, cyclic, function () {}, Symbol("s"), new Uint8Array(3), blob(2)];
const methods = ["connect", "connack", "publish", "puback", "pubrec", "pubrel", "pubcomp", "subscribe", "suback",
	"unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect", "setEncoding", "on", "once", "removeListener",
	"removeAllListeners", "listenerCount"];
const fields = ["protocolId", "protocolVersion", "clientId", "keepalive", "will", "username", "password", "returnCode",
	"topic", "payload", "qos", "messageId", "subscriptions", "granted", "unsubscriptions"];
let made = 0, threw = 0, events = 0;
const unnamed = [];
function attempt(name, f) {
	made++;
	try { f(); } catch (e) {
		threw++;
		const msg = String(e && e.message !== undefined ? e.message : e);
		if (msg.indexOf(name) < 0 && !(e instanceof RangeError && /call stack/.test(msg))) unnamed.push(name + ": " + msg.slice(0, 100));
	}
}
for (const a of values) {
	for (const x of [undefined, values[9]]) {
		attempt("createConnection", function () {
			const c = mqtt.createConnection(a, x);
			c.destroy();
		});
	}
}
mqtt.createConnection(1883, "h", function (err, c) {
	for (const name of methods) {
		for (const a of values) {
			attempt(name, function () { c[name](a, a); });
			for (const f of fields) {
				const o = {}; o[f] = a;
				attempt(name, function () { c[name](o); });
			}
		}
	}
	server.log("calls " + made + " threw " + threw);
	server.log("unnamed " + JSON.stringify(unnamed.slice(0, 10)) + " of " + unnamed.length);
	c.destroy();
});
`, agenttest.Options{Timeout: 2 * time.Minute, Config: "limits: {log: off, cpu_per_callback: off, mqtt_outbound: off}\n"})
	agent := out.Agent()
	if len(agent) != 2 || !strings.HasPrefix(agent[0], "calls 6440 threw ") || agent[0] == "calls 6440 threw 0" {
		t.Fatalf("the calls did not all run: %q (stderr %q)", agent, out.Stderr)
	}
	if agent[1] != "unnamed [] of 0" {
		t.Fatalf("exceptions that do not name their method: %s", agent[1])
	}
}
