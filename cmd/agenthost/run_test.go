package main

import (
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
)

func TestRunUntilIdle(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `server.log("hello " + 5.1); server.error("careful");`)
	code := c.run("run", "a.js", "--until-idle")
	c.expect(code, exitcode.OK, []string{"[Agent] hello 5.1\n", "[Status] agent stopped: idle, nothing left to do\n"}, []string{"[Agent] ERROR: careful\n"})
	if n := len(c.stderr.lines()); n != 1 {
		t.Fatalf("stderr has %d lines, want the one server.error line:\n%s", n, c.stderr.String())
	}
}

// TestRunForOnTheVirtualClock: --for ends the run after the agent's time
// has passed, and a one-hour timer fires without an hour going by.
func TestRunForOnTheVirtualClock(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `imp.wakeup(3600, function () { server.log("an hour later"); });`)
	code := c.run("run", "--clock", "virtual", "--for", "2h", "a.js")
	c.expect(code, exitcode.OK, []string{"[Agent] an hour later\n", "[Status] agent stopped: --for 2h0m0s elapsed\n"}, nil)
}

// TestRunPathsAreTakenFromTheWorkingDirectory: the script, the default
// state directory, the report and the agenthost.yaml beside the script are
// found in the injected working directory.
func TestRunPathsAreTakenFromTheWorkingDirectory(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("sub/a.js", `server.log(imp.configparams.who);`)
	c.write("sub/agenthost.yaml", "configparams: {who: beside-the-script}\n")
	c.write("agenthost.yaml", "configparams: {who: working-directory}\n")
	code := c.run("run", "sub/a.js", "--until-idle", "--report", "r.json", "--state-dir", "st")
	c.expect(code, exitcode.OK, []string{"[Agent] beside-the-script\n"}, nil)
	for _, p := range []string{"r.json", "st/deviceid"} {
		if _, err := os.Stat(c.path(p)); err != nil {
			t.Errorf("%s not in the working directory: %v", p, err)
		}
	}

	c = newCLI(t)
	c.write("a.js", `server.log(imp.configparams.who);`)
	c.write("agenthost.yaml", "configparams: {who: working-directory}\n")
	code = c.run("run", "a.js", "--until-idle")
	c.expect(code, exitcode.OK, []string{"[Agent] working-directory\n"}, nil)
	if _, err := os.Stat(c.path(".agenthost/deviceid")); err != nil {
		t.Errorf("the default state directory is not in the working directory: %v", err)
	}
}

// TestRunEnvironment: AGENTHOST_* values come from the injected
// environment, below flags.
func TestRunEnvironment(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `server.log("hi");`)
	c.env["AGENTHOST_LOG_FORMAT"] = "json"
	code := c.run("run", "a.js", "--until-idle")
	c.expect(code, exitcode.OK, []string{`"source":"Agent"`, `"msg":"hi"`}, nil)

	c = newCLI(t)
	c.write("a.js", `server.log("hi");`)
	c.env["AGENTHOST_LOG_FORMAT"] = "json"
	code = c.run("run", "a.js", "--until-idle", "--log-format", "text")
	c.expect(code, exitcode.OK, []string{"[Agent] hi\n"}, nil)
}

// TestRunInterrupted: a signal ends a running agent cleanly with exit 0.
func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `server.log("up"); imp.wakeup(3600, function () { server.log("woke"); });`)
	r := c.start("run", "a.js")
	c.stdout.awaitLine(t, "[Agent] up")
	if n := c.signals.send(os.Interrupt); n != 1 {
		t.Fatalf("%d signal channels registered, want 1", n)
	}
	code := r.wait()
	c.expect(code, exitcode.OK, []string{"[Status] agent stopped: interrupted\n"}, nil)
	if strings.Contains(c.stdout.String(), "woke") || c.signals.registered() != 0 {
		t.Fatalf("the timer fired or signals are still watched:\n%s", c.stdout.String())
	}
}

// TestRunSecondInterruptExits130: when shutdown is stuck (the report is a
// FIFO nobody reads), a second signal calls Exit(130) at once, with a line
// on stderr.
func TestRunSecondInterruptExits130(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	fifo := c.path("blocked.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	c.write("a.js", `for (let i = 0; i < 3000; i++) server.log("line " + i); server.log("up");`)
	r := c.start("run", "a.js", "--report", "blocked.json", "--until-idle")
	c.stdout.awaitLine(t, "[Agent] up")
	c.signals.send(os.Interrupt)
	c.signals.send(os.Interrupt)
	c.stderr.awaitLine(t, "agenthost: second interrupt, exiting without cleanup")
	select {
	case code := <-c.exits:
		if code != exitcode.Forced {
			t.Fatalf("Exit(%d), want Exit(130)", code)
		}
	default:
		t.Fatal("the second interrupt printed its line but did not call Exit")
	}
	// The real process would be gone; here the stuck report is read so
	// the run can end and leave no goroutine behind.
	f, err := os.Open(fifo)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, f)
	f.Close()
	r.wait()
	if calls := c.exitCalls(); len(calls) != 0 {
		t.Fatalf("Exit called again: %v", calls)
	}
}

