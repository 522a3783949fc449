package tests

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTree writes files (path relative to dir -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, full, content)
	}
}

// A Squirrel agent assembled from its files: a #require'd library found in
// the library directory (given by --lib, AGENTHOST_LIB or lib: in the
// config, in both layouts), Builder's @include relative to the including
// file; errors name the file and line of the part they are in (broken,
// long, called by name from code that runs once, is compiled on its first
// call: its stub adds no frame).
func TestSquirrelIncludeAndRequire(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"agent.nut": `#require "Greeter.lib.nut:1.2.0"
@include "util/helpers.nut"
server.log(Greeter(NAME).greet() + " " + twice(21) + " " + Greeter.VERSION);
function later() { broken(); }
imp.wakeup(0, later);
`,
		"util/helpers.nut": `// helpers
const NAME = "imp";
@include once "more.nut"
@include once "more.nut"
function twice(x) { return x * 2; }
function broken() {
    local n = 0;
    foreach (k, v in { a = 1, b = 2 }) n += v;
    return {}.nothing;
}
`,
		"util/more.nut": "server.log(\"more included once\");\n",
		"libs/Greeter/1.2.0/Greeter.lib.nut": `class Greeter {
    static VERSION = "1.2.0";
    _name = null;
    constructor(name) { _name = name; }
    function greet() { return "hello " + _name; }
}
`,
	})
	want := []string{"more included once", "hello imp 42 1.2.0"}
	wantErr := []string{"[Agent] ERROR: the index 'nothing' does not exist",
		"[Agent] ERROR:   at broken util/helpers.nut:9", "[Agent] ERROR:   from later agent.nut:4"}
	check := func(name string, r result) {
		t.Helper()
		if r.code != 0 || !slices.Equal(r.agent(), want) || !slices.Equal(r.stderr, wantErr) {
			t.Errorf("%s: exit %d\nagent %q\nstderr %q", name, r.code, r.agent(), r.stderr)
		}
	}
	check("--lib", runBin(t, dir, "run", "agent.nut", "--until-idle", "--lib", "libs"))
	check("AGENTHOST_LIB", runBinEnv(t, dir, []string{"AGENTHOST_LIB=libs"}, "run", "agent.nut", "--until-idle"))
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "lib: libs\n")
	check("lib: in the config", runBin(t, dir, "run", "agent.nut", "--until-idle"))

	// a single copy of the library in the directory serves the version it declares
	flat := t.TempDir()
	lib, _ := os.ReadFile(filepath.Join(dir, "libs/Greeter/1.2.0/Greeter.lib.nut"))
	writeFile(t, filepath.Join(flat, "Greeter.lib.nut"), string(lib))
	check("flat layout", runBin(t, dir, "run", "agent.nut", "--until-idle", "--lib", flat))
}

// A library that is not there stops the run before anything runs (exit
// 2), naming the library, its version, where it was looked for and how to
// get it; so does a library directory holding another version, a missing
// @include and an @include cycle.
func TestSquirrelAssemblyErrors(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"agent.nut":                            "server.log(\"never\");\n#require \"Promise.lib.nut:4.0.0\"\n",
		"flat/Promise.lib.nut":                 "class Promise { static VERSION = \"3.0.1\"; }\n",
		"noinclude.nut":                        "// start\n@include \"nothere.nut\"\n",
		"cycle.nut":                            "@include \"a.nut\"\n",
		"a.nut":                                "// a\n@include \"b.nut\"\n",
		"b.nut":                                "@include \"a.nut\"\n",
		"remote.nut":                           "@include \"github:electricimp/Promise/Promise.lib.nut\"\n",
		"builder.nut":                          "@set DEBUG = true\n",
		"libs/Other/1.0.0/Other.agent.lib.nut": "",
	})
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"no library directory", []string{"run", "agent.nut"}, []string{
			`agenthost: agent.nut:2: #require "Promise.lib.nut:4.0.0": no library directory is set, and agenthost fetches nothing at run time`,
			"Try: set one with --lib DIR, AGENTHOST_LIB or lib: in the config, and put the library there, e.g. git clone --branch v4.0.0 https://github.com/electricimp/Promise lib/Promise/4.0.0"}},
		{"not in the directory", []string{"run", "agent.nut", "--lib", "libs"}, []string{
			`agenthost: agent.nut:2: #require "Promise.lib.nut:4.0.0": library Promise.lib.nut version 4.0.0 is not in libs (looked for libs/Promise/4.0.0/Promise.lib.nut and libs/Promise.lib.nut)`,
			"Try: get it with: git clone --branch v4.0.0 https://github.com/electricimp/Promise libs/Promise/4.0.0 (or copy the file there)"}},
		{"another version", []string{"run", "agent.nut", "--lib", "flat"}, []string{
			`agenthost: agent.nut:2: #require "Promise.lib.nut:4.0.0": flat/Promise.lib.nut declares version 3.0.1, not 4.0.0`,
			"Try: put version 4.0.0 at flat/Promise/4.0.0/Promise.lib.nut, e.g. git clone --branch v4.0.0 https://github.com/electricimp/Promise flat/Promise/4.0.0"}},
		{"missing include", []string{"run", "noinclude.nut"}, []string{
			`agenthost: noinclude.nut:2: @include "nothere.nut": no such file (` + filepath.Join(dir, "nothere.nut") + ")"}},
		{"include cycle", []string{"run", "cycle.nut"}, []string{
			"agenthost: b.nut:1: @include cycle: cycle.nut -> a.nut -> b.nut -> a.nut"}},
		{"network include", []string{"run", "remote.nut"}, []string{
			`agenthost: remote.nut:1: @include "github:electricimp/Promise/Promise.lib.nut": agenthost reads no files from the network at run time`,
			"Try: download the file and @include the local copy"}},
		{"other Builder directives", []string{"run", "builder.nut"}, []string{
			`agenthost: builder.nut:1: Builder's @set is not supported (only @include "file" is)`}},
	} {
		r := runBin(t, dir, tc.args...)
		if r.code != 2 || !slices.Equal(r.stderr, tc.want) || len(r.agent()) != 0 {
			t.Errorf("%s: exit %d\nstderr %q\nwant   %q\nagent %q", tc.name, r.code, r.stderr, tc.want, r.agent())
		}
	}
}

