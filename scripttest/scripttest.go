// Package scripttest runs impUnit-style test files (*.test.js) against
// agent scripts: each file in a fresh VM with a fresh embedded broker that
// the tests can drive and make misbehave, on the virtual clock by default.
// It is what `agenthost test` runs.
package scripttest

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/host"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/parser"
)

//go:embed impunit.js
var preludeSource string

// Options configure a test run.
type Options struct {
	Paths      []string             // files and directories (searched recursively for *.test.js); empty means "."
	Agent      string               // agent script loaded before every test file; "" means X.js beside X.test.js, if present
	Config     *configparams.Config // config for every file when ConfigFor is nil (its broker is always the embedded one)
	Timeout    time.Duration        // per setUp, test and tearDown; 0 means 30 s
	Filter     string               // a regular expression: run only tests whose "Case.method" it matches
	StopOnFail bool                 // stop at the first failure
	RealClock  bool                 // run on the real clock instead of the virtual one
	// ConfigFor, when set, returns the config of one test file and how it
	// was found ("beside a.test.js"); an error is the file's load error.
	ConfigFor func(testFile string) (cfg *configparams.Config, from string, err error)
	// Observer, when set, sees the run as it happens.
	Observer Observer

	filter *regexp.Regexp // Filter, compiled by Run
}

// Status of one test.
const (
	Passed  = "passed"
	Failed  = "failed" // an assertion failed or the test timed out
	Errored = "error"  // the test threw something other than an assertion
)

// TestResult is the outcome of one test method (or of a failing setUp or
// tearDown, reported under that name).
type TestResult struct {
	File       string
	Case       string
	Method     string
	Status     string
	Message    string
	Location   string // "file.test.js:12" of the failing assertion or throw
	Expected   string
	Actual     string
	HasValues  bool
	Assertions int
	Duration   time.Duration
	Start      time.Time // wall time the test (or its failed setUp) began
	Line       int       // where the method is declared in File; 0 when unknown
	Info       []string  // info() lines
	Logs       []string  // the log lines during the test: "[Agent] text", "[Status] text"
}

// FileResult is the outcome of one test file.
type FileResult struct {
	File      string
	Agent     string // the agent script loaded, "" if none
	LoadError string // the file (or its agent) could not be loaded: no test ran
	Tests     []TestResult
	Duration  time.Duration
	Start     time.Time // wall time the file began
	// Config is the config file the file ran with ("" for the defaults),
	// ConfigFrom how it was found.
	Config, ConfigFrom string
}

// Result is a whole run.
type Result struct {
	Files    []FileResult
	Duration time.Duration
	Start    time.Time // wall time the run began
	Filter   string    // Options.Filter
}

// Counts returns the totals of a run. A file that could not be loaded
// counts as one test (named LoadTest) with an error, as it does in the
// JUnit XML and the JSON events, so every total agrees.
func (r Result) Counts() (tests, assertions, failures, errs int) {
	for _, f := range r.Files {
		if f.LoadError != "" {
			tests, errs = tests+1, errs+1 // the one errored test LoadTest
		}
		for _, t := range f.Tests {
			tests++
			assertions += t.Assertions
			switch t.Status {
			case Failed:
				failures++
			case Errored:
				errs++
			}
		}
	}
	return
}

// Err is the run's outcome as an error carrying its exit code
// (exitcode.Of): nil when every test passed, code 2 (exitcode.Usage) when a
// file or its agent could not be loaded or Filter matched no test, else
// code 1 (exitcode.ScriptError) when a test failed or threw. The message
// only counts; the details are in the Result.
func (r Result) Err() error {
	loads := 0
	for _, f := range r.Files {
		if f.LoadError != "" {
			loads++
		}
	}
	if loads > 0 {
		return exitcode.Errorf(exitcode.Usage, "%d test file(s) could not be loaded", loads)
	}
	if r.NoMatch() {
		return noMatch(r.Filter, len(r.Files))
	}
	if _, _, failures, errs := r.Counts(); failures+errs > 0 {
		return exitcode.Errorf(exitcode.ScriptError, "%d test(s) failed, %d threw", failures, errs)
	}
	return nil
}

