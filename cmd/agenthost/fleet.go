package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/fleet"
	"github.com/agenthost/agenthost/scriptvm"
)

const fleetUsage = `Usage: agenthost fleet SCRIPT --agents N [flags]

Runs N agents of SCRIPT in this process, each with its own VM, MQTT client,
device id, imp.configparams, state directory (STATE_DIR/agents/DEVICEID)
and rate limiters; the script is compiled once. Runs until Ctrl-C/SIGTERM
(every agent disconnects cleanly), until --for has elapsed, or with
--until-idle until every agent is idle.

imp.configparams is a template: in its strings {{index}} is the agent's
index (0 to N-1; a value that is exactly "{{index}}" becomes a number) and
{{deviceid}} its device id. A deviceid in the template or in --params sets
the device id ({{index}} allowed); otherwise it is 8 hex digits of a hash
of --name followed by the index in 8 hex digits. --params gives each agent
its own values: a CSV file (a header row of keys, then one row per agent,
values as strings) or a YAML list of mappings, row k for agent k, over the
template.

Agents start at --ramp agents a second: agent k at k/RATE seconds. With
the embedded broker (the default) one broker serves the whole fleet. Each
agent has no agent URL unless http.listen is set (port 0: one free port
each). limits.memory bounds the Go heap of the whole process, which the
agents share: by default 256 MiB plus 1 MiB per agent. A
fleet too big for one machine runs as N processes, --shard I/N each
(I = 0..N-1; shard I runs agents I, I+N, I+2N...), all pointed at one
broker with --broker.

A summary line (agents started and connected, messages in and out, limiter
refusals, error lines) is redrawn every second on a terminal, or written
every 10 s otherwise; the totals are written at the end and --report
writes every agent's counts. Agent lines are marked with the agent's index
("[Agent 17]").

Exit codes:
  0    the fleet ended: Ctrl-C/SIGTERM, --for elapsed, or every agent idle
       (--until-idle)
  1    the script does not compile, or an agent's script threw at its top
       level (the other agents run on)
  2    bad command line, config, template or --params file; a missing
       script; a --report, --cpuprofile or --memprofile path that cannot
       be written
  3    the host could not do its part: the embedded broker could not
       listen, a report or profile could not be written at the end
  130  a second Ctrl-C ended the fleet without cleaning up

Flags:
`

// fleetArgs are fleet's command line, checked but with nothing loaded.
type fleetArgs struct {
	cf                       configFlags
	script                   string
	agents                   int
	params, name, logDest    string
	shard                    fleet.Shard
	ramp                     fleet.Ramp
	forDur                   time.Duration
	untilIdle                bool
	statusEvery              time.Duration
	report, cpuProf, memProf string
}

// parseFleetArgs parses and checks fleet's command line. help is true
// when --help was shown.
func parseFleetArgs(st *State, args []string) (a *fleetArgs, f *cmdFlags, help bool, err error) {
	f = newFlags("fleet", fleetUsage)
	a = &fleetArgs{}
	a.cf.register(f, true, "the script")
	a.cf.registerLib(f)
	f.IntVar(&a.agents, "agents", 0, "`N` agents in the whole fleet, all shards (default: the rows of --params)")
	f.StringVar(&a.params, "params", "", "per-agent configparams from `FILE`: .csv (header row of keys, a row per agent) or .yaml/.yml (a list of mappings)")
	shard := f.String("shard", "0/1", "run slice `I/N` of the fleet: agents I, I+N, I+2N... (I from 0; e.g. $JOB_COMPLETION_INDEX/N)")
	ramp := f.String("ramp", "100/s", "start agents at `RATE` for the whole fleet: N/s, N/min, N/h, or off for all at once")
	f.StringVar(&a.name, "name", "", "fleet `NAME`: default device ids derive from it (default: the script's file name without .js)")
	f.DurationVar(&a.forDur, "for", 0, "stop after `DURATION` from the fleet's start (e.g. 30s, 5m); 0 runs until stopped")
	f.BoolVar(&a.untilIdle, "until-idle", false, "stop each agent when nothing is pending for it; the fleet ends when all have")
	f.StringVar(&a.logDest, "log", "-", "agent lines go to `DEST`: - (stdout, errors to stderr), off, or a FILE")
	status := f.String("status-every", "auto", "summary line every `DURATION` (auto: 1s in place on a terminal, else 10s as a line; off: none)")
	f.StringVar(&a.report, "report", "", "write every agent's counts to `FILE` at the end (JSON, or CSV when FILE ends in .csv)")
	f.StringVar(&a.cpuProf, "cpuprofile", "", "write a pprof CPU profile of the run to `FILE`")
	f.StringVar(&a.memProf, "memprofile", "", "write a pprof heap profile to `FILE` when the fleet is told to stop (before its agents disconnect)")
	pos, help, err := f.parse(st, args)
	if help || err != nil {
		return nil, f, help, err
	}
	if len(pos) != 1 {
		return nil, f, false, f.usageErr("want exactly one SCRIPT, got %d argument(s)", len(pos))
	}
	a.script = pos[0]
	set := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	switch {
	case !set["agents"] && a.params == "":
		return nil, f, false, f.usageErr("--agents N is required (or --params FILE, one agent per row)")
	case set["agents"] && (a.agents < 1 || a.agents > fleet.MaxAgents):
		return nil, f, false, f.argErr("--agents must be from 1 to %d, got %d", fleet.MaxAgents, a.agents)
	case a.forDur < 0:
		return nil, f, false, f.argErr("--for must not be negative, got %s", a.forDur)
	}
	if a.shard, err = fleet.ParseShard(*shard); err != nil {
		return nil, f, false, f.argErr("--shard: %v", err)
	}
	if a.ramp, err = fleet.ParseRamp(*ramp); err != nil {
		return nil, f, false, f.argErr("--ramp: %v", err)
	}
	switch *status {
	case "auto":
	case "off":
		a.statusEvery = -1
	default:
		d, err := time.ParseDuration(*status)
		if err != nil || d <= 0 {
			return nil, f, false, f.argErr("--status-every must be auto, off or a positive duration such as 5s, got %q", *status)
		}
		a.statusEvery = d
	}
	if a.name == "" {
		a.name = strings.TrimSuffix(filepath.Base(a.script), filepath.Ext(a.script))
	}
	return a, f, false, nil
}

