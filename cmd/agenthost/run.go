package main

import (
	"errors"
	"time"

	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/host"
	"github.com/agenthost/agenthost/scriptvm"
)

const runUsage = `Usage: agenthost run SCRIPT [flags]

Runs an agent script (JavaScript, or Squirrel when it ends in .nut) until
Ctrl-C/SIGTERM (clean disconnect, exit 0), until --for has elapsed, or with
--until-idle until nothing is pending (no timers, no connecting or connected
client, no queued work). A second Ctrl-C exits at once with code 130.

Agent lines go to stdout, errors to stderr. The agent URL is served on a
free 127.0.0.1 port (--http to choose); --device runs a device script whose
server.log lines are marked [Device].

--fail-on makes a run that went to its end fail (exit 4) when any of the
named conditions happened during it; the lines at exit say which fired:
  error    an uncaught exception (or unhandled rejection, or watchdog stop)
           in one of the agent's callbacks
  connect  a failed connect (onconnect with a non-zero code)
  refused  a limiter refusal (-12 buffer full, dropped log lines, HTTP 429,
           an inbound message over the size or rate limit)
  lost     a connection lost without the script asking (onconnectionlost)
  all      all of them

Exit codes:
  0    the run ended: Ctrl-C/SIGTERM, --for elapsed, or idle (--until-idle)
  1    the agent script has a syntax error or threw at its top level, or
       the --device script has a syntax error
  2    bad command line or config, a missing script or --device file, or
       a --report or --report-svg path that cannot be written
  3    the host could not do its part: the embedded broker or agent URL
       could not listen, the state directory is unusable, a report could
       not be written at the end
  4    a --fail-on condition happened during the run
  130  a second Ctrl-C ended the run without cleaning up

Flags:
`

// runCmd is `agenthost run`. Exit codes: see runUsage. Script errors and
// fired --fail-on conditions are already logged when it returns.
func runCmd(st *State, args []string) error {
	f := newFlags("run", runUsage)
	var cf configFlags
	cf.register(f, true, "the script")
	cf.registerLib(f)
	forDur := f.Duration("for", 0, "stop after `DURATION` (e.g. 30s, 5m); 0 runs until stopped")
	untilIdle := f.Bool("until-idle", false, "stop when nothing is pending")
	clockName := f.String("clock", "real", "`CLOCK`: real, or virtual to jump over idle time (timers, time(), date(), Date, limiters and --for all follow it)")
	reportFile := f.String("report", "", "write every rate-limiter decision and a summary to `FILE` (JSON, or CSV when FILE ends in .csv)")
	reportSVG := f.String("report-svg", "", "draw the rate limiters' requests over time (allowed, queued, refused) to `FILE` (SVG)")
	httpAddr := f.String("http", "", "serve the agent URL on `ADDR` (host:port, or off; default 127.0.0.1:0, a free port; config http.listen)")
	deviceScript := f.String("device", "", "run the device script `FILE` beside the agent (agent.on/send, server.log as [Device] lines, imp.wakeup, hardware.millis)")
	failOn := f.String("fail-on", "", "end with exit code 4 when any of the `CONDITIONS` (comma-separated: error, connect, refused, lost, or all) happened")
	verbose := f.Bool("verbose", false, "print the config file used (and how it was found) and the settings not at their defaults, with where each came from")
	pos, help, err := f.parse(st, args)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		return f.usageErr("want exactly one SCRIPT, got %d argument(s)", len(pos))
	}
	if *forDur < 0 {
		return f.argErr("--for must not be negative, got %s", *forDur)
	}
	fail, err := host.ParseFailOn(*failOn)
	if err != nil {
		return f.argErr("--fail-on: %v", err)
	}
	var clock scriptvm.Clock
	switch *clockName {
	case "real":
	case "virtual":
		clock = scriptvm.NewVirtualClock(time.Now().Truncate(time.Millisecond))
	default:
		return f.argErr("--clock must be real or virtual, got %q", *clockName)
	}
	script := st.path(pos[0])
	cfg, choice, err := cf.load(st, f, script)
	if err != nil {
		return err
	}
	if *httpAddr != "" {
		if err := cfg.Set("http.listen", *httpAddr, "flag --http"); err != nil {
			return exitcode.New(exitcode.Usage, err, "")
		}
	}
	var notes []string
	if *verbose {
		notes = verboseNotes(cfg, choice)
	}
	for _, out := range []struct{ flag, path string }{{"--report", *reportFile}, {"--report-svg", *reportSVG}} {
		if out.path != "" {
			if err := checkWritable(out.flag, st.path(out.path)); err != nil {
				return &argError{cmd: "run", err: err}
			}
		}
	}

	if st.SetMemoryLimit != nil && cfg.Limits.Memory > 0 && st.Getenv("GOMEMLIMIT") == "" {
		st.SetMemoryLimit(cfg.Limits.Memory + memoryLimitHeadroom)
	}
	ctx, stop := st.interruptContext()
	defer stop()
	_, err = host.Run(ctx, host.Options{
		Script:    script,
		Device:    st.path(*deviceScript),
		Config:    cfg,
		For:       *forDur,
		UntilIdle: *untilIdle,
		Stdout:    st.Stdout,
		Stderr:    st.Stderr,
		Clock:     clock,
		Report:    st.path(*reportFile),
		ReportSVG: st.path(*reportSVG),
		Summary:   st.Stdout,
		Notes:     notes,
		FailOn:    fail,
	})
	var se *scriptvm.ScriptError
	if errors.As(err, &se) {
		// host.Run has logged it, with its stack.
		return exitcode.Shown(err)
	}
	return err
}
