// Package fleet runs many agents of one script in one process: each with
// its own VM (a scriptvm loop), MQTT client, device id, imp.configparams,
// state directory and rate limiters, all built on host.NewSession, the
// script compiled once and shared. Agents start on a schedule (Ramp) so a
// broker is not stormed, a process may run one slice of a larger fleet
// (Shard), a live summary line counts connections, messages, refusals and
// errors, and a report gives every agent's counts at the end.
//
// Run is called from one goroutine; it starts one goroutine per agent
// (which owns that agent's loop and closes its session), one for the
// summary line, and returns only after all of them have ended.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/host"
	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/report"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/agenthost/agenthost/sqagent"
	"github.com/agenthost/agenthost/squirrel"
	"github.com/dop251/goja"
)

// SourceFleet marks the fleet's own log lines ("[Fleet]").
const SourceFleet = "Fleet"

// MaxAgents bounds a fleet's size (default device ids hold the index in
// 8 hex digits; a process runs far fewer).
const MaxAgents = 10_000_000

// MemoryPerAgent is what the default memory budget of a fleet process
// allows per agent on top of limits.memory's default (see Options).
const MemoryPerAgent = 1 << 20

// Options describe a fleet run.
type Options struct {
	Script string               // path of the agent script
	Config *configparams.Config // effective config; its configparams are every agent's template
	Agents int                  // agents in the whole fleet, all shards (1 to MaxAgents)
	// Rows, when not nil, are per-agent configparams (from a parameters
	// file, see LoadRows), overlaid on the template: agent k gets Rows[k].
	// RowNames name them in errors.
	Rows     []map[string]any
	RowNames []string
	Name     string // the fleet's name; default device ids derive from it
	Shard    Shard  // the slice this process runs; zero: Whole
	Ramp     Ramp
	// For stops the fleet this long after its start; 0: no limit.
	For time.Duration
	// UntilIdle lets each agent stop when nothing is pending for it; the
	// fleet ends when every agent has.
	UntilIdle bool

	// Stdout and Stderr get the fleet's lines and, unless AgentLog is
	// set, the agents' (errors on Stderr). They must accept concurrent
	// writes.
	Stdout, Stderr io.Writer
	// Terminal says Stdout is a terminal: the summary line is then
	// redrawn in place every StatusEvery (default 1 s); otherwise a
	// "[Fleet] status" line is written every StatusEvery (default 10 s).
	// A negative StatusEvery writes no periodic summary.
	Terminal    bool
	StatusEvery time.Duration
	// AgentLog, when set, gets every agent line (all levels) instead of
	// Stdout and Stderr; QuietAgents drops them (they are still counted).
	AgentLog    io.Writer
	QuietAgents bool

	// Report, when set, is where the per-agent counts are written: JSON,
	// or CSV when it ends in ".csv".
	Report string
	// CPUProfile and MemProfile, when set, are where a pprof CPU profile
	// of the whole run and a heap profile taken when the fleet is told to
	// stop (before its agents disconnect) are written.
	CPUProfile, MemProfile string

	// ConnectTimeout bounds an agent's connect attempt; 0 means 10 s.
	ConnectTimeout time.Duration
}

// Result is how a fleet run ended.
type Result struct {
	Reason string // "interrupted", "--for 30s elapsed", "every agent has ended"
	Totals Totals
}

// fleet is one Run.
type fleet struct {
	o      Options
	cfg    *configparams.Config
	params *Params
	prg    *goja.Program
	// squirrel is set when the script is Squirrel (.nut): prg then runs
	// the compiled program's main chunk in each agent's Squirrel runtime,
	// and chunks holds its lazily compiled functions, compiled once for
	// all agents.
	squirrel bool
	chunks   *squirrel.ChunkCache
	log      *hostlog.Clocked
	console  *console
	next     slog.Handler // the agents' lines go here; nil when quiet
	json     bool
	broker   *broker.Broker     // the shared embedded broker, or nil
	watch    *scriptvm.Watchdog // the agents' shared watchdog
	size     int                // agents in this shard
	begin    time.Time

	mu   sync.Mutex
	list []*agent // started agents, in start order

	running   sync.WaitGroup
	connected atomic.Int64 // agents with at least one open connection
	ended     atomic.Int64
	announced atomic.Bool
	allUp     chan struct{} // gets a value when every agent is connected, once

	fatalOnce sync.Once
	fatal     error
	agentCtx  context.Context // the agents' loops run until it is done
	stopAll   context.CancelFunc
}

