package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/agenthost/agenthost/exitcode"
)

// State is the process as the CLI sees it. main builds it from the real
// process; tests build one per run, so commands run in-process, in
// parallel, each in its own directory. Commands read it from the goroutine
// that called [Run]; Stdout and Stderr are also written by the goroutines a
// run starts (log lines, the signal watcher).
type State struct {
	Args []string // the arguments after the program name
	// Stdout and Stderr get the output; they must accept concurrent writes.
	Stdout, Stderr io.Writer
	Getenv         func(string) string // the environment (AGENTHOST_*)
	// Dir is the working directory: relative paths on the command line, in
	// AGENTHOST_* values and the agenthost.yaml looked for "in the working
	// directory" are taken from it. "." is the process's own, and leaves
	// relative paths as the user typed them.
	Dir string
	// Notify and StopNotify are signal.Notify and signal.Stop, or a test's
	// stand-ins that deliver fake signals.
	Notify     func(c chan<- os.Signal, sig ...os.Signal)
	StopNotify func(c chan<- os.Signal)
	// Exit ends the process at once with a code. Only a second interrupt
	// calls it (with exitcode.Forced); every other ending returns from Run.
	Exit func(code int)
	// SetMemoryLimit sets the Go runtime's soft memory limit
	// (debug.SetMemoryLimit) for a run whose limits.memory is on, unless
	// GOMEMLIMIT is in the environment; nil leaves the process as it is.
	SetMemoryLimit func(bytes int64)
}

// path resolves p against the working directory st.Dir; "" stays "".
func (st *State) path(p string) string {
	if p == "" || filepath.IsAbs(p) || st.Dir == "." {
		return p
	}
	return filepath.Join(st.Dir, p)
}

const mainUsage = `agenthost runs Electric Imp agent scripts (Squirrel .nut as written for the imp, or
JavaScript) on this machine, with the imp's MQTT, server and imp APIs, against an
embedded MQTT broker or a real one.

Usage:
  agenthost run SCRIPT [flags]     run an agent script
  agenthost fleet SCRIPT --agents N [flags]
                                   run N agents of a script in one process (or one shard of them)
  agenthost broker [flags]         run the embedded MQTT broker alone
  agenthost limits [flags]         print the effective rate limits and where each value came from
  agenthost test [flags] [PATH...] run impUnit-style *.test.js and *.test.nut files against agent scripts
  agenthost version                print the version
  agenthost help [COMMAND]         show help

Run 'agenthost help COMMAND' for the flags and exit codes of a command.

Exit codes:
  0    ok
  1    script error (run, fleet), a test failed (test)
  2    usage or config error: no or unknown command, bad flag or argument
  3    host error: the host could not do its part
  4    run --fail-on: a condition it names happened during the run
  130  a second Ctrl-C ended the command without cleaning up
`

func printMainUsage(w io.Writer) { fmt.Fprint(w, mainUsage) }

// commandFunc runs one command with the arguments after its name. It
// returns nil on success or an error carrying its exit code (see package
// exitcode); it prints nothing about the error itself.
type commandFunc func(st *State, args []string) error

// lookup returns the command named name (or one of its aliases).
func lookup(name string) (commandFunc, bool) {
	switch name {
	case "run":
		return runCmd, true
	case "fleet":
		return fleetCmd, true
	case "test":
		return testCmd, true
	case "broker":
		return brokerCmd, true
	case "limits":
		return limitsCmd, true
	case "version", "--version", "-version":
		return versionCmd, true
	case "help", "-h", "-help", "--help":
		return helpCmd, true
	}
	return nil, false
}

// Run runs the command named by st.Args and returns the process's exit
// code. It is the one place an error is printed (with its "Try:" hint and,
// for a bad command line, the usage) and mapped to its code.
func Run(st *State) int {
	return finish(st, dispatch(st))
}

func dispatch(st *State) error {
	if len(st.Args) == 0 {
		return &argError{err: exitcode.Errorf(exitcode.Usage, "no command given"), usage: printMainUsage}
	}
	cmd, ok := lookup(st.Args[0])
	if !ok {
		return &argError{err: exitcode.Errorf(exitcode.Usage, "unknown command %q", st.Args[0]), usage: printMainUsage}
	}
	return cmd(st, st.Args[1:])
}

// finish prints err (unless it was shown already) and returns its code.
func finish(st *State, err error) int {
	code := exitcode.Of(err)
	if err == nil || exitcode.IsShown(err) {
		return code
	}
	prefix := "agenthost"
	var ae *argError
	if errors.As(err, &ae) && ae.cmd != "" {
		prefix += " " + ae.cmd
	}
	fmt.Fprintf(st.Stderr, "%s: %v\n", prefix, err)
	if h := exitcode.HintOf(err); h != "" {
		fmt.Fprintf(st.Stderr, "Try: %s\n", strings.TrimSpace(h))
	}
	if ae != nil && ae.usage != nil {
		fmt.Fprintln(st.Stderr)
		ae.usage(st.Stderr)
	}
	return code
}

// argError is an error about a command's own command line (or one the
// command reports in its own name): printed as "agenthost CMD: message",
// followed by the usage when usage is set. Its exit code is the wrapped
// error's.
type argError struct {
	cmd   string          // "" for the top level
	err   error           // carries the exit code
	usage func(io.Writer) // nil: no usage after the message
}

func (e *argError) Error() string { return e.err.Error() }
func (e *argError) Unwrap() error { return e.err }