// NoMatch reports whether Filter was set and matched no test in files
// that all loaded.
func (r Result) NoMatch() bool {
	tests, _, _, _ := r.Counts()
	return r.Filter != "" && tests == 0
}

// LoadErrors reports whether any file could not be loaded.
func (r Result) LoadErrors() bool {
	for _, f := range r.Files {
		if f.LoadError != "" {
			return true
		}
	}
	return false
}

// Find returns the *.test.js files named by paths (directories searched
// recursively, hidden directories and node_modules skipped), sorted. A path
// that does not exist is an error naming it.
func Find(paths []string) ([]string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	seen := map[string]bool{}
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("test path %s: %w", p, errors.Unwrap(err))
		}
		if !st.IsDir() {
			if !seen[p] {
				seen[p] = true
				files = append(files, p)
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".test.js") && !seen[path] {
				seen[path] = true
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("test path %s: %w", p, err)
		}
	}
	sort.Strings(files)
	return files, nil
}

// Run runs every test file. The error is for problems before any test
// ran (no files, a bad path, a missing --agent, a Filter that is not a
// regular expression) and carries exit code 2 (exitcode.Usage); failures
// are in the Result (see [Result.Err]). progress, if not nil, is called
// after each file.
func Run(ctx context.Context, opts Options, progress func(FileResult)) (Result, error) {
	var err error
	if opts.filter, err = compileFilter(opts.Filter); err != nil {
		return Result{}, err
	}
	files, err := Find(opts.Paths)
	if err != nil {
		return Result{}, exitcode.New(exitcode.Usage, err, "")
	}
	if len(files) == 0 {
		return Result{}, exitcode.Errorf(exitcode.Usage, "no *.test.js files in %s", strings.Join(orDot(opts.Paths), ", "))
	}
	if opts.Agent != "" {
		if _, err := os.Stat(opts.Agent); err != nil {
			return Result{}, exitcode.Errorf(exitcode.Usage, "--agent: %w", err)
		}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	start := time.Now()
	res := Result{Start: start, Filter: opts.Filter}
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		fr := runFile(ctx, f, opts)
		res.Files = append(res.Files, fr)
		if progress != nil {
			progress(fr)
		}
		if opts.Observer != nil {
			opts.Observer.FileEnd(fr)
		}
		if opts.StopOnFail {
			if _, _, fails, errs := (Result{Files: []FileResult{fr}}).Counts(); fails+errs > 0 {
				break
			}
		}
	}
	res.Duration = time.Since(start)
	return res, nil
}

func orDot(p []string) []string {
	if len(p) == 0 {
		return []string{"."}
	}
	return p
}

// agentFor returns the agent script for a test file.
func agentFor(file string, opts Options) string {
	if opts.Agent != "" {
		return opts.Agent
	}
	cand := strings.TrimSuffix(file, ".test.js") + ".js"
	if st, err := os.Stat(cand); err == nil && !st.IsDir() {
		return cand
	}
	return ""
}

// fileRun is the state of one test file's run. Fields are touched on the
// loop goroutine only, except where noted.
type fileRun struct {
	opts    Options
	file    string
	base    string // the test file's base name, as in stack traces
	sess    *host.Session
	rt      *goja.Runtime
	logs    *collector
	driver  *driver
	fakes   *fakeBrokers
	res     FileResult
	cur     *TestResult
	started time.Time
	stop    context.CancelFunc
	guardMu sync.Mutex // guards guard
	guard   *time.Timer
	// hold is the run's reservation of its loop, the door for work from
	// other goroutines. Any goroutine may Load it.
	hold atomic.Pointer[scriptvm.Op]

	// timeout is the current test's: its case's static timeout, if any,
	// else Options.Timeout. Loop only (armGuard reads it under guardMu).
	timeout time.Duration

	logCursor  int // agent lines before it were matched by waitForLog
	logWaiters []*logWaiter

	lines     map[string]int // declaration lines, see declLines
	announced string         // the test last given to Observer.TestStart, until it ends
}