// The watchdog stops a runaway Squirrel callback and names its .nut line;
// the agent goes on.
func TestSquirrelWatchdogNamesTheNutLine(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"agent.nut": `function spin() {
    local i = 0;
    while (true) {
        i++;
    }
}
imp.wakeup(0.01, spin);
imp.wakeup(0.02, function() { server.log("still running"); });
`,
		"agenthost.yaml": "limits:\n  cpu_per_callback: 200ms\n",
	})
	r := runBin(t, dir, "run", "agent.nut", "--until-idle")
	want := []string{"[Agent] ERROR: WatchdogError: stopped: it ran longer than 200ms (limits.cpu_per_callback)"}
	if r.code != 0 || len(r.stderr) != 2 || r.stderr[0] != want[0] || !strings.HasPrefix(r.stderr[1], "[Agent] ERROR:   at spin agent.nut:") ||
		!slices.Equal(r.agent(), []string{"still running"}) {
		t.Fatalf("exit %d\nstderr %q\nagent %q", r.code, r.stderr, r.agent())
	}
}

// impUnit tests written in Squirrel run in `agenthost test` with the same
// broker, device and clock as JavaScript tests: setUp and tearDown,
// Promise-returning tests (any thenable, here one of the test's own),
// failures and errors named by .nut file and line, with expected and
// actual values, in the text, JSON and JUnit results alike.
func TestSquirrelTestsReportLikeJS(t *testing.T) {
	dir := filepath.Join(repo, "tests", "testdata", "squnit")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	r := runBin(t, dir, "test", "--junit", junit)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.rawOut)
	}
	var got []string
	for _, l := range strings.Split(r.rawOut, "\n") {
		if i := strings.Index(l, " assertion"); i > 0 && strings.HasPrefix(strings.TrimSpace(l), "ok") || strings.Contains(l, "FAIL ") || strings.Contains(l, "ERR ") {
			l = l[:strings.LastIndex(l, ",")] // drop the duration
		}
		got = append(got, l)
	}
	want := []string{
		"agent.test.nut (agent agent.nut)",
		"  ok   EchoTest.testDevice (2 assertions",
		"  ok   EchoTest.testEcho (3 assertions",
		"  ok   EchoTest.testTicksOnTheVirtualClock (2 assertions",
		"  FAIL EchoTest.testZFailsLater (1 assertion",
		"       agent.test.nut:73: pings: 5 expected, 3 seen",
		"       expected: 5",
		"       actual:   3",
		"  FAIL EchoTest.testZFailsNow (1 assertion",
		"       agent.test.nut:84: Expected value: 41, got: 42",
		"       expected: 41",
		"       actual:   42",
		"  ERR  EchoTest.testZThrows (0 assertions",
		"       agent.test.nut:89: the index 'missing' does not exist",
		"",
	}
	if !slices.Equal(got[:len(want)], want) || !strings.HasPrefix(got[len(want)], "FAILED: 1 file, 6 tests, 9 assertions, 2 failures, 1 error") {
		t.Fatalf("output\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	data, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(data), "agent.test.nut:84: Expected value: 41, got: 42") {
		t.Fatalf("junit: %v\n%s", err, data)
	}
	r = runBin(t, dir, "test", "--json", "--filter", "testZFailsNow")
	if r.code != 1 || !strings.Contains(r.rawOut, `"location":"agent.test.nut:84"`) || !strings.Contains(r.rawOut, `"expected":"41"`) {
		t.Fatalf("json: exit %d\n%s", r.code, r.rawOut)
	}
}

