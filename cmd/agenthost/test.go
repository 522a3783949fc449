package main

import (
	"time"

	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/scripttest"
)

const testUsage = `Usage: agenthost test [flags] [PATH...]

Runs the *.test.js and *.test.nut (Squirrel) files under PATH (directories
searched recursively; default .). Each file runs in a fresh VM with a fresh
embedded broker, on the virtual clock: first the agent script (--agent, else
X.js beside X.test.js, X.nut beside X.test.nut, if it exists), then the test
file, whose classes extending ImpTestCase are run: setUp(), the test*
methods in sorted order, tearDown(). A file that
cannot be loaded counts as one test with an error.

Exit codes:
  0    every test that ran passed (a first Ctrl-C/SIGTERM ends the run
       early, with the results so far)
  1    a test failed or threw
  2    bad command line or config, a missing path or --agent, an invalid
       --filter or one that matched no test, a --junit path that cannot be
       written, or a test file (or its agent) that could not be loaded
  3    the results could not be written at the end (--junit, --json output)
  130  a second Ctrl-C ended the run without cleaning up

Flags:
`

// testCmd is `agenthost test`. Exit codes: see testUsage. Failures are in
// the printed results, not printed again.
func testCmd(st *State, args []string) error {
	f := newFlags("test", testUsage)
	var cf configFlags
	cf.registerConfig(f, "each test file", "; its broker setting is ignored: tests use a fresh embedded broker")
	cf.registerLib(f)
	agent := f.String("agent", "", "agent `SCRIPT` (.js or .nut) loaded before every test file (default: X.js beside X.test.js, X.nut beside X.test.nut, if present)")
	timeout := f.Duration("timeout", 30*time.Second, "limit for each setUp, test and tearDown, in wall time whatever --clock says (a case's static timeout = seconds overrides it)")
	junit := f.String("junit", "", "also write JUnit XML to `FILE` (checked writable before any test runs)")
	asJSON := f.Bool("json", false, "print the results as JSON events, one per line, as they happen (see the README for the schema)")
	filter := f.String("filter", "", "run only the tests whose Case.method matches the regular expression `RE`; matching none is an error")
	stopOnFail := f.Bool("stop-on-fail", false, "stop at the first failing test")
	clockName := f.String("clock", "virtual", "`CLOCK` the tests run on: virtual (default) or real")
	verbose := f.Bool("verbose", false, "print each file's config file (and how it was found) and the log lines of passing tests too")
	pos, help, err := f.parse(st, args)
	if help || err != nil {
		return err
	}
	if *clockName != "virtual" && *clockName != "real" {
		return f.argErr("--clock must be virtual or real, got %q", *clockName)
	}
	if *timeout <= 0 {
		return f.argErr("--timeout must be positive, got %s", *timeout)
	}
	configFor := func(file string) (*configparams.Config, string, error) {
		cfg, choice, err := cf.load(st, f, file)
		return cfg, choice.from, err
	}
	if cf.explicit(st) {
		// One file for every test file: a bad one stops the run at once.
		cfg, choice, err := cf.load(st, f, "")
		if err != nil {
			return err
		}
		configFor = func(string) (*configparams.Config, string, error) {
			c := *cfg
			return &c, choice.from, nil
		}
	}
	if *junit != "" {
		if err := checkWritable("--junit", st.path(*junit)); err != nil {
			return inTest(err)
		}
	}
	paths := []string{st.path(".")}
	if len(pos) > 0 {
		paths = paths[:0]
		for _, p := range pos {
			paths = append(paths, st.path(p))
		}
	}
	ctx, stop := st.interruptContext()
	defer stop()
	opts := scripttest.Options{Paths: paths, Agent: st.path(*agent), ConfigFor: configFor, Timeout: *timeout,
		Filter: *filter, StopOnFail: *stopOnFail, RealClock: *clockName == "real"}
	var progress func(scripttest.FileResult)
	var stream *scripttest.JSONStream
	if *asJSON {
		stream = scripttest.NewJSONStream(st.Stdout)
		opts.Observer = stream
	} else {
		progress = func(fr scripttest.FileResult) { scripttest.WriteFileResult(st.Stdout, fr, *verbose) }
	}
	res, err := scripttest.Run(ctx, opts, progress)
	if err != nil {
		return inTest(err)
	}
	if stream != nil {
		if err := stream.Summary(res); err != nil {
			return inTest(exitcode.New(exitcode.Host, err, ""))
		}
	} else {
		scripttest.WriteSummary(st.Stdout, res)
	}
	if *junit != "" {
		if err := scripttest.WriteJUnitFile(st.path(*junit), res); err != nil {
			return inTest(exitcode.New(exitcode.Host, err, ""))
		}
	}
	if res.NoMatch() {
		// Not in the results: say it.
		return inTest(res.Err())
	}
	// The results are printed: only the code is left to give.
	return exitcode.Shown(res.Err())
}

// inTest reports err in the test command's name, keeping its code.
func inTest(err error) error { return &argError{cmd: "test", err: err} }