type logWaiter struct {
	match   func(string) bool
	resolve func(any)
	cancel  func()
}

// checkLogWaiters settles waitForLog promises whose line has come, oldest
// waiter first; each match moves the cursor past the matched line. Loop only.
func (r *fileRun) checkLogWaiters() {
	for i := 0; i < len(r.logWaiters); {
		w := r.logWaiters[i]
		lines := r.logs.agentLines()
		found := -1
		for j := r.logCursor; j < len(lines); j++ {
			if w.match(lines[j]) {
				found = j
				break
			}
		}
		if found < 0 {
			i++
			continue
		}
		r.logCursor = found + 1
		r.logWaiters = append(r.logWaiters[:i], r.logWaiters[i+1:]...)
		w.cancel()
		w.resolve(lines[found])
	}

}

// waitForLog(pattern[, timeout]) → Promise of the next agent log line
// (after those already matched) containing pattern, or matching it when
// pattern is a RegExp; timeout, in seconds on the test's clock, rejects
// it (without one, only the test's own timeout applies).
func (r *fileRun) waitForLog(call goja.FunctionCall) goja.Value {
	rt := r.rt
	pat := call.Argument(0)
	var match func(string) bool
	desc := pat.String()
	if obj, ok := pat.(*goja.Object); ok && obj.ClassName() == "RegExp" {
		test, _ := goja.AssertFunction(obj.Get("test"))
		match = func(s string) bool {
			v, err := test(obj, rt.ToValue(s))
			return err == nil && v.ToBoolean()
		}
	} else {
		s := pat.String()
		match = func(l string) bool { return strings.Contains(l, s) }
	}
	p, resolve, reject := rt.NewPromise()
	w := &logWaiter{match: match, resolve: func(v any) { _ = resolve(v) }, cancel: func() {}}
	r.logWaiters = append(r.logWaiters, w)
	defer r.checkLogWaiters()
	t := call.Argument(1)
	if goja.IsUndefined(t) {
		return rt.ToValue(p) // no limit of its own: the test's timeout applies
	}
	sec := t.ToFloat()
	if sec != sec || sec <= 0 {
		agentapi.ThrowType(rt, "waitForLog: argument 'timeout' must be a number of seconds > 0, got "+t.String())
	}
	timeout := time.Duration(sec * float64(time.Second))
	timer := r.sess.Loop.SetTimer(timeout, func() {
		for i, x := range r.logWaiters {
			if x == w {
				r.logWaiters = append(r.logWaiters[:i], r.logWaiters[i+1:]...)
			}
		}
		_ = reject(rt.NewGoError(fmt.Errorf("waitForLog: the agent logged no line matching %s within %s", desc, timeout)))
	})
	w.cancel = func() { r.sess.Loop.CancelTimer(timer) }
	return rt.ToValue(p)
}

