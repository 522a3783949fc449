package main

import (
	"time"

	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/scripttest"
)

const testUsage = `Usage: agenthost test [flags] [PATH...]

Runs the *.test.js and *.test.nut (Squirrel) files under PATH (directories
searched recursively; default .). Each file runs in a fresh VM with a fresh
embedded broker, on the virtual clock: first the agent script (--agent, else
X.js beside X.test.js, X.nut beside X.test.nut, if it exists), then the test
file, whose classes extending ImpTestCase are run: setUp(), the test*
methods in sorted order, tearDown().

Exit codes: 0 all passed, 1 a test failed, 2 usage or load error.

Flags:
`

// testCmd is `agenthost test`. Exit codes: 1 when a test failed, 2 for the
// command line, config, paths or a file that could not be loaded, 3 when
// the results could not be written. Failures are in the printed results,
// not printed again.
func testCmd(st *State, args []string) error {
	f := newFlags("test", testUsage)
	var cf configFlags
	f.StringVar(&cf.config, "config", "", "config `FILE` for every test file (default: agenthost.yaml in the working directory, if present; env AGENTHOST_CONFIG); its broker setting is ignored")
	cf.registerLib(f)
	agent := f.String("agent", "", "agent `SCRIPT` (.js or .nut) loaded before every test file (default: X.js beside X.test.js, X.nut beside X.test.nut, if present)")
	timeout := f.Duration("timeout", 30*time.Second, "limit for each setUp, test and tearDown (on the test clock)")
	junit := f.String("junit", "", "also write JUnit XML to `FILE`")
	asJSON := f.Bool("json", false, "print the results as JSON instead of text")
	filter := f.String("filter", "", "run only the tests whose Case.method contains `TEXT`")
	stopOnFail := f.Bool("stop-on-fail", false, "stop at the first failing test")
	clockName := f.String("clock", "virtual", "`CLOCK` the tests run on: virtual (default) or real")
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
	cfg, err := cf.load(st, f, "")
	if err != nil {
		return err
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
	opts := scripttest.Options{Paths: paths, Agent: st.path(*agent), Config: cfg, Timeout: *timeout, Filter: *filter,
		StopOnFail: *stopOnFail, RealClock: *clockName == "real"}
	var progress func(scripttest.FileResult)
	if !*asJSON {
		progress = func(fr scripttest.FileResult) { scripttest.WriteFileResult(st.Stdout, fr) }
	}
	res, err := scripttest.Run(ctx, opts, progress)
	if err != nil {
		return inTest(err)
	}
	if *asJSON {
		if err := scripttest.WriteJSON(st.Stdout, res); err != nil {
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
	// The results are printed: only the code is left to give.
	return exitcode.Shown(res.Err())
}

// inTest reports err in the test command's name, keeping its code.
func inTest(err error) error { return &argError{cmd: "test", err: err} }