// Run runs the fleet until ctx is cancelled, opts.For elapses, or every
// agent has ended. Errors carry their exit code (exitcode.Of): 2 for bad
// options (named), 1 when the script does not compile (already logged) or
// an agent's script failed (its error logged), 3 when the host cannot do
// its part (the broker, the state directory, the report).
func Run(ctx context.Context, o Options) (Result, error) {
	f := newFleet(o)
	if err := f.prepare(); err != nil {
		return Result{}, err
	}
	stopProfile, err := startCPUProfile(o.CPUProfile)
	if err != nil {
		return Result{}, err
	}
	defer stopProfile()
	if f.cfg.Broker == "" || f.cfg.Broker == configparams.DefaultBroker {
		if f.broker, err = host.StartBroker(f.cfg, f.log.Handler()); err != nil {
			return Result{}, err
		}
		defer func() {
			f.broker.Close()
			host.WarnBrokerDrops(f.log, f.broker, f.cfg)
		}()
		f.log.Log(SourceFleet, slog.LevelInfo, "embedded broker listening on "+host.BrokerNote(f.broker)+" (shared by the fleet's agents)")
	}
	res, err := f.run(ctx)
	if perr := stopProfile(); perr != nil && err == nil {
		err = perr
	}
	return res, err
}

func newFleet(o Options) *fleet {
	f := &fleet{o: o, allUp: make(chan struct{}, 1), json: o.Config.LogFormat == "json", watch: scriptvm.NewWatchdog()}
	if f.o.Shard.Count == 0 {
		f.o.Shard = Whole
	}
	f.console = &console{stdout: o.Stdout, stderr: o.Stderr, terminal: o.Terminal}
	f.log = hostlog.NewClocked(hostlog.NewHandler(f.console.out(), f.console.errOut(), f.json, nil), time.Now)
	switch {
	case o.QuietAgents:
	case o.AgentLog != nil:
		f.next = hostlog.NewHandler(o.AgentLog, o.AgentLog, f.json, nil)
	default:
		f.next = hostlog.NewHandler(f.console.out(), f.console.errOut(), f.json, nil)
	}
	return f
}

// prepare checks the options and builds the per-agent parameters and the
// shared program.
func (f *fleet) prepare() error {
	o := f.o
	usage := func(format string, a ...any) error { return exitcode.Errorf(exitcode.Usage, format, a...) }
	if o.Agents < 1 || o.Agents > MaxAgents {
		return usage("--agents must be from 1 to %d, got %d", MaxAgents, o.Agents)
	}
	f.size = f.o.Shard.Size(o.Agents)
	if f.size == 0 {
		return usage("shard %s of a fleet of %d agents has no agents (shard I runs agents I, I+N, I+2N...)", f.o.Shard, o.Agents)
	}
	cfg := *o.Config
	f.cfg = &cfg
	if f.o.Shard.Count > 1 && (cfg.Broker == "" || cfg.Broker == configparams.DefaultBroker) {
		return exitcode.New(exitcode.Usage, fmt.Errorf("--shard %s: the shards of a fleet run in separate processes and cannot share an embedded broker", f.o.Shard),
			"point every shard at one broker with --broker URL (e.g. run 'agenthost broker' or mosquitto)")
	}
	if err := f.httpListen(); err != nil {
		return err
	}
	if cfg.Sources["limits.memory"] == configparams.SourceDefault && cfg.Limits.Memory > 0 {
		cfg.Limits.Memory += int64(f.size) * MemoryPerAgent
	}
	var err error
	if f.params, err = NewParams(cfg.ConfigParams, o.Rows, o.RowNames, o.Name, o.Agents); err != nil {
		return exitcode.New(exitcode.Usage, err, "")
	}
	if sqagent.IsSquirrel(o.Script) {
		return f.compileSquirrel()
	}
	src, err := readScript(o.Script)
	if err != nil {
		return exitcode.New(exitcode.Usage, fmt.Errorf("script: %w", err), "")
	}
	if f.prg, err = scriptvm.Compile(filepath.Base(o.Script), src); err != nil {
		for _, line := range scriptvm.AsScriptError(err).Lines() {
			f.log.AgentError(line)
		}
		return exitcode.Shown(err)
	}
	return nil
}

// httpListen gives the agents no agent URL unless the config asks for
// one, and then only on a free port each (a fixed port cannot be shared).
func (f *fleet) httpListen() error {
	listen := f.cfg.HTTP.Listen
	if f.cfg.Sources["http.listen"] == configparams.SourceDefault {
		f.cfg.HTTP.Listen = "off"
		return nil
	}
	if listen == "" || listen == "off" || f.size == 1 {
		return nil
	}
	if _, port, err := net.SplitHostPort(listen); err == nil && port != "0" {
		return exitcode.New(exitcode.Usage, fmt.Errorf("http.listen %s (from %s): %d agents cannot share one port", listen, f.cfg.Sources["http.listen"], f.size),
			"use port 0 (a free port for each agent, e.g. 127.0.0.1:0) or off")
	}
	return nil
}