// The rest of the agent API from Squirrel, checked by a Squirrel test:
// the agent URL (request and response objects), the device (messages keep
// their types both ways), timers by name, crypto callbacks and errors,
// server.save/load.
func TestSquirrelAgentAPI(t *testing.T) {
	r := runBin(t, filepath.Join(repo, "tests", "testdata", "sqapi"), "test")
	if r.code != 0 || !strings.Contains(r.rawOut, "PASSED: 1 file, 5 tests, 15 assertions, 0 failures, 0 errors") {
		t.Fatalf("exit %d\n%s", r.code, r.rawOut)
	}
}

// --agent may name a Squirrel agent for JavaScript tests, which see it
// through the API's doubles.
func TestSquirrelAgentUnderJSTests(t *testing.T) {
	r := runBin(t, filepath.Join(repo, "tests", "testdata"), "test", "sqmixed", "--agent", filepath.Join("sqapi", "agent.nut"))
	if r.code != 0 || !strings.Contains(r.rawOut, "sqmixed/probe.test.js (agent sqapi/agent.nut)") ||
		!strings.Contains(r.rawOut, "PASSED: 1 file, 2 tests, 6 assertions, 0 failures, 0 errors") {
		t.Fatalf("exit %d\n%s", r.code, r.rawOut)
	}
}

// A Squirrel device beside a Squirrel agent (--device device.nut): the
// device's API from Squirrel, messages both ways keeping their types
// (21.0 stays a float inside the table), its lines and errors as
// [Device] lines the imp's way.
func TestSquirrelDevice(t *testing.T) {
	dir := filepath.Join(repo, "tests", "testdata", "sqdevice")
	r := runBin(t, t.TempDir(), "run", filepath.Join(dir, "agent.nut"), "--device", filepath.Join(dir, "device.nut"), "--until-idle", "--clock", "virtual")
	want := []string{"[Device] 1.5", "[Device] true", "[Agent] reading 20.5 float, raw blob 3 bytes", "[Device] acked 1 at 0 ms",
		"[Agent] reading 21 float, raw blob 3 bytes", "[Device] acked 2 at 1000 ms"}
	var got []string
	for _, l := range r.stdout {
		if strings.HasPrefix(l, "[Agent]") || strings.HasPrefix(l, "[Device]") {
			got = append(got, l)
		}
	}
	wantErr := []string{"[Device] ERROR: the index 'boom' does not exist", "[Device] ERROR:   at unknown device.nut:8"}
	if r.code != 0 || !slices.Equal(got, want) || !slices.Equal(r.stderr, wantErr) {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", r.code, got, r.stderr)
	}
	// a syntax error in the device's Squirrel is the device's, exit 1
	bad := writeFile(t, filepath.Join(t.TempDir(), "bad.nut"), "local x = ;\n")
	r = runBin(t, t.TempDir(), "run", filepath.Join(dir, "agent.nut"), "--device", bad, "--until-idle")
	if r.code != 1 || len(r.stderr) != 3 || r.stderr[0] != "[Device] ERROR: bad.nut:1:11: expression expected" {
		t.Fatalf("syntax error: exit %d stderr %q", r.code, r.stderr)
	}
}

// agenthost fleet runs a Squirrel agent N times, compiled once, each with
// a Squirrel runtime of its own (and the lazily compiled summary, compiled
// once for all of them, giving each agent its own function).
func TestSquirrelFleet(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agent.nut"), `function summary(t) {
	local keys = [];
	foreach (k, v in t) keys.push(k + "=" + v);
	keys.sort();
	local s = "";
	foreach (i, k in keys) s += (i > 0 ? "," : "") + k;
	return s;
}
server.log(summary({ b = 2, a = imp.configparams.deviceid.len() }));
local c = mqtt.createclient();
c.onconnect(function(rc) { server.log("connected " + rc + " as " + c.id().len()); c.disconnect(); });
c.connect("tcp://h", "fleet-" + imp.configparams.deviceid);
`)
	r := runBin(t, dir, "fleet", "agent.nut", "--agents", "3", "--until-idle")
	n, summaries := 0, 0
	for _, l := range r.stdout {
		if strings.HasPrefix(l, "[Agent ") && strings.HasSuffix(l, "] connected 0 as 22") {
			n++
		}
		if strings.HasPrefix(l, "[Agent ") && strings.HasSuffix(l, "] a=16,b=2") {
			summaries++
		}
	}
	if r.code != 0 || n != 3 || summaries != 3 {
		t.Fatalf("exit %d, %d agents connected, %d summaries\nstdout %q\nstderr %q", r.code, n, summaries, r.stdout, r.stderr)
	}
}
