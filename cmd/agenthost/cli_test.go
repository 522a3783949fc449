package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
)

// commandNames are every command, as typed.
var commandNames = []string{"run", "fleet", "test", "broker", "limits", "version", "help"}

func TestNoCommandIsAUsageError(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	code := c.run()
	c.expect(code, exitcode.Usage, nil, []string{"agenthost: no command given\n\n" + mainUsage})
}

func TestUnknownCommandIsAUsageError(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	code := c.run("frobnicate", "x")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost: unknown command \"frobnicate\"\n\n" + mainUsage})
}

// TestHelpGoesToStdoutOnce: --help, -h and `help CMD` print the command's
// usage and flags on stdout exactly once, nothing on stderr, exit 0.
func TestHelpGoesToStdoutOnce(t *testing.T) {
	t.Parallel()
	flags := map[string][]string{
		"run":  {"-config FILE", "-broker BROKER", "-for DURATION", "-until-idle", "-log-format FORMAT", "-state-dir DIR", "-clock CLOCK", "-report FILE", "-report-svg FILE", "-fail-on CONDITIONS", "-verbose"},
		"test": {"-config FILE", "-agent SCRIPT", "-timeout duration", "-junit FILE", "-json", "-filter RE", "-stop-on-fail", "-clock CLOCK", "-verbose"},
		"fleet": {"-agents N", "-params FILE", "-shard I/N", "-ramp RATE", "-name NAME", "-for DURATION", "-until-idle",
			"-log DEST", "-status-every DURATION", "-report FILE", "-cpuprofile FILE", "-memprofile FILE",
			"-config FILE", "-broker BROKER", "-log-format FORMAT", "-state-dir DIR"},
		"broker":  {"-config FILE", "-listen ADDR", "-log-format FORMAT"},
		"limits":  {"-config FILE"},
		"version": nil,
		"help":    nil,
	}
	if len(flags) != len(commandNames) {
		t.Fatal("the table of flags does not cover every command")
	}
	for _, name := range commandNames {
		var first string
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {"help", name}, {"--help", name}} {
			c := newCLI(t)
			code := c.run(args...)
			out := c.stdout.String()
			c.expect(code, exitcode.OK, append([]string{"Usage: agenthost " + name}, flags[name]...), nil)
			if n := count(out, "Usage: agenthost "+name); n != 1 {
				t.Errorf("%v: the usage is printed %d times:\n%s", args, n, out)
			}
			if first == "" {
				first = out
			} else if out != first {
				t.Errorf("%v prints\n%s\nbut %s --help prints\n%s", args, out, name, first)
			}
		}
	}
}

// TestBadFlagIsAUsageError: every command refuses an unknown flag on
// stderr, naming it, with its usage once; exit 2; nothing on stdout.
func TestBadFlagIsAUsageError(t *testing.T) {
	t.Parallel()
	for _, name := range commandNames {
		c := newCLI(t)
		code := c.run(name, "--bogus")
		c.expect(code, exitcode.Usage, nil, []string{"agenthost " + name + ": flag provided but not defined: -bogus\n\nUsage: agenthost " + name})
		if n := count(c.stderr.String(), "Usage: agenthost "); n != 1 {
			t.Errorf("%s --bogus: the usage is printed %d times", name, n)
		}
	}
}

func TestMainHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"-help"}} {
		c := newCLI(t)
		code := c.run(args...)
		c.expect(code, exitcode.OK, []string{mainUsage}, nil)
		if out := c.stdout.String(); out != mainUsage {
			t.Errorf("%v printed more than the usage:\n%s", args, out)
		}
	}
}

func TestHelpForAnUnknownCommandIsAUsageError(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	code := c.run("help", "bogus")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost help: unknown command \"bogus\"\n\n" + mainUsage})

	c = newCLI(t)
	code = c.run("help", "run", "test")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost help: want at most one COMMAND, got 2\n\nUsage: agenthost help [COMMAND]"})
}

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"version", "--version", "-version"} {
		c := newCLI(t)
		code := c.run(arg)
		c.expect(code, exitcode.OK, []string{"agenthost "}, nil)
		out := c.stdout.String()
		if count(out, "\n") != 1 || !strings.HasPrefix(out, "agenthost ") || len(strings.TrimSpace(strings.TrimPrefix(out, "agenthost "))) == 0 {
			t.Errorf("%s printed %q, want one line \"agenthost VERSION\"", arg, out)
		}
	}
	c := newCLI(t)
	code := c.run("version", "extra")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost version: unexpected argument \"extra\"\n"})
}

// TestFinishPrintsOnceAndMaps checks the one place errors are printed and
// mapped: the message in the command's name, the hint, the usage, nothing
// for an error already shown, and the code.
func TestFinishPrintsOnceAndMaps(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"nil", nil, exitcode.OK, ""},
		{"unclassified is the host's", errors.New("disk on fire"), exitcode.Host, "agenthost: disk on fire\n"},
		{"hint", exitcode.New(exitcode.Host, errors.New("listen: address already in use"), " use another port \n"),
			exitcode.Host, "agenthost: listen: address already in use\nTry: use another port\n"},
		{"in a command's name", &argError{cmd: "run", err: exitcode.Errorf(exitcode.Usage, "--for must not be negative")},
			exitcode.Usage, "agenthost run: --for must not be negative\n"},
		{"with usage", &argError{cmd: "limits", err: exitcode.Errorf(exitcode.Usage, "bad"), usage: newFlags("limits", "Usage: agenthost limits\n").printUsage},
			exitcode.Usage, "agenthost limits: bad\n\nUsage: agenthost limits\n"},
		{"shown: code only", exitcode.Shown(exitcode.Errorf(exitcode.ScriptError, "a.js:1:1: SyntaxError")), exitcode.ScriptError, ""},
		{"shown inside an argError", &argError{cmd: "test", err: exitcode.Shown(exitcode.Errorf(exitcode.Usage, "1 file could not be loaded"))}, exitcode.Usage, ""},
	} {
		c := newCLI(t)
		if code := finish(c.state(nil), tc.err); code != tc.code {
			t.Errorf("%s: code %d, want %d", tc.name, code, tc.code)
		}
		if got := c.stderr.String(); got != tc.stderr {
			t.Errorf("%s: stderr %q, want %q", tc.name, got, tc.stderr)
		}
		if got := c.stdout.String(); got != "" {
			t.Errorf("%s: stdout %q", tc.name, got)
		}
	}
}