// fleetCmd is `agenthost fleet`. Exit codes: 1 when the script does not
// compile or an agent's script failed (already logged), 2 for the command
// line, config, script or parameters file, 3 when the host cannot do its
// part.
func fleetCmd(st *State, args []string) error {
	a, f, help, err := parseFleetArgs(st, args)
	if help || err != nil {
		return err
	}
	script := st.path(a.script)
	cfg, _, err := a.cf.load(st, f, script)
	if err != nil {
		return err
	}
	for _, out := range []struct{ flag, path string }{{"--report", a.report}, {"--cpuprofile", a.cpuProf}, {"--memprofile", a.memProf}} {
		if out.path != "" {
			if err := checkWritable(out.flag, st.path(out.path)); err != nil {
				return &argError{cmd: "fleet", err: err}
			}
		}
	}
	o := fleet.Options{
		Script: script, Config: cfg, Agents: a.agents, Name: a.name, Shard: a.shard, Ramp: a.ramp,
		For: a.forDur, UntilIdle: a.untilIdle, Stdout: st.Stdout, Stderr: st.Stderr,
		Terminal: isTerminal(st.Stdout), StatusEvery: a.statusEvery,
		Report: st.path(a.report), CPUProfile: st.path(a.cpuProf), MemProfile: st.path(a.memProf),
	}
	if a.params != "" {
		if o.Rows, o.RowNames, err = fleet.LoadRows(st.path(a.params)); err != nil {
			return &argError{cmd: "fleet", err: exitcode.New(exitcode.Usage, err, "")}
		}
		if o.Agents == 0 {
			o.Agents = len(o.Rows)
		}
		if o.Agents == 0 {
			return f.argErr("--params %s has no rows: no agents to run", a.params)
		}
	}
	switch a.logDest {
	case "-":
	case "off":
		o.QuietAgents = true
	default:
		out, err := os.Create(st.path(a.logDest))
		if err != nil {
			return &argError{cmd: "fleet", err: exitcode.New(exitcode.Host, fmt.Errorf("--log: %w", err), "choose a writable file, - for stdout, or off")}
		}
		defer out.Close()
		o.AgentLog = out
	}
	if o.MemProfile != "" {
		// Sample every 64 KiB rather than every 512 KiB, so the profile
		// sees the small objects each agent holds. (A process-wide
		// setting, made once, before the agents allocate.)
		runtime.MemProfileRate = 64 << 10
	}
	ctx, stop := st.interruptContext()
	defer stop()
	_, err = fleet.Run(ctx, o)
	var se *scriptvm.ScriptError
	switch {
	case errors.As(err, &se):
		return exitcode.Shown(err) // logged with its stack
	case err != nil:
		return &argError{cmd: "fleet", err: err}
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && fi.Mode()&os.ModeDevice != 0
}
