package agentapi_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
)

func TestServerLogFormatsValues(t *testing.T) {
	out := agenttest.MustRun(t, `
server.log("plain text");
server.log(5.1);
server.log(42);
server.log(1e21);
server.log(null);
server.log(undefined);
server.log(true);
server.log({a: 1, b: [1, "x", null]});
server.log([1, 2]);
server.log(new Error("boom"));
const b = blob(0); b.writestring("héllo");
server.log(b);
server.error("bad " + 1);
`, agenttest.Options{})
	agenttest.WantAgent(t, out, "plain text", "5.1", "42", "1e+21", "null", "undefined", "true",
		`{"a":1,"b":[1,"x",null]}`, "[1,2]", "Error: boom", "héllo")
	if got := out.AgentErrors(); !slices.Equal(got, []string{"bad 1"}) {
		t.Fatalf("errors %q", got)
	}
}

func TestErrorsGoToStderrOnly(t *testing.T) {
	out := agenttest.MustRun(t, `server.log("out"); server.error("err");`, agenttest.Options{})
	for _, l := range out.Stdout {
		if strings.Contains(l, "ERROR") {
			t.Fatalf("error line on stdout: %q", l)
		}
	}
	if !slices.Equal(out.Stderr, []string{"[Agent] ERROR: err"}) {
		t.Fatalf("stderr %q", out.Stderr)
	}
}

func TestServerLogMissingArgumentThrows(t *testing.T) {
	out := agenttest.MustRun(t, `try { server.log(); } catch (e) { server.log(e.name + ": " + e.message); }`, agenttest.Options{})
	agenttest.WantAgent(t, out, "TypeError: server.log: missing argument 'value'")
}

func TestCallbackExceptionIsLoggedWithStackAndAgentGoesOn(t *testing.T) {
	out := agenttest.MustRun(t, `
function handler() {
	null.field;
}
imp.wakeup(0.01, function tick() { handler(); });
imp.wakeup(0.02, function () { server.log("still running"); });
`, agenttest.Options{})
	agenttest.WantAgent(t, out, "still running")
	errs := out.AgentErrors()
	if len(errs) < 3 || !regexp.MustCompile(`^agent\.js:3:\d+: TypeError: Cannot read property 'field' of`).MatchString(errs[0]) ||
		!strings.HasPrefix(errs[1], "  at handler (agent.js:3:") || !strings.HasPrefix(errs[2], "  at tick (agent.js:5:") {
		t.Fatalf("error lines %q", errs)
	}
}

// An async callback that throws, and a rejection nobody handles, are
// reported like an uncaught exception in a callback, with file:line; the
// agent goes on.
func TestAsyncThrowAndUnhandledRejectionAreReported(t *testing.T) {
	out := agenttest.MustRun(t, `
imp.wakeup(0.01, async function tick() {
	await null;
	throw new RangeError("async boom");
});
imp.wakeup(0.02, function () { Promise.reject(new Error("nobody catches me")); });
imp.wakeup(0.03, function () { Promise.reject(new Error("caught")).catch(function (e) { server.log("handled " + e.message); }); });
imp.wakeup(0.04, function () { server.log("still running"); });
`, agenttest.Options{})
	agenttest.WantAgent(t, out, "handled caught", "still running")
	errs := out.AgentErrors()
	want := []string{
		"agent.js:4:8: Uncaught (in promise) RangeError: async boom",
		"  at tick (agent.js:4:8)",
		"agent.js:6:47: Uncaught (in promise) Error: nobody catches me",
		"  at <anonymous> (agent.js:6:47)",
	}
	if !slices.Equal(errs, want) {
		t.Fatalf("error lines:\n got %q\nwant %q", errs, want)
	}
}

func TestTopLevelExceptionFailsRun(t *testing.T) {
	out := agenttest.Run(t, "server.log('before');\nthrow new Error('top');\n", agenttest.Options{UntilIdle: true})
	if out.Err == nil {
		t.Fatal("run succeeded")
	}
	agenttest.WantAgent(t, out, "before")
	if errs := out.AgentErrors(); len(errs) == 0 || errs[0] != "agent.js:2:7: Error: top" {
		t.Fatalf("errors %q", errs)
	}
}

func TestSaveLoadPersistsAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	cfg := "state_dir: " + dir + "\nconfigparams: {deviceid: \"00000000000000aa\"}\n"
	script := `
const s = server.load();
server.log("loaded " + JSON.stringify(s));
s.count = (s.count || 0) + 1;
server.save(s);
`
	agenttest.WantAgent(t, agenttest.MustRun(t, script, agenttest.Options{Config: cfg}), "loaded {}")
	agenttest.WantAgent(t, agenttest.MustRun(t, script, agenttest.Options{Config: cfg}), `loaded {"count":1}`)
	data, err := os.ReadFile(filepath.Join(dir, "save-00000000000000aa.json"))
	if err != nil || string(data) != `{"count":2}` {
		t.Fatalf("file %q %v", data, err)
	}
	agenttest.WantAgent(t, agenttest.MustRun(t, `server.save({}); server.log(JSON.stringify(server.load()));`, agenttest.Options{Config: cfg}), "{}")
	if _, err := os.Stat(filepath.Join(dir, "save-00000000000000aa.json")); !os.IsNotExist(err) {
		t.Fatalf("save({}) left the file: %v", err)
	}
}

// TestSaveReplacesTheFileAtomically: server.save writes a new file and
// renames it over the old one, so a reader holding the old file (here a
// hard link to it) keeps the old content whole, and no temporary file is
// left in the state directory.
func TestSaveReplacesTheFileAtomically(t *testing.T) {
	dir := t.TempDir()
	save := filepath.Join(dir, "save-00000000000000aa.json")
	if err := os.WriteFile(save, []byte(`{"v":"old"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(t.TempDir(), "old.json")
	if err := os.Link(save, old); err != nil {
		t.Skip("hard links unsupported here:", err)
	}
	out := agenttest.MustRun(t, `server.log(server.load().v); server.save({v: "new"}); server.log(server.load().v);`,
		agenttest.Options{Config: "state_dir: " + dir + "\nconfigparams: {deviceid: \"00000000000000aa\"}\n"})
	agenttest.WantAgent(t, out, "old", "new")
	if data, err := os.ReadFile(old); err != nil || string(data) != `{"v":"old"}` {
		t.Fatalf("the old file was written in place: a reader of it now sees %q (%v)", data, err)
	}
	if data, err := os.ReadFile(save); err != nil || string(data) != `{"v":"new"}` {
		t.Fatalf("save file %q %v", data, err)
	}
	wantDirEntries(t, dir, "save-00000000000000aa.json")
}

// TestFailedSaveLeavesNoTemporaryFile: when the rename cannot replace the
// save file (here a directory stands in its place) server.save throws an
// error naming itself, and its temporary file is gone.
func TestFailedSaveLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "save-00000000000000aa.json", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := agenttest.MustRun(t, `try { server.save({v: 1}); server.log("saved"); } catch (e) { server.log(e.message); }`,
		agenttest.Options{Config: "state_dir: " + dir + "\nconfigparams: {deviceid: \"00000000000000aa\"}\n"})
	if got := out.Agent(); len(got) != 1 || !strings.HasPrefix(got[0], "server.save: rename ") || !strings.Contains(got[0], "save-00000000000000aa.json") {
		t.Fatalf("agent lines %q, want the rename error of server.save", got)
	}
	wantDirEntries(t, dir, "save-00000000000000aa.json")
}

// wantDirEntries fails the test unless dir holds exactly the named entries.
func wantDirEntries(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
}

// TestSaveLimitAndBadArgument: a table of exactly 64 KiB serialised is
// saved; one byte more throws a RangeError.
func TestSaveLimitAndBadArgument(t *testing.T) {
	out := agenttest.MustRun(t, `
try { server.save({big: "x".repeat(65527)}); } catch (e) { server.log(e.name + ": " + e.message); }
try { server.save("str"); } catch (e) { server.log(e.name + ": " + e.message); }
server.save({ok: "x".repeat(65527)});
server.log("saved " + server.load().ok.length);
`, agenttest.Options{})
	agenttest.WantAgent(t, out,
		"RangeError: server.save: the table is 65537 bytes serialised, more than the limit of 65536",
		`TypeError: server.save: argument 'table' must be an object, got string "str"`,
		"saved 65527")
}

func TestCorruptSaveFileIsReported(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "save-00000000000000aa.json"), []byte(`{"count":`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := agenttest.MustRun(t, `try { server.load(); } catch (e) { server.log(e.message); }`,
		agenttest.Options{Config: "state_dir: " + dir + "\nconfigparams: {deviceid: \"00000000000000aa\"}\n"})
	if got := out.Agent(); len(got) != 1 || !strings.Contains(got[0], "is not valid saved data") {
		t.Fatalf("got %q", got)
	}
}

func TestConfigparamsAndGeneratedDeviceID(t *testing.T) {
	dir := t.TempDir()
	script := `
server.log(JSON.stringify(imp.configparams));
imp.configparams.deviceid = "changed";
try { imp.configparams.nested.x = 2; } catch (e) {}
server.log(imp.configparams.deviceid + " " + imp.configparams.nested.x);
`
	out := agenttest.MustRun(t, script, agenttest.Options{Config: "configparams: {deviceid: \"30000c2a690cd0e8\", nested: {x: 1}}\n"})
	agenttest.WantAgent(t, out, `{"deviceid":"30000c2a690cd0e8","nested":{"x":1}}`, "30000c2a690cd0e8 1")

	gen := `server.log(imp.configparams.deviceid);`
	first := agenttest.MustRun(t, gen, agenttest.Options{Config: "state_dir: " + dir + "\n"}).Agent()
	second := agenttest.MustRun(t, gen, agenttest.Options{Config: "state_dir: " + dir + "\n"}).Agent()
	if len(first) != 1 || !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(first[0]) || !slices.Equal(first, second) {
		t.Fatalf("generated ids %q then %q", first, second)
	}
}

func TestWakeupOrderCancelAndNames(t *testing.T) {
	out := agenttest.MustRun(t, `
imp.wakeup(0.05, function () { server.log("c 0.05"); });
const h = imp.wakeup(0.03, function () { server.log("cancelled handle"); });
imp.wakeup(0.01, function () { server.log("a 0.01"); });
imp.wakeup(0.02, function () { server.log("named"); }, "n1");
imp.wakeup(0.04, function () { server.log("cancelled name"); }, "n2");
imp.wakeup(0, function () { server.log("zero"); });
imp.cancelwakeup(h);
imp.cancelwakeup(h);
imp.cancelwakeup("n2");
try { imp.cancelwakeup("never"); } catch (e) { server.log(e.name + ": " + e.message); }
try { imp.wakeup(-1, function () {}); } catch (e) { server.log(e.name + ": " + e.message); }
try { imp.wakeup(1, 5); } catch (e) { server.log(e.name + ": " + e.message); }
try { imp.wakeup(10737418.25, function () {}); } catch (e) { server.log(e.name + ": " + e.message); }
imp.cancelwakeup(imp.wakeup(10737418.24, function () { server.log("2^30 centiseconds later"); }));
imp.wakeup(0.06, function () { imp.cancelwakeup("n1"); server.log("cancelling a fired name is fine"); });
`, agenttest.Options{})
	agenttest.WantAgent(t, out,
		`TypeError: imp.cancelwakeup: no wakeup was ever named "never"`,
		"TypeError: imp.wakeup: argument 'seconds' must be a number >= 0, got number -1",
		"TypeError: imp.wakeup: argument 'callback' must be a function, got number 5",
		"RangeError: imp.wakeup: argument 'seconds' must be at most 10737418 (2^30 centiseconds), got 10737418.25",
		"zero", "a 0.01", "named", "c 0.05", "cancelling a fired name is fine")
}

// TestCancelWakeupByNameCancelsEverySameNamedTimer: cancelwakeup(name)
// stops every pending timer of that name, whatever the order they were
// created or are due in, and only those; the name can be used again.
func TestCancelWakeupByNameCancelsEverySameNamedTimer(t *testing.T) {
	out := agenttest.MustRun(t, `
imp.wakeup(0.03, function () { server.log("batch 0.03"); }, "batch");
imp.wakeup(0.01, function () { server.log("batch 0.01"); }, "batch");
imp.wakeup(0.02, function () { server.log("other"); }, "other");
const h = imp.wakeup(0.02, function () { server.log("batch by handle"); }, "batch");
imp.wakeup(0.05, function () { server.log("batch 0.05"); }, "batch");
imp.wakeup(0.04, function () { server.log("unnamed"); });
imp.cancelwakeup(h);
imp.cancelwakeup("batch");
imp.wakeup(0.06, function () { server.log("batch again"); }, "batch");
`, agenttest.Options{Virtual: true})
	agenttest.WantAgent(t, out, "other", "unnamed", "batch again")
}

func TestWakeupTiming(t *testing.T) {
	start := time.Now()
	out := agenttest.MustRun(t, `
const t0 = Date.now();
imp.wakeup(0.2, function () { server.log("waited " + (Date.now() - t0 >= 200)); });
`, agenttest.Options{})
	agenttest.WantAgent(t, out, "waited true")
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Fatalf("a 0.2 s wakeup ended the run after %s", el)
	}
}

// TestWakeupFiresOnTimeOnTheVirtualClock: on the virtual clock a wakeup
// fires exactly its interval (rounded up to 0.01 s) after it was set,
// neither earlier nor later.
func TestWakeupFiresOnTimeOnTheVirtualClock(t *testing.T) {
	out := agenttest.MustRun(t, `
const t0 = Date.now();
function at(label) { return function () { server.log(label + " +" + (Date.now() - t0) + "ms"); }; }
imp.wakeup(0.2, at("0.2"));
imp.wakeup(0.001, at("0.001"));
imp.wakeup(0.015, at("0.015"));
imp.wakeup(3600, at("3600"));
`, agenttest.Options{Virtual: true})
	agenttest.WantAgent(t, out, "0.001 +10ms", "0.015 +20ms", "0.2 +200ms", "3600 +3600000ms")
}

func TestTimeAndDate(t *testing.T) {
	out := agenttest.MustRun(t, `
const d = date(86400 * 365 + 3600 * 5 + 61);
server.log(JSON.stringify(d));
const now = time();
server.log(typeof now + " " + (Math.abs(now - Math.floor(Date.now() / 1000)) <= 1) + " " + Number.isInteger(now));
const n = date();
server.log(Object.keys(n).sort().join(","));
`, agenttest.Options{})
	agenttest.WantAgent(t, out,
		`{"sec":1,"min":1,"hour":5,"day":1,"month":0,"year":1971,"wday":5,"yday":0,"time":31554061,"usec":0}`,
		"number true true",
		"day,hour,min,month,sec,time,usec,wday,yday,year")
}

func TestBlobMethods(t *testing.T) {
	out := agenttest.MustRun(t, `
const b = blob(0);
b.writestring("hello world");
server.log(b.len() + " " + b.tell() + " " + b.eos());
b.seek(0);
server.log(b.readstring(5) + "|" + b.tell());
b.seek(1, "c");
const rest = b.readblob(100);
server.log(rest.tostring() + " " + rest.len() + " " + b.eos());
b.seek(-5, "e");
server.log(b.readstring(5));
server.log("x" + b);
b[0] = 72;
server.log(b.tostring() + " " + b[0] + " " + b[99]);
const z = blob(3);
server.log(z.len() + " " + JSON.stringify(Array.from(z.bytes())));
try { b.seek(100); } catch (e) { server.log(e.name + ": " + e.message); }
try { b.readstring("x"); } catch (e) { server.log(e.name + ": " + e.message); }
`, agenttest.Options{})
	agenttest.WantAgent(t, out,
		"11 11 true",
		"hello|5",
		"world 5 true",
		"world",
		"xhello world",
		"Hello world 72 undefined",
		"3 [0,0,0]",
		"RangeError: blob.seek: position 100 is outside the blob (length 11)",
		`TypeError: blob.readstring: argument 'n' must be an integer, got string "x"`)
}

func TestGlobalsAreTheDocumentedOnes(t *testing.T) {
	out := agenttest.MustRun(t, `
server.log(["blob","server","imp","mqtt","time","date"].map(function (n) { return n + ":" + typeof globalThis[n]; }).join(" "));
server.log([mqtt.AT_MOST_ONCE, mqtt.AT_LEAST_ONCE, mqtt.EXACTLY_ONCE].join(","));
server.log(typeof require + " " + typeof process + " " + typeof setTimeout);
`, agenttest.Options{})
	agenttest.WantAgent(t, out,
		"blob:function server:object imp:object mqtt:object time:function date:function",
		"0,1,2",
		"undefined undefined undefined")
}

// TestRunawayCallbackIsStopped: a callback past limits.cpu_per_callback is
// interrupted with an ERROR naming where it was, and the agent goes on.
func TestRunawayCallbackIsStopped(t *testing.T) {
	out := agenttest.MustRun(t, `
imp.wakeup(0.01, function spin() { for (;;) {} });
imp.wakeup(0.02, function () { server.log("still running"); });
`, agenttest.Options{Config: "limits:\n  cpu_per_callback: 100ms\n"})
	agenttest.WantAgent(t, out, "still running")
	errs := out.AgentErrors()
	if len(errs) < 2 || !strings.HasPrefix(errs[0], "agent.js:") ||
		!strings.Contains(errs[0], "WatchdogError: stopped: it ran longer than 100ms (limits.cpu_per_callback)") ||
		!strings.HasPrefix(errs[1], "  at spin (agent.js:") {
		t.Fatalf("errors %q", errs)
	}
}

// TestGlobalObjectHoldsOnlyTheDocumentedAPI enumerates the global object:
// besides the ECMAScript built-ins, scripts see exactly the documented API.
func TestGlobalObjectHoldsOnlyTheDocumentedAPI(t *testing.T) {
	out := agenttest.MustRun(t, `
const builtins = new Set(["globalThis", "Object", "Function", "Array", "String", "Boolean", "Number", "BigInt",
	"Symbol", "Math", "JSON", "Date", "RegExp", "Error", "EvalError", "RangeError", "ReferenceError",
	"SyntaxError", "TypeError", "URIError", "AggregateError", "Promise", "Proxy", "Reflect", "Map", "Set",
	"WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "ArrayBuffer", "SharedArrayBuffer", "DataView",
	"Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
	"Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "Atomics", "Intl",
	"NaN", "Infinity", "undefined", "eval", "isFinite", "isNaN", "parseFloat", "parseInt",
	"decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape",
	"GoError"]); // goja's error type for host errors such as a failed server.save
const extra = Object.getOwnPropertyNames(globalThis).filter(function (n) { return !builtins.has(n); }).sort();
server.log(extra.join(","));
`, agenttest.Options{})
	agenttest.WantAgent(t, out, "ENVIRONMENT_AGENT,ENVIRONMENT_CARD,ENVIRONMENT_MODULE,NO_TIMEOUT,blob,crypto,date,device,http,imp,mqtt,server,time")
}

// TestBlobRefusesWhatItCannotHold: writes past the end and new properties
// throw errors that say why (not goja's "'Set' on a dynamic object
// returned false"), a byte out of range is a RangeError, a wrong type a
// TypeError, and a '%' in a value shows as it is.
func TestBlobRefusesWhatItCannotHold(t *testing.T) {
	out := agenttest.MustRun(t, `
const b = blob(2);
for (const f of [
	function () { b[5] = 1; },
	function () { b.foo = 1; },
	function () { b[0] = 256; },
	function () { b[0] = "x"; },
	function () { blob(-1); },
	function () { blob("100%d"); },
]) {
	try { f(); server.log("no error"); } catch (e) { server.log(e.name + ": " + e.message); }
}
server.log(b.len() + " " + b[0] + " " + b.foo);
`, agenttest.Options{})
	agenttest.WantAgent(t, out,
		"RangeError: blob[5]: index past the end of the blob (length 2); use writestring, writeblob or resize to grow it",
		`TypeError: blob: cannot set "foo": a blob has only its bytes and methods`,
		"RangeError: blob[0]: a byte must be from 0 to 255, got 256",
		`TypeError: blob[0]: a byte must be an integer, got string "x"`,
		"RangeError: blob: argument 'size' must be from 0 to 268435456, got -1",
		`TypeError: blob: argument 'size' must be an integer, got string "100%d"`,
		"2 0 undefined")
}

// TestBlobsStayWithinTheMemoryBudget: a blob, or a resize, bigger than
// what limits.memory has left is a RangeError before anything is
// allocated; small ones still work.
func TestBlobsStayWithinTheMemoryBudget(t *testing.T) {
	out := agenttest.MustRun(t, `
for (const f of [
	function () { return blob(200 * 1024 * 1024).len(); },
	function () { const b = blob(10); b.resize(200 * 1024 * 1024); return b.len(); },
	function () { const b = blob(1024); b.resize(2048); return b.len(); },
]) {
	try { server.log("ok " + f()); } catch (e) { server.log(e.name + ": " + e.message.replace(/\d+ MiB in use/, "N MiB in use")); }
}
`, agenttest.Options{Config: "limits:\n  memory: 64MiB\n"})
	agenttest.WantAgent(t, out,
		"RangeError: blob: 200 MiB more would take the heap past limits.memory (64 MiB, N MiB in use)",
		"RangeError: blob.resize: 199 MiB more would take the heap past limits.memory (64 MiB, N MiB in use)",
		"ok 2048")
}

// imp.environment() names the agent; imp.sleep blocks the agent for its
// seconds (on the virtual clock, time moves on at once) and refuses what
// is not 0 to 10 seconds.
func TestImpEnvironmentAndSleep(t *testing.T) {
	out := agenttest.MustRun(t, `
server.log(imp.environment() === ENVIRONMENT_AGENT && ENVIRONMENT_AGENT !== ENVIRONMENT_MODULE && ENVIRONMENT_MODULE !== ENVIRONMENT_CARD);
const t0 = Date.now();
imp.sleep(2.5);
server.log(Date.now() - t0);
for (const bad of [11, -1, "x"]) {
	try { imp.sleep(bad); server.log("slept"); } catch (e) { server.log(e.name + ": " + e.message); }
}
`, agenttest.Options{Virtual: true})
	agenttest.WantAgent(t, out, "true", "2500",
		"RangeError: imp.sleep: argument 'seconds' must be at most 10 (the whole agent stands still), got 11",
		"TypeError: imp.sleep: argument 'seconds' must be a number >= 0, got number -1",
		`TypeError: imp.sleep: argument 'seconds' must be a number >= 0, got string "x"`)
}

// TestImpSleepIsNotCPU: on the real clock imp.sleep waits its time, and
// the wait does not count against limits.cpu_per_callback — a 300 ms sleep
// under a 100 ms budget completes — while code that runs past the budget
// around it is still stopped.
func TestImpSleepIsNotCPU(t *testing.T) {
	out := agenttest.MustRun(t, `
function spin(ms) { const t = Date.now(); while (Date.now() - t < ms) {} }
imp.wakeup(0, function sleeps() {
	const t0 = Date.now();
	imp.sleep(0.3);
	const took = Date.now() - t0;
	server.log("slept " + (took >= 300 && took < 2000));
});
imp.wakeup(0.01, function spinsAround() {
	spin(60);
	imp.sleep(0.05);
	spin(60);
	server.log("not reached");
});
`, agenttest.Options{UntilIdle: true, Config: "limits: {cpu_per_callback: 100ms}\n"})
	agenttest.WantAgent(t, out, "slept true")
	errs := strings.Join(out.AgentErrors(), "\n")
	if strings.Count(errs, "WatchdogError") != 1 || !strings.Contains(errs, "spinsAround") {
		t.Errorf("want one WatchdogError, in spinsAround; got %q", errs)
	}
}