func (f *fleet) run(ctx context.Context) (Result, error) {
	o := f.o
	tm := RealTimer{}
	f.begin = tm.Now()
	var stopAt time.Time
	if o.For > 0 {
		stopAt = f.begin.Add(o.For)
	}
	f.warnFileLimit()
	f.log.Log(SourceFleet, slog.LevelInfo, f.startLine())

	// The agents stop when the fleet says so (after its snapshot), not
	// directly on ctx.
	agentCtx, stopAll := context.WithCancel(context.Background())
	defer stopAll()
	f.agentCtx, f.stopAll = agentCtx, stopAll
	rampCtx, stopRamp := context.WithCancel(agentCtx)
	defer stopRamp()
	rampDone := make(chan struct{})
	go func() {
		defer close(rampDone)
		runRamp(rampCtx, tm, f.begin, stopAt, o.Ramp, o.Shard, o.Agents, f.start)
	}()
	allEnded := make(chan struct{})
	go func() {
		<-rampDone
		f.running.Wait()
		close(allEnded)
	}()
	statusDone := make(chan struct{})
	statusStop := make(chan struct{})
	go func() { defer close(statusDone); f.status(statusStop) }()

	var deadline <-chan time.Time
	if !stopAt.IsZero() {
		t := time.NewTimer(time.Until(stopAt))
		defer t.Stop()
		deadline = t.C
	}
	reason := "every agent has ended"
	var stats processStats
	select {
	case <-ctx.Done():
		reason = "interrupted"
	case <-deadline:
		reason = "--for " + o.For.String() + " elapsed"
	case <-allEnded:
	case <-agentCtx.Done(): // a fatal error
		reason = "stopped by an error"
	}
	stats = f.snapshot()
	stopAll()
	<-rampDone
	<-allEnded
	close(statusStop)
	<-statusDone
	f.console.endStatus()

	tot := f.totals()
	f.log.Log(SourceFleet, slog.LevelInfo, "fleet stopped: "+reason)
	f.log.Log(SourceFleet, slog.LevelInfo, tot.Summary())
	var errs []error
	if f.fatal != nil {
		errs = append(errs, f.fatal)
	}
	if o.Report != "" {
		if err := f.writeReport(o.Report, reason, tot, stats); err != nil {
			errs = append(errs, exitcode.New(exitcode.Host, fmt.Errorf("--report: %w", err), "check that the report's directory exists and is writable"))
		} else {
			f.log.Log(SourceFleet, slog.LevelInfo, "report written to "+o.Report)
		}
	}
	if o.MemProfile != "" && stats.heapErr != nil {
		errs = append(errs, exitcode.New(exitcode.Host, fmt.Errorf("--memprofile: %w", stats.heapErr), ""))
	}
	if tot.Failed > 0 && f.fatal == nil {
		errs = append(errs, exitcode.Errorf(exitcode.ScriptError, "%d of %d agents stopped with a script error (logged above)", tot.Failed, tot.Started))
	}
	return Result{Reason: reason, Totals: tot}, errors.Join(errs...)
}

// fail records the first fatal error and stops every agent.
func (f *fleet) fail(err error) {
	f.fatalOnce.Do(func() {
		f.fatal = err
		f.stopAll()
	})
}

func (f *fleet) startLine() string {
	s := fmt.Sprintf("fleet %q: %d agents of %s", f.o.Name, f.size, f.o.Script)
	if f.o.Shard.Count > 1 {
		s += fmt.Sprintf(" (shard %s of a fleet of %d)", f.o.Shard, f.o.Agents)
	}
	s += ", ramp " + f.o.Ramp.String()
	if f.broker == nil {
		s += ", broker " + redactBroker(f.cfg.Broker)
	}
	return s
}

// agent is one agent of the fleet and its counts. The counters are
// written on the agent's loop and read by anyone; the end fields are
// written by its goroutine before it ends.
type agent struct {
	index    int
	deviceID string
	started  time.Time

	live                    atomic.Int32 // open connections
	connects, lost, in, out atomic.Int64
	errors                  atomic.Int64 // error lines
	firstConnect            atomic.Int64 // ns after its start, +1; 0: never connected
	rec                     atomic.Pointer[report.Recorder]
	endReason               string
	failed, connectedAtEnd  bool
}

