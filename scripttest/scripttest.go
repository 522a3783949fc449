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

	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/host"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/agenthost/agenthost/sqagent"
	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/parser"
)

//go:embed impunit.js
var preludeSource string

// Options configure a test run.
type Options struct {
	Paths      []string             // files and directories (searched recursively for *.test.js and *.test.nut); empty means "."
	Agent      string               // agent script (.js or .nut) loaded before every test file; "" means X.js beside X.test.js (X.nut beside X.test.nut), if present
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

// isTestFile reports whether name is a test file: *.test.js (JavaScript)
// or *.test.nut (Squirrel).
func isTestFile(name string) bool {
	return strings.HasSuffix(name, ".test.js") || strings.HasSuffix(name, ".test.nut")
}

// Find returns the *.test.js and *.test.nut files named by paths (directories searched
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
			if !d.IsDir() && isTestFile(d.Name()) && !seen[path] {
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
		return Result{}, exitcode.Errorf(exitcode.Usage, "no *.test.js or *.test.nut files in %s", strings.Join(orDot(opts.Paths), ", "))
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
	if sqagent.IsSquirrel(file) {
		cand = strings.TrimSuffix(file, ".test.nut") + ".nut"
	}
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

	// Squirrel: the runtime (installed when the agent or the test file is
	// .nut), the library directory #require reads, and the last assertion
	// failure a Squirrel test recorded.
	sq      *sqagent.Agent
	lib     string
	failure *sqFailure
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
	r.lib = cfg.Lib

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
			r.res.LoadError = "agent " + scriptErr(err)
			return
		}
	}
	var b strings.Builder
	if sqagent.IsSquirrel(file) {
		cases, err := r.squirrelCases(file)
		if err != nil {
			r.res.LoadError = scriptErr(err)
			return
		}
		_ = r.rt.GlobalObject().Set("__impunitSqCases", cases)
		b.WriteString("__impunitRun(__impunitSqCases)")
	} else {
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
		b.WriteString("__impunitRun([")
		for i, n := range names {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "__impunitJS(%s,%s)", strconv.Quote(n), n)
		}
		b.WriteString("])")
	}
	b.WriteString(".then(function () { __impunit.done(); }, function (e) { __impunit.fatal(e); });")
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

// load compiles and runs a script's top level in the file's VM (a .nut
// agent in the Squirrel runtime).
func (r *fileRun) load(path string) error {
	if sqagent.IsSquirrel(path) {
		return r.loadNut(path)
	}
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