// TestRunScriptErrorsExit1: a syntax error or a throw in the top level is
// logged once as [Agent] ERROR lines, with exit 1 and no other message.
func TestRunScriptErrorsExit1(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ src, want string }{
		{"let x = ;", "[Agent] ERROR: a.js:1:9: SyntaxError"},
		{"function f() { throw new RangeError(\"top\"); }\nf();", "[Agent] ERROR: a.js:1:22: RangeError: top"},
	} {
		c := newCLI(t)
		c.write("a.js", tc.src)
		code := c.run("run", "a.js", "--until-idle")
		c.expect(code, exitcode.ScriptError, anything, []string{tc.want})
		for _, l := range c.stderr.lines() {
			if !strings.HasPrefix(l, "[Agent] ERROR: ") {
				t.Errorf("%q: stderr line %q is not an agent error line", tc.src, l)
			}
		}
		if n := count(c.stderr.String(), tc.want); n != 1 {
			t.Errorf("%q: the error is printed %d times:\n%s", tc.src, n, c.stderr.String())
		}
	}
}

func TestRunUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no script", []string{"run"}, nil, "agenthost run: want exactly one SCRIPT, got 0 argument(s)\n\nUsage: agenthost run SCRIPT"},
		{"two scripts", []string{"run", "a.js", "b.js"}, nil, "agenthost run: want exactly one SCRIPT, got 2 argument(s)\n\nUsage: agenthost run SCRIPT"},
		{"missing script", []string{"run", "missing.js"}, nil, "agenthost: script: open {dir}/missing.js: no such file or directory\n"},
		{"bad duration", []string{"run", "a.js", "--for", "soon"}, nil, "agenthost run: invalid value \"soon\" for flag -for: parse error\n\nUsage: agenthost run SCRIPT"},
		{"negative --for", []string{"run", "a.js", "--for", "-1s"}, nil, "agenthost run: --for must not be negative, got -1s\n"},
		{"bad clock", []string{"run", "a.js", "--clock", "sundial"}, nil, "agenthost run: --clock must be real or virtual, got \"sundial\"\n"},
		{"bad config", []string{"run", "a.js", "--config", "bad.yaml"}, nil, "agenthost: {dir}/bad.yaml:3:1: unknown key \"brokr\" (did you mean \"broker\"?)\n"},
		{"missing config", []string{"run", "a.js", "--config", "nope.yaml"}, nil, "agenthost: {dir}/nope.yaml: config file not found\n"},
		{"bad flag value", []string{"run", "a.js", "--log-format", "xml"}, nil, "agenthost: flag --log-format: log_format: "},
		{"bad broker", []string{"run", "a.js", "--broker", "http://x"}, nil, "agenthost: flag --broker: broker: "},
		{"bad env", []string{"run", "a.js"}, map[string]string{"AGENTHOST_BROKER": "http://x"}, "agenthost: env AGENTHOST_BROKER: broker: "},
	} {
		c := newCLI(t)
		c.write("a.js", `server.log("x");`)
		c.write("bad.yaml", "broker: embedded\nstate_dir: .st\nbrokr: x\n")
		for k, v := range tc.env {
			c.env[k] = v
		}
		code := c.run(tc.args...)
		c.expect(code, exitcode.Usage, nil, []string{strings.ReplaceAll(tc.want, "{dir}", c.dir)})
		if t.Failed() {
			t.Fatalf("case %q", tc.name)
		}
	}
}

// TestRunHostErrorsExit3: what the host cannot do ends the run with 3, the
// error and a Try: line.
func TestRunHostErrorsExit3(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `server.log("x");`)
	busy := busyAddr(t)
	c.write("agenthost.yaml", "embedded: {listen: "+busy+"}\n")
	code := c.run("run", "a.js", "--until-idle")
	c.expect(code, exitcode.Host, nil, []string{"agenthost: ", "address already in use", "\nTry: set embedded.listen to a free address, or 127.0.0.1:0 for any free port\n"})

	c = newCLI(t)
	c.write("a.js", `server.log("x");`)
	c.write("st", "a file, not a directory")
	code = c.run("run", "a.js", "--until-idle", "--state-dir", "st")
	c.expect(code, exitcode.Host, nil, []string{"agenthost: state_dir: mkdir " + c.path("st") + ": not a directory\n", "Try: set state_dir (or --state-dir) to a writable directory\n"})

	// A report that cannot be written at the end (the disk is full).
	c = newCLI(t)
	c.write("a.js", `server.log("ran");`)
	code = c.run("run", "a.js", "--until-idle", "--report", "/dev/full")
	c.expect(code, exitcode.Host, []string{"[Agent] ran\n"}, []string{"[Status] ERROR: report: write /dev/full: no space left on device\n",
		"agenthost: report: write /dev/full: no space left on device\n", "Try: check that the report's directory exists and is writable\n"})
}

// TestRunOutputPathsCheckedFirst: a --report or --report-svg path that
// cannot be written is exit 2 before the agent starts (nothing on stdout),
// naming the flag and the path; the check leaves an existing file as it
// was and no new file behind.
func TestRunOutputPathsCheckedFirst(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `server.log("ran");`)
	code := c.run("run", "a.js", "--until-idle", "--report", "no/dir/r.json")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost run: --report: open " + c.path("no/dir/r.json") +
		": no such file or directory\nTry: create the directory, or give --report a writable path\n"})

	c = newCLI(t)
	c.write("a.js", `server.log("ran");`)
	c.write("d/x", "")
	code = c.run("run", "a.js", "--until-idle", "--report-svg", "d")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost run: --report-svg: open " + c.path("d") + ": is a directory\n"})

	c = newCLI(t)
	c.write("old.json", "previous")
	code = c.run("run", "missing.js", "--report", "old.json", "--report-svg", "new.svg")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost: script: open " + c.path("missing.js") + ": no such file or directory\n"})
	if data, err := os.ReadFile(c.path("old.json")); err != nil || string(data) != "previous" {
		t.Errorf("the existing report was changed: %q, %v", data, err)
	}
	if _, err := os.Stat(c.path("new.svg")); err == nil {
		t.Errorf("the check left new.svg behind")
	}
}