// refused is how many requests the agent's limiters refused.
func (a *agent) refused() int64 {
	rec := a.rec.Load()
	if rec == nil {
		return 0
	}
	var n int64
	for _, s := range rec.Summaries() {
		n += int64(s.Refused)
	}
	return n
}

// start starts the agent with fleet index k (the ramp's goroutine).
func (f *fleet) start(k int) {
	params, id := f.params.For(k)
	a := &agent{index: k, deviceID: id, started: time.Now()}
	f.mu.Lock()
	f.list = append(f.list, a)
	f.mu.Unlock()
	f.running.Add(1)
	go func() {
		defer f.running.Done()
		defer f.ended.Add(1)
		f.runAgent(a, params)
	}()
}

// unsafeDirChars are replaced in a device id used as a directory name.
var unsafeDirChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// runAgent builds agent a's session and runs its loop until the fleet
// stops it or, with UntilIdle, it is idle. Its own goroutine.
func (f *fleet) runAgent(a *agent, params map[string]any) {
	cfg := *f.cfg
	cfg.ConfigParams = params
	cfg.StateDir = filepath.Join(f.cfg.StateDir, "agents", unsafeDirChars.ReplaceAllString(a.deviceID, "_"))
	sess, err := host.NewSession(host.SessionOptions{
		Config: &cfg, Handler: &agentHandler{next: f.next, a: a, text: !f.json},
		Broker: f.broker, ConnectTimeout: f.o.ConnectTimeout, Watchdog: f.watch,
	})
	if err == nil && f.squirrel {
		// each agent has a Squirrel runtime of its own; the program is
		// compiled once
		if _, err = sqagent.InstallShared(sess.Env, sess.Loop, f.chunks); err != nil {
			sess.Close()
		}
	}
	if err != nil {
		a.endReason = "not started: " + err.Error()
		f.fail(fmt.Errorf("agent %d: %w", a.index, err))
		return
	}
	ev := sess.Env.Events
	ev.OnOpened(func() {
		a.connects.Add(1)
		if a.live.Add(1) == 1 {
			a.firstConnect.CompareAndSwap(0, int64(time.Since(a.started))+1)
			if f.connected.Add(1) == int64(f.size) && f.announced.CompareAndSwap(false, true) {
				f.allUp <- struct{}{}
			}
		}
	})
	ev.OnClosed(func() {
		if a.live.Add(-1) == 0 {
			f.connected.Add(-1)
		}
	})
	ev.OnLost(func() { a.lost.Add(1) })
	ev.OnInbound(func(string) { a.in.Add(1) })
	ev.OnSent(func(string) { a.out.Add(1) })
	a.rec.Store(sess.Recorder)

	reason, err := sess.Loop.Run(f.agentCtx, f.prg, scriptvm.RunOptions{UntilIdle: f.o.UntilIdle})
	a.connectedAtEnd = a.live.Load() > 0
	sess.Close()
	if err != nil {
		a.failed = true
		a.endReason = "script error"
		for _, line := range scriptvm.AsScriptError(err).Lines() {
			sess.Log.AgentError(line)
		}
		return
	}
	a.endReason = map[scriptvm.StopReason]string{
		scriptvm.StoppedByContext:  "stopped",
		scriptvm.StoppedIdle:       "idle",
		scriptvm.StoppedAtDeadline: "deadline",
	}[reason]
}

// readScript reads the agent script.
func readScript(path string) (string, error) {
	data, err := os.ReadFile(path)
	return string(data), err
}

// compileSquirrel compiles a Squirrel script (with its @includes and the
// #require'd libraries of lib:) once for every agent of the fleet.
func (f *fleet) compileSquirrel() error {
	p, err := sqagent.Compile(f.o.Script, sqagent.LoadOptions{LibDir: f.cfg.Lib})
	var sre *sqagent.SourceError
	var se *scriptvm.ScriptError
	switch {
	case errors.As(err, &sre):
		return exitcode.New(exitcode.Usage, err, sre.Hint)
	case errors.As(err, &se):
		for _, line := range se.Lines() {
			f.log.AgentError(line)
		}
		return exitcode.Shown(err)
	case err != nil:
		return exitcode.New(exitcode.Usage, fmt.Errorf("script: %w", err), "")
	}
	if f.prg, err = p.Script(); err != nil {
		return exitcode.New(exitcode.Host, fmt.Errorf("squirrel: %w", err), "")
	}
	f.squirrel = true
	f.chunks = squirrel.NewChunkCache()
	return nil
}
