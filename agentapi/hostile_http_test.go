package agentapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// TestHostileArgumentsHTTPCryptoDevice does for http, crypto and device
// what TestHostileArguments does for the rest: every function with wrong
// types, NaN, huge numbers, null, deep and cyclic objects, invalid UTF-8,
// a 4 MiB string, functions and symbols in every position either works or
// throws an exception that names it.
func TestHostileArgumentsHTTPCryptoDevice(t *testing.T) {
	out := agenttest.MustRun(t, `
const deep = {}; let d = deep; for (let i = 0; i < 10000; i++) { d.x = {}; d = d.x; }
const cyclic = {}; cyclic.self = cyclic;
const values = [undefined, null, NaN, Infinity, -1, 1e300, 2 ** 53 + 2, "", "\uD800", "x".repeat(4 << 20),
	true, [], [1, "a", null], {}, deep, cyclic, function () {}, Symbol("s"), new Uint8Array(3), blob(2)];
const req = function () { return http.get("http://127.0.0.1:1/"); };
const calls = {
	"http.onrequest": function (a) { http.onrequest(a); http.onrequest(null); },
	"http.get": function (a, x) { http.get(a, x); },
	"http.httpdelete": function (a, x) { http.httpdelete(a, x); },
	"http.post": function (a, x) { http.post(a, x, a); },
	"http.put": function (a, x) { http.put("http://h/", a, x); },
	"http.request": function (a, x) { http.request(a, x, a, x); },
	"httprequest.sendasync": function (a, x) { req().sendasync(a, x, a); },
	"http.jsonencode": function (a, x) { http.jsonencode(a, x); },
	"http.jsondecode": function (a) { http.jsondecode(a); },
	"http.base64encode": function (a) { http.base64encode(a); },
	"http.base64decode": function (a) { http.base64decode(a); },
	"http.urlencode": function (a) { http.urlencode(a); },
	"http.urldecode": function (a) { http.urldecode(a); },
	"http.hash.sha256": function (a) { http.hash.sha256(a); },
	"http.hash.hmacsha512": function (a, x) { http.hash.hmacsha512(a, x); },
	"crypto.sign": function (a, x) { crypto.sign(a, x, a, x); },
	"crypto.verify": function (a, x) { crypto.verify(crypto.ECDSA_P256_SHA256, a, x, a, x); },
	"crypto.random": function (a) { crypto.random(a); },
	"crypto.md5": function (a) { crypto.md5(a); },
	"device.on": function (a, x) { device.on(a, x); },
	"device.send": function (a, x) { device.send("n", a); device.send(a, x); },
	"device.onconnect": function (a) { device.onconnect(a); device.onconnect(null); },
};
const unnamed = [];
let calls_made = 0, threw = 0;
for (const name of Object.keys(calls)) {
	for (const a of values) {
		for (const x of [undefined, values[9], values[15]]) {
			calls_made++;
			try { calls[name](a, x); }
			catch (e) {
				threw++;
				const msg = String(e && e.message !== undefined ? e.message : e);
				const short = name.split(".").pop();
				if (msg.indexOf(short) < 0) unnamed.push(name + ": " + msg.slice(0, 120));
			}
		}
	}
}
server.log("calls " + calls_made + " threw " + threw);
server.log("unnamed " + JSON.stringify(unnamed.slice(0, 10)) + " of " + unnamed.length);
`, agenttest.Options{Timeout: 2 * time.Minute, For: time.Second, Config: "http: {listen: off}\nlimits: {log: off, cpu_per_callback: off}\n"})
	var made, last string
	for _, l := range out.Agent() {
		if strings.HasPrefix(l, "unnamed ") {
			last = l
		}
		if strings.HasPrefix(l, "calls ") {
			made = l
		}
	}
	if !strings.HasPrefix(made, "calls 1320 threw ") || made == "calls 1320 threw 0" {
		t.Fatalf("the calls did not all run: %q\n%q", made, out.Stderr)
	}
	if last != "unnamed [] of 0" {
		t.Fatalf("exceptions that do not name their function: %s", last)
	}
}
