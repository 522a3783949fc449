package main

import (
	"net"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
)

// closedPort returns a 127.0.0.1 address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// The scripts of the --fail-on conditions. Each makes its condition happen
// a known number of times, and none of the others.
const (
	// Two uncaught exceptions in callbacks; the run goes on after them.
	throwsInCallbacks = `imp.wakeup(0, function () { throw new Error("boom 1"); });
imp.wakeup(0.01, function () { null.x; });
imp.wakeup(0.02, function () { server.log("still running"); });`
	// One refused connect (the port is closed): onconnect(-1).
	failsToConnect = `const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("onconnect " + rc); });
c.connect("tcp://%s", "fails");`
	// Three log lines over a log limit of one: 2 refusals, nothing else.
	logsTooMuch = `server.log("one"); server.log("two"); server.log("three");`
	// A second inbound message over an inbound limit of one: the host
	// drops the connection (-2): one lost connection and one refusal.
	floodsItself = `const c = mqtt.createclient();
c.onconnectionlost(function (r) { server.log("lost " + r); });
c.onmessage(function (m) { server.log("got " + m.message); });
c.onconnect(function (rc) {
    c.subscribe("t", mqtt.AT_MOST_ONCE, function (q) {
        c.createmessage("t", "1").sendasync();
        c.createmessage("t", "2").sendasync();
    });
});
c.connect("tcp://broker.example.com:1883", "flood");`
)

// TestRunFailOn: `run --fail-on` turns each condition that happened into
// exit code 4 and says, one [Status] line per condition asked for, which
// fired and how often; without the flag the same runs exit 0, as before.
func TestRunFailOn(t *testing.T) {
	t.Parallel()
	port := closedPort(t)
	for _, tc := range []struct {
		name, script, config string
		args                 []string
		failOn               string
		fired                []string // the [Status] ERROR lines, in order
		quiet                []string // the [Status] lines of conditions that did not fire
	}{
		{"error", throwsInCallbacks, "", nil, "error",
			[]string{"--fail-on error fired: 2 uncaught exception(s) in the agent's callbacks"}, nil},
		{"connect", strings.Replace(failsToConnect, "%s", port, 1), "", []string{"--broker", "script"}, "connect,lost",
			[]string{"--fail-on connect fired: 1 failed connect(s) (onconnect with a non-zero code)"},
			[]string{"--fail-on lost: none"}},
		{"refused", logsTooMuch, "limits: {log: {rate: 1/h, burst: 1}}\n", nil, "refused,error",
			[]string{"--fail-on refused fired: 2 limiter refusal(s): log 2"},
			[]string{"--fail-on error: none"}},
		{"lost and refused", floodsItself, "limits: {mqtt_inbound: {rate: 1/h, burst: 1}}\n", nil, "all",
			[]string{"--fail-on refused fired: 1 limiter refusal(s): mqtt_inbound 1",
				"--fail-on lost fired: 1 connection(s) lost (onconnectionlost)"},
			[]string{"--fail-on error: none", "--fail-on connect: none"}},
	} {
		for _, withFlag := range []bool{false, true} {
			c := newCLI(t)
			c.write("a.js", tc.script)
			if tc.config != "" {
				c.write("agenthost.yaml", tc.config)
			}
			args := append([]string{"run", "a.js", "--until-idle"}, tc.args...)
			if withFlag {
				args = append(args, "--fail-on", tc.failOn)
			}
			code := c.run(args...)
			var errs, infos []string
			for _, l := range c.stderr.lines() {
				if s, ok := strings.CutPrefix(l, "[Status] ERROR: "); ok && strings.Contains(s, "--fail-on") {
					errs = append(errs, s)
				}
			}
			for _, l := range c.stdout.lines() {
				if s, ok := strings.CutPrefix(l, "[Status] "); ok && strings.HasPrefix(s, "--fail-on") {
					infos = append(infos, s)
				}
			}
			if !withFlag {
				if code != exitcode.OK || len(errs)+len(infos) != 0 {
					t.Errorf("%s without --fail-on: exit %d, fail-on lines %q %q, want 0 and none", tc.name, code, errs, infos)
				}
				continue
			}
			names := []string{}
			for _, f := range tc.fired {
				names = append(names, strings.Fields(f)[1])
			}
			want := append(append([]string{}, tc.fired...), "run failed: --fail-on "+strings.Join(names, ", ")+" fired (exit code 4)")
			if code != exitcode.FailOn || strings.Join(errs, "\n") != strings.Join(want, "\n") || strings.Join(infos, "\n") != strings.Join(tc.quiet, "\n") {
				t.Errorf("%s: exit %d, want 4\nerror lines:\n%s\nwant:\n%s\nother lines: %q, want %q\nstdout:\n%s\nstderr:\n%s",
					tc.name, code, strings.Join(errs, "\n"), strings.Join(want, "\n"), infos, tc.quiet, c.stdout.String(), c.stderr.String())
			}
			if n := len(c.exitCalls()); n != 0 {
				t.Errorf("%s: State.Exit called", tc.name)
			}
		}
	}
}

// TestRunFailOnNothingFired: with every condition asked for and none
// happening, the run exits 0 and says so for each.
func TestRunFailOnNothingFired(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `server.log("fine");`)
	code := c.run("run", "a.js", "--until-idle", "--fail-on", "all")
	c.expect(code, exitcode.OK, []string{"[Agent] fine\n"}, nil)
	lines := c.stdout.lines()
	want := []string{"[Status] agent stopped: idle, nothing left to do", "[Status] --fail-on error: none",
		"[Status] --fail-on connect: none", "[Status] --fail-on refused: none", "[Status] --fail-on lost: none"}
	if len(lines) < len(want) || strings.Join(lines[len(lines)-len(want):], "\n") != strings.Join(want, "\n") {
		t.Fatalf("the run does not end with\n%s\nstdout:\n%s", strings.Join(want, "\n"), c.stdout.String())
	}
}

// TestRunFailOnKeepsExit1: an exception in the top level still ends the
// run at once with 1, whatever --fail-on says.
func TestRunFailOnKeepsExit1(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `throw new Error("at the top");`)
	code := c.run("run", "a.js", "--until-idle", "--fail-on", "error")
	c.expect(code, exitcode.ScriptError, anything, []string{"[Agent] ERROR: a.js:1:7: Error: at the top\n"})
	if strings.Contains(c.stdout.String()+c.stderr.String(), "--fail-on") {
		t.Fatalf("a run that could not start printed a --fail-on summary:\n%s%s", c.stdout.String(), c.stderr.String())
	}
}

func TestRunFailOnUsage(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `server.log("x");`)
	code := c.run("run", "a.js", "--fail-on", "error,oops")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost run: --fail-on: unknown condition \"oops\": use error, connect, refused, lost, or all\n"})
}