func runFile(ctx context.Context, file string, opts Options) (fr FileResult) {
	start := time.Now()
	r := &fileRun{opts: opts, file: file, base: filepath.Base(file)}
	r.res.File, r.res.Start = file, time.Now()
	defer func() {
		r.res.Duration = time.Since(start)
		fr = r.res
	}()
	agent := agentFor(file, opts)
	r.res.Agent = agent

	cfg, err := r.config()
	if opts.Observer != nil {
		opts.Observer.FileStart(r.res)
	}
	if err != nil {
		r.res.LoadError = err.Error()
		return
	}
	cfg.Broker = "embedded"
	cfg.Embedded.Listen = "127.0.0.1:0"
	if cfg.Sources["http.listen"] == configparams.SourceDefault {
		cfg.HTTP.Listen = "off" // this.request delivers in-process
	}
	stateDir, err := os.MkdirTemp("", "agenthost-test-state-")
	if err != nil {
		r.res.LoadError = err.Error()
		return
	}
	defer os.RemoveAll(stateDir)
	cfg.StateDir = stateDir

	var clock scriptvm.Clock = scriptvm.RealClock{}
	if !opts.RealClock {
		clock = scriptvm.NewVirtualClock(time.Now().Truncate(time.Millisecond))
	}
	r.logs = &collector{}
	if obs := opts.Observer; obs != nil {
		r.logs.out = func(test, line string) { obs.Output(file, test, line) }
	}
	r.logs.onLine = func() {
		if hold := r.hold.Load(); hold != nil {
			hold.Post(r.checkLogWaiters)
		}
	}
	sess, err := host.NewSession(host.SessionOptions{Config: cfg, Clock: clock, Handler: r.logs})
	if err != nil {
		r.res.LoadError = err.Error()
		return
	}
	r.sess, r.rt = sess, sess.Loop.Runtime()
	defer sess.Close()
	// The test run holds its loop open until the runner stops it; work
	// from the broker, the log and wall-clock timers comes in through it.
	r.hold.Store(sess.Loop.Begin(scriptvm.Hold))

	r.driver, err = newDriver(r)
	if err != nil {
		r.res.LoadError = "test broker driver: " + err.Error()
		return
	}
	defer r.driver.close()
	r.fakes = newFakeBrokers(r)
	defer r.fakes.close()

	if err := r.install(); err != nil {
		r.res.LoadError = err.Error()
		return
	}
	prelude, err := scriptvm.Compile("impunit.js", preludeSource)
	if err == nil {
		_, err = r.rt.RunProgram(prelude)
	}
	if err != nil {
		r.res.LoadError = "impunit.js: " + r.sess.Loop.ScriptError(err).Error()
		return
	}
	if agent != "" {
		if err := r.load(agent); err != nil {
			r.res.LoadError = "agent " + err.Error()
			return
		}
	}
	src, err := os.ReadFile(file)
	if err != nil {
		r.res.LoadError = err.Error()
		return
	}
	names, err := classNames(r.base, string(src))
	if err != nil {
		r.res.LoadError = err.Error()
		return
	}
	r.lines = declLines(r.base, string(src))
	if err := r.load(file); err != nil {
		r.res.LoadError = err.Error()
		return
	}
	var b strings.Builder
	b.WriteString("__impunitRun([")
	for i, n := range names {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "[%s,%s]", strconv.Quote(n), n)
	}
	b.WriteString("]).then(function () { __impunit.done(); }, function (e) { __impunit.fatal(e); });")
	runner, err := scriptvm.Compile("impunit-runner.js", b.String())
	if err != nil {
		r.res.LoadError = "runner: " + err.Error()
		return
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.stop = cancel
	r.armGuard()
	_, err = sess.Loop.Run(runCtx, runner, scriptvm.RunOptions{})
	r.disarmGuard()
	if err != nil {
		r.res.LoadError = r.sess.Loop.ScriptError(err).Error()
	}
	if r.cur != nil && ctx.Err() == nil && !r.finished() {
		// The wall-clock guard stopped a test that neither settled nor let
		// virtual time reach its timeout (e.g. waiting on the network).
		r.cur.Status, r.cur.Message = Failed, fmt.Sprintf("timed out after %s of wall time", r.testTimeout()+wallGrace)
		r.cur.Duration, r.cur.Logs = time.Since(r.started), r.logs.sinceMark()
		r.testEnded(r.cur)
		r.res.Tests = append(r.res.Tests, *r.cur)
	}
	return
}

// wallGrace is how much longer than the timeout a test may take in wall
// time before the run gives up on it.
const wallGrace = 10 * time.Second

func (r *fileRun) finished() bool { return r.cur == nil || r.cur.Status != "" }

// testTimeout is the current test's timeout.
func (r *fileRun) testTimeout() time.Duration {
	if r.timeout > 0 {
		return r.timeout
	}
	return r.opts.Timeout
}

func (r *fileRun) armGuard() {
	r.guardMu.Lock()
	defer r.guardMu.Unlock()
	if r.guard != nil {
		r.guard.Stop()
	}
	stop := r.stop
	r.guard = time.AfterFunc(r.testTimeout()+wallGrace, stop)
}

func (r *fileRun) disarmGuard() {
	r.guardMu.Lock()
	defer r.guardMu.Unlock()
	if r.guard != nil {
		r.guard.Stop()
	}
}

