package device_test

import (
	"strings"
	"testing"

	"github.com/agenthost/agenthost/internal/agenttest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestMessagesBothWaysKeepTypes: tables, arrays, blobs (binary bytes
// included), integers, floats, booleans, null and nested values survive
// the trip both ways, in order; functions cannot be sent; the device's
// time is the agent's (virtual) clock.
func TestMessagesBothWaysKeepTypes(t *testing.T) {
	agent := `
function describe(v) {
	if (v === null) return "null";
	if (Array.isArray(v)) return "[" + v.map(describe).join(",") + "]";
	if (typeof v == "object" && typeof v.len == "function") { let s = "blob:"; for (let i = 0; i < v.len(); i++) s += v[i] + "."; return s; }
	if (typeof v == "object") return "{" + Object.keys(v).map(function (k) { return k + "=" + describe(v[k]); }).join(",") + "}";
	return typeof v + ":" + v;
}
device.onconnect(function () {
	server.log("connected " + device.isconnected());
	const b = blob(3); b[0] = 0; b[1] = 255; b[2] = 128;
	for (let i = 0; i < 3; i++) device.send("seq", i);
	device.send("data", {int: 42, neg: -7, float: 2.5, big: 1e300, str: "é\"x", yes: true, no: false, nil: null,
		list: [1, [2, [3]], {k: "v"}], bin: b});
	try { device.send("fn", {f: function () {}}); } catch (e) { server.log(e.message); }
	try { device.send("noarg"); } catch (e) { server.log(e.message); }
});
device.on("back", function (d) { server.log("back " + describe(d)); });
device.on("seq", function (d) { server.log("seq " + d); });
`
	dev := `
agent.on("seq", function (i) { agent.send("seq", i * 10); });
agent.on("data", function (d) {
	server.log("at " + hardware.millis() + " int " + d.int + " bin " + d.bin.len());
	imp.wakeup(2, function () { server.log("sent " + agent.send("back", d) + " at " + hardware.millis()); });
});
`
	out := agenttest.MustRun(t, agent, agenttest.Options{Device: dev, Virtual: true, Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out,
		"connected true",
		`device.send("fn"): data.f is a function, which cannot be serialised`,
		"device.send: missing argument 'data' (pass null to send none)",
		"seq 0", "seq 10", "seq 20",
		`back {int=number:42,neg=number:-7,float=number:2.5,big=number:1e+300,str=string:é"x,yes=boolean:true,no=boolean:false,nil=null,list=[number:1,[number:2,[number:3]],{k=string:v}],bin=blob:0.255.128.}`,
	)
	if got := out.Device(); len(got) != 2 || got[0] != "at 0 int 42 bin 3" || got[1] != "sent 0 at 2000" {
		t.Errorf("device lines %q", got)
	}
}

// TestUnhandledAndOversizeMessages: a message with no handler is dropped
// with a warning on either side; a message over 256 KiB throws; a send
// before the device is up is dropped with a notice; a device script that
// throws at its top level has its error marked [Device] and keeps the
// handlers it registered.
func TestUnhandledAndOversizeMessages(t *testing.T) {
	out := agenttest.MustRun(t, `
device.onconnect(function () {
	device.send("nobody", 1);
	try { device.send("big", "x".repeat(256 * 1024)); } catch (e) { server.log(e.name + ": " + e.message); }
});
`, agenttest.Options{Device: `agent.send("unheard", [1]);`, Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out, `RangeError: device.send("big"): the message is 262151 bytes serialised (name included), more than the limit of 262144`)
	status := strings.Join(out.Status(), "\n")
	if !strings.Contains(status, `WARNING: message "unheard" from the device dropped: no device.on handler for it`) {
		t.Errorf("status lines %q", out.Status())
	}
	if dev := strings.Join(out.Device(), "\n"); !strings.Contains(dev, `WARNING: message "nobody" from the agent dropped: no agent.on handler for it`) {
		t.Errorf("device lines %q", out.Device())
	}

	out = agenttest.MustRun(t, `
device.onconnect(function () { server.log("connected"); device.send("x", 5); });
device.send("early", 1);
server.log("connected " + device.isconnected());
`, agenttest.Options{Device: "agent.on(\"x\", function (v) { server.log(\"x \" + v); });\nnull.boom;\n", Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out, "connected false", "connected")
	if got := out.Device(); len(got) != 1 || got[0] != "x 5" {
		t.Errorf("device lines %q", got)
	}
	errs := strings.Join(out.Stderr, "\n")
	if !strings.Contains(errs, "[Device] ERROR: device.js:2:") {
		t.Errorf("stderr %q", out.Stderr)
	}
	if st := strings.Join(out.Status(), "\n"); !strings.Contains(st, `device.send("early"): the device is not connected; message dropped`) {
		t.Errorf("status %q", out.Status())
	}
}

// TestNoDeviceScript: without --device the device is disconnected and
// sends are dropped with a notice.
func TestNoDeviceScript(t *testing.T) {
	out := agenttest.MustRun(t, `server.log(device.isconnected()); device.send("x", null);`, agenttest.Options{Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out, "false")
	if st := strings.Join(out.Status(), "\n"); !strings.Contains(st, `device.send("x"): the device is not connected; message dropped`) {
		t.Errorf("status %q", out.Status())
	}
}

// TestRunawayDeviceIsStopped: the watchdog stops a device callback that
// never returns, reports it as a [Device] error, and both sides go on.
func TestRunawayDeviceIsStopped(t *testing.T) {
	out := agenttest.MustRun(t, `
device.onconnect(function () { device.send("spin", null); device.send("after", null); });
device.on("alive", function () { server.log("device alive"); });
`, agenttest.Options{Device: `
agent.on("spin", function spin() { for (;;) {} });
agent.on("after", function () { agent.send("alive", null); });
`, Config: "http: {listen: off}\nlimits: {cpu_per_callback: 100ms}\n"})
	agenttest.WantAgent(t, out, "device alive")
	if errs := strings.Join(out.Stderr, "\n"); !strings.Contains(errs, "[Device] ERROR: device.js:2:") || !strings.Contains(errs, "WatchdogError") {
		t.Errorf("stderr %q", out.Stderr)
	}
}

// TestDeviceErrorsMatchTheAgents: the same code run on both sides throws
// the same error classes with the same messages (agent.send for
// device.send): an oversize message is a RangeError, imp.wakeup's range
// error a RangeError, its other bad arguments and imp.cancelwakeup's
// TypeErrors; and the device's imp.wakeup honours the name argument, so
// imp.cancelwakeup(name) cancels every pending wakeup of that name.
func TestDeviceErrorsMatchTheAgents(t *testing.T) {
	body := `
function tryit(f) { try { f(); server.log("no throw"); } catch (e) { server.log(e.name + ": " + e.message); } }
tryit(function () { SEND("big", "x".repeat(256 * 1024)); });
tryit(function () { imp.wakeup(2e7, function () {}); });
tryit(function () { imp.wakeup(-1, function () {}); });
tryit(function () { imp.wakeup(1, null); });
tryit(function () { imp.wakeup(1, "f"); });
tryit(function () { imp.wakeup(1, function () {}, 5); });
tryit(function () { imp.cancelwakeup("never"); });
tryit(function () { imp.cancelwakeup(5); });
imp.wakeup(1, function () { server.log("a fired"); }, "a");
imp.wakeup(2, function () { server.log("a2 fired"); }, "a");
imp.wakeup(3, function () { server.log("b fired"); }, "b");
const h = imp.wakeup(4, function () { server.log("h fired"); });
imp.wakeup(0.5, function () { imp.cancelwakeup("a"); imp.cancelwakeup(h); imp.cancelwakeup("a"); server.log("cancelled"); });
`
	agent := strings.ReplaceAll(body, "SEND", "device.send")
	dev := strings.ReplaceAll(body, "SEND", "agent.send")
	out := agenttest.MustRun(t, agent, agenttest.Options{Device: dev, Virtual: true, Config: "http: {listen: off}\n"})
	want := []string{
		`RangeError: SEND("big"): the message is 262151 bytes serialised (name included), more than the limit of 262144`,
		"RangeError: imp.wakeup: argument 'seconds' must be at most 10737418 (2^30 centiseconds), got 20000000",
		"TypeError: imp.wakeup: argument 'seconds' must be a number >= 0, got number -1",
		"TypeError: imp.wakeup: argument 'callback' must be a function, got null",
		`TypeError: imp.wakeup: argument 'callback' must be a function, got string "f"`,
		"TypeError: imp.wakeup: argument 'name' must be a string, got number 5",
		`TypeError: imp.cancelwakeup: no wakeup was ever named "never"`,
		"TypeError: imp.cancelwakeup: argument 'timer' must be a handle returned by imp.wakeup or a wakeup name, got number 5",
		"cancelled",
		"b fired",
	}
	for side, got := range map[string][]string{"device.send": out.Agent(), "agent.send": out.Device()} {
		w := strings.Join(want, "\n")
		if g := strings.Join(got, "\n"); g != strings.ReplaceAll(w, "SEND", side) {
			t.Errorf("%s side's lines:\n%s\nwant:\n%s", side, g, strings.ReplaceAll(w, "SEND", side))
		}
	}
}

// TestDeviceStartOrder: the device's top level runs as the link comes up,
// before the agent's device.onconnect; what the top level sent arrives
// after onconnect.
func TestDeviceStartOrder(t *testing.T) {
	out := agenttest.MustRun(t, `
server.log("agent top level " + device.isconnected());
device.onconnect(function () { server.log("onconnect"); });
device.on("hello", function () { server.log("hello arrived"); });
`, agenttest.Options{Device: `server.log("device top level " + server.isconnected()); agent.send("hello", null);`,
		Virtual: true, Config: "http: {listen: off}\n"})
	var got []string
	for _, l := range out.Stdout {
		if i := strings.Index(l, "[Agent] "); i >= 0 {
			got = append(got, l[i:])
		} else if i := strings.Index(l, "[Device] "); i >= 0 {
			got = append(got, l[i:])
		}
	}
	want := "[Agent] agent top level false\n[Device] device top level true\n[Agent] onconnect\n[Agent] hello arrived"
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("order:\n%s\nwant:\n%s", g, want)
	}
}