// load compiles and runs a script's top level in the file's VM.
func (r *fileRun) load(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	prg, err := scriptvm.Compile(filepath.Base(path), string(src))
	if err == nil {
		_, err = r.rt.RunProgram(prg)
	}
	if err != nil {
		return r.sess.Loop.ScriptError(err)
	}
	return nil
}

// classNames lists the classes a test file declares at its top level
// (class X ... or const/let/var X = class ...); the runner keeps those
// that extend ImpTestCase.
func classNames(name, src string) ([]string, error) {
	prg, err := parser.ParseFile(nil, name, src, 0, parser.WithDisableSourceMaps)
	if err != nil {
		_, cerr := scriptvm.Compile(name, src)
		if cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	var names []string
	for _, st := range prg.Body {
		switch s := st.(type) {
		case *ast.ClassDeclaration:
			if s.Class != nil && s.Class.Name != nil {
				names = append(names, string(s.Class.Name.Name))
			}
		case *ast.LexicalDeclaration:
			names = append(names, bindingClasses(s.List)...)
		case *ast.VariableStatement:
			names = append(names, bindingClasses(s.List)...)
		}
	}
	return names, nil
}

func bindingClasses(list []*ast.Binding) []string {
	var names []string
	for _, b := range list {
		id, ok := b.Target.(*ast.Identifier)
		if _, isClass := b.Initializer.(*ast.ClassLiteral); ok && isClass {
			names = append(names, string(id.Name))
		}
	}
	return names
}

// install creates the __impunit host object.
func (r *fileRun) install() error {
	rt := r.rt
	o := rt.NewObject()
	opts := rt.NewObject()
	_ = opts.Set("timeout", r.opts.Timeout.Seconds())
	_ = opts.Set("stopOnFail", r.opts.StopOnFail)
	_ = o.Set("options", opts)
	_ = o.Set("selected", func(c, m string) bool {
		return r.opts.filter == nil || r.opts.filter.MatchString(c+"."+m)
	})
	_ = o.Set("begin", func(c, m string, seconds float64) {
		r.timeout = time.Duration(seconds * float64(time.Second))
		r.cur = &TestResult{File: r.file, Case: c, Method: m}
		r.started = time.Now()
		r.testStarted(c, m, r.started)
		r.armGuard()
	})
	_ = o.Set("report", r.report)
	_ = o.Set("info", func(s string) {
		if r.cur != nil {
			r.cur.Info = append(r.cur.Info, s)
		}
	})
	_ = o.Set("format", func(v goja.Value) string { return r.sess.Env.Format(v) })
	_ = o.Set("logs", func() []any {
		lines := r.logs.agentLines()
		out := make([]any, len(lines))
		for i, l := range lines {
			out[i] = l
		}
		return out
	})
	_ = o.Set("done", func() { r.cur = nil; r.stop() })
	_ = o.Set("fatal", func(e goja.Value) {
		r.res.LoadError = "test runner: " + e.String()
		r.cur = nil
		r.stop()
	})
	_ = o.Set("waitForLog", r.waitForLog)
	_ = o.Set("wallTimer", func(sec float64, fn goja.Callable) func() {
		t := time.AfterFunc(time.Duration(sec*float64(time.Second)), func() {
			r.hold.Load().Post(func() {
				r.sess.Loop.Call(fn, goja.Undefined())
			})
		})
		return func() { t.Stop() }
	})
	_ = o.Set("broker", r.driver.object())
	_ = o.Set("device", r.setupDevice())
	_ = o.Set("request", r.agentRequest)
	_ = o.Set("fakeBroker", r.fakes.start)
	_ = o.Set("clock", r.clockObject())
	return rt.GlobalObject().DefineDataProperty("__impunit", o, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
}

// report records the outcome r ({ok}, {error}, {timeout}) of the current
// test; it returns whether the test passed. phase names a failed setUp.
func (r *fileRun) report(call goja.FunctionCall) goja.Value {
	c, m := call.Argument(0).String(), call.Argument(1).String()
	outcome := call.Argument(2).ToObject(r.rt)
	assertions := int(call.Argument(3).ToInteger())
	phase := ""
	if p := call.Argument(4); !goja.IsUndefined(p) {
		phase = p.String()
	}
	t := TestResult{File: r.file, Case: c, Method: m, Assertions: assertions}
	if r.cur != nil && r.cur.Case == c {
		t.Info = r.cur.Info
		t.Duration = time.Since(r.started)
		t.Start = r.started
	}
	t.Logs = r.logs.sinceMark()
	switch {
	case outcome.Get("ok") != nil && outcome.Get("ok").ToBoolean():
		t.Status = Passed
	case outcome.Get("timeout") != nil && outcome.Get("timeout").ToBoolean():
		t.Status = Failed
		t.Message = fmt.Sprintf("timed out after %s (the returned Promise never settled)", r.testTimeout())
	default:
		r.describeError(&t, outcome.Get("error"))
	}
	if phase != "" && t.Status != Passed {
		t.Message = phase + " failed: " + t.Message
	}
	r.testEnded(&t)
	r.res.Tests = append(r.res.Tests, t)
	if r.cur != nil {
		r.cur.Status = t.Status
	}
	return r.rt.ToValue(t.Status == Passed)
}

var frameRE = regexp.MustCompile(`([^\s()]+\.js):(\d+):(\d+)`)

func (r *fileRun) describeError(t *TestResult, e goja.Value) {
	t.Status = Errored
	if e == nil || goja.IsUndefined(e) {
		t.Message = "undefined was thrown"
		return
	}
	obj, isObj := e.(*goja.Object)
	if !isObj {
		t.Message = r.sess.Env.Format(e)
		return
	}
	t.Message = e.String()
	if name := obj.Get("name"); name != nil && name.String() == "AssertionError" {
		t.Status = Failed
		t.Message = obj.Get("message").String()
		if hv := obj.Get("hasValues"); hv != nil && hv.ToBoolean() {
			t.HasValues = true
			t.Expected = r.sess.Env.Format(obj.Get("expected"))
			t.Actual = r.sess.Env.Format(obj.Get("actual"))
		}
	}
	if st := obj.Get("stack"); st != nil && !goja.IsUndefined(st) {
		var first string
		for _, m := range frameRE.FindAllStringSubmatch(st.String(), -1) {
			loc := m[1] + ":" + m[2]
			if m[1] == "impunit.js" {
				continue
			}
			if first == "" {
				first = loc
			}
			if m[1] == r.base {
				t.Location = loc
				break
			}
		}
		if t.Location == "" {
			t.Location = first
		}
	}
}

// clockObject is this.clock: the test file's host clock.
func (r *fileRun) clockObject() *goja.Object {
	rt := r.rt
	o := rt.NewObject()
	_ = o.Set("now", func() float64 { return float64(r.sess.Clock.Now().UnixMilli()) / 1000 })
	_ = o.Set("virtual", !r.opts.RealClock)
	_ = o.Set("advance", func(call goja.FunctionCall) goja.Value {
		if _, ok := r.sess.Clock.(*scriptvm.VirtualClock); !ok {
			agentapi.ThrowType(rt, "clock.advance needs the virtual clock (the run uses --clock real)")
		}
		sec := call.Argument(0).ToFloat()
		if sec != sec || sec < 0 {
			agentapi.ThrowType(rt, "clock.advance: argument 'seconds' must be a number >= 0, got "+call.Argument(0).String())
		}
		// A timer at the end of the advance: the virtual loop steps to
		// each timer due before it at that timer's own time (wakeups set
		// during the advance included); the advance ends once every timer
		// due at its end has run too, as fake timers do.
		p, resolve, _ := rt.NewPromise()
		loop := r.sess.Loop
		var end func()
		end = func() {
			if next, ok := loop.NextTimer(); ok && !next.After(loop.Clock().Now()) {
				loop.SetTimer(0, end)
				return
			}
			_ = resolve(goja.Undefined())
		}
		loop.SetTimer(time.Duration(sec*float64(time.Second)), end)
		return rt.ToValue(p)
	})
	return o
}
