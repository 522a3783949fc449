// Command agenthost runs Electric-Imp-style agent scripts on this machine.
//
// The CLI only parses arguments, wires signals and maps errors to exit
// codes; the work is done by package host.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/host"
	"github.com/agenthost/agenthost/scripttest"
	"github.com/agenthost/agenthost/scriptvm"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build info.
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

const mainUsage = `agenthost runs Electric Imp agent scripts (ported to JavaScript) on this machine,
with the imp's MQTT, server and imp APIs, against an embedded MQTT broker or a real one.

Usage:
  agenthost run SCRIPT [flags]     run an agent script
  agenthost broker [flags]         run the embedded MQTT broker alone
  agenthost limits [flags]         print the effective rate limits and where each value came from
  agenthost test [flags] [PATH...] run impUnit-style *.test.js files against agent scripts
  agenthost version                print the version
  agenthost help [COMMAND]         show help

Run 'agenthost help run' for the flags of a command.
Exit codes: 0 ok, 1 script error, 2 usage or config error, 3 host error, 130 forced stop.
`

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return exitcode.Usage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return runCmd(rest, stdout, stderr, getenv)
	case "broker":
		return brokerCmd(rest, stdout, stderr, getenv)
	case "limits":
		return limitsCmd(rest, stdout, stderr, getenv)
	case "test":
		return testCmd(rest, stdout, stderr, getenv)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "agenthost", versionString())
		return exitcode.OK
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			switch rest[0] {
			case "run":
				return runCmd([]string{"--help"}, stdout, stderr, getenv)
			case "broker":
				return brokerCmd([]string{"--help"}, stdout, stderr, getenv)
			case "limits":
				return limitsCmd([]string{"--help"}, stdout, stderr, getenv)
			case "test":
				return testCmd([]string{"--help"}, stdout, stderr, getenv)
			}
		}
		fmt.Fprint(stdout, mainUsage)
		return exitcode.OK
	default:
		fmt.Fprintf(stderr, "agenthost: unknown command %q\n\n%s", cmd, mainUsage)
		return exitcode.Usage
	}
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("run agent.js --for 5s"), returning the positionals.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseArgs parses a subcommand's arguments. When ok is false the command
// is over with code: 0 after --help (usage printed on stdout), 2 after a
// bad flag (flag has printed the error and usage on stderr).
func parseArgs(fs *flag.FlagSet, args []string, stdout io.Writer) (pos []string, code int, ok bool) {
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return nil, exitcode.OK, false
	}
	if err != nil {
		return nil, exitcode.Usage, false
	}
	return pos, 0, true
}

// configOnly parses a command that takes no positional arguments and
// loads its config. When ok is false the command is over with code.
func configOnly(fs *flag.FlagSet, cf *configFlags, args []string, stdout, stderr io.Writer, getenv func(string) string) (cfg *configparams.Config, code int, ok bool) {
	pos, code, ok := parseArgs(fs, args, stdout)
	if !ok {
		return nil, code, false
	}
	if len(pos) != 0 {
		fmt.Fprintf(stderr, "agenthost %s: unexpected argument %q\n", fs.Name(), pos[0])
		return nil, exitcode.Usage, false
	}
	if f := fs.Lookup("config"); f != nil {
		cf.config = f.Value.String()
	}
	cfg, err := cf.loadConfig(fs, "", getenv)
	if err != nil {
		fmt.Fprintf(stderr, "agenthost: %v\n", err)
		return nil, exitcode.Usage, false
	}
	return cfg, 0, true
}

// configFlags are the flags shared by run and broker.
type configFlags struct {
	config    string
	logFormat string
	stateDir  string
	broker    string
}

// loadConfig builds the effective config: defaults < file < environment <
// flags. scriptPath may be "" (broker command).
func (f *configFlags) loadConfig(fs *flag.FlagSet, scriptPath string, getenv func(string) string) (*configparams.Config, error) {
	path := f.config
	if path == "" && getenv("AGENTHOST_CONFIG") != "" {
		path = getenv("AGENTHOST_CONFIG")
	}
	if path == "" && scriptPath != "" {
		path = configparams.FindDefault(scriptPath)
	}
	if path == "" {
		// Then agenthost.yaml in the working directory.
		if _, err := os.Stat(configparams.DefaultFileName); err == nil {
			path = configparams.DefaultFileName
		}
	}
	cfg := configparams.Default()
	if path != "" {
		var err error
		if cfg, err = configparams.Load(path); err != nil {
			return nil, err
		}
	}
	if err := cfg.ApplyEnv(getenv); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	for _, s := range []struct{ flag, field, value string }{
		{"broker", "broker", f.broker},
		{"log-format", "log_format", f.logFormat},
		{"state-dir", "state_dir", f.stateDir},
	} {
		if set[s.flag] {
			if err := cfg.Set(s.field, s.value, "flag --"+s.flag); err != nil {
				return nil, err
			}
		}
	}
	return cfg, cfg.Validate()
}

func (f *configFlags) register(fs *flag.FlagSet, withBroker bool) {
	where := "agenthost.yaml in the working directory, if present"
	if withBroker {
		where = "agenthost.yaml beside the script, else in the working directory"
	}
	fs.StringVar(&f.config, "config", "", "config `FILE` (default: "+where+"; env AGENTHOST_CONFIG)")
	fs.StringVar(&f.logFormat, "log-format", "", "log line `FORMAT`: text or json (default text; env AGENTHOST_LOG_FORMAT)")
	if withBroker {
		fs.StringVar(&f.broker, "broker", "", "where connects go: `BROKER` is embedded, script, or a URL such as tcp://127.0.0.1:1883 (default embedded; env AGENTHOST_BROKER)")
		fs.StringVar(&f.stateDir, "state-dir", "", "`DIR` for server.save data and the generated deviceid (default .agenthost; env AGENTHOST_STATE_DIR)")
	}
}

const runUsage = `Usage: agenthost run SCRIPT [flags]

Runs an agent script until Ctrl-C/SIGTERM (clean disconnect, exit 0), until
--for has elapsed, or with --until-idle until nothing is pending (no timers,
no connecting or connected client, no queued work). A second Ctrl-C exits at
once with code 130.

Agent lines go to stdout, errors to stderr.

Flags:
`

func runCmd(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf configFlags
	cf.register(fs, true)
	forDur := fs.Duration("for", 0, "stop after `DURATION` (e.g. 30s, 5m); 0 runs until stopped")
	untilIdle := fs.Bool("until-idle", false, "stop when nothing is pending")
	clockName := fs.String("clock", "real", "`CLOCK`: real, or virtual to jump over idle time (timers, time(), date(), Date, limiters and --for all follow it)")
	reportFile := fs.String("report", "", "write every rate-limiter decision and a summary to `FILE` (JSON, or CSV when FILE ends in .csv)")
	reportSVG := fs.String("report-svg", "", "draw the rate limiters' requests over time (allowed, queued, refused) to `FILE` (SVG)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), runUsage)
		fs.PrintDefaults()
	}
	pos, code, ok := parseArgs(fs, args, stdout)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "agenthost run: want exactly one SCRIPT, got %d argument(s)\n", len(pos))
		fs.Usage()
		return exitcode.Usage
	}
	if *forDur < 0 {
		fmt.Fprintf(stderr, "agenthost run: --for must not be negative, got %s\n", *forDur)
		return exitcode.Usage
	}
	var clock scriptvm.Clock
	switch *clockName {
	case "real":
	case "virtual":
		clock = scriptvm.NewVirtualClock(time.Now().Truncate(time.Millisecond))
	default:
		fmt.Fprintf(stderr, "agenthost run: --clock must be real or virtual, got %q\n", *clockName)
		return exitcode.Usage
	}
	cfg, err := cf.loadConfig(fs, pos[0], getenv)
	if err != nil {
		fmt.Fprintf(stderr, "agenthost: %v\n", err)
		return exitcode.Usage
	}

	ctx, stop := signalContext(stderr)
	defer stop()
	_, err = host.Run(ctx, host.Options{
		Script:    pos[0],
		Config:    cfg,
		For:       *forDur,
		UntilIdle: *untilIdle,
		Stdout:    stdout,
		Stderr:    stderr,
		Clock:     clock,
		Report:    *reportFile,
		ReportSVG: *reportSVG,
		Summary:   stdout,
	})
	return report(err, stderr)
}

const brokerUsage = `Usage: agenthost broker [flags]

Runs the embedded MQTT broker alone (the embedded: section of the config),
until Ctrl-C/SIGTERM. Point mosquitto_pub/_sub or an agent run with
--broker tcp://ADDR at it.

Flags:
`

func brokerCmd(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("broker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf configFlags
	cf.register(fs, false)
	listen := fs.String("listen", "", "TCP listen `ADDR` (default embedded.listen, else 127.0.0.1:1883; env AGENTHOST_EMBEDDED_LISTEN)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), brokerUsage)
		fs.PrintDefaults()
	}
	cfg, code, ok := configOnly(fs, &cf, args, stdout, stderr, getenv)
	if !ok {
		return code
	}
	var err error
	if *listen != "" {
		err = cfg.Set("embedded.listen", *listen, "flag --listen")
	}
	if err != nil {
		fmt.Fprintf(stderr, "agenthost: %v\n", err)
		return exitcode.Usage
	}
	if cfg.Sources["embedded.listen"] == "default" {
		// Alone, the broker is for other programs to find: a fixed port.
		cfg.Embedded.Listen = "127.0.0.1:1883"
	}
	ctx, stop := signalContext(stderr)
	defer stop()
	return report(host.RunBroker(ctx, cfg, stdout, stderr), stderr)
}

const limitsUsage = `Usage: agenthost limits [flags]

Prints the effective rate limits (the limits: section of the config over the
defaults) and where each value came from: "default" or FILE:LINE.

Flags:
`

func limitsCmd(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("limits", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String("config", "", "config `FILE` (default: agenthost.yaml in the working directory, if present; env AGENTHOST_CONFIG)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), limitsUsage)
		fs.PrintDefaults()
	}
	var cf configFlags
	cfg, code, ok := configOnly(fs, &cf, args, stdout, stderr, getenv)
	if !ok {
		return code
	}
	fmt.Fprint(stdout, cfg.FormatLimits())
	return exitcode.OK
}

const testUsage = `Usage: agenthost test [flags] [PATH...]

Runs the *.test.js files under PATH (directories searched recursively;
default .). Each file runs in a fresh VM with a fresh embedded broker, on the
virtual clock: first the agent script (--agent, else X.js beside X.test.js
if it exists), then the test file, whose classes extending ImpTestCase are
run: setUp(), the test* methods in sorted order, tearDown().

Exit codes: 0 all passed, 1 a test failed, 2 usage or load error.

Flags:
`

func testCmd(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "config `FILE` for every test file (default: agenthost.yaml in the working directory, if present; env AGENTHOST_CONFIG); its broker setting is ignored")
	agent := fs.String("agent", "", "agent `SCRIPT` loaded before every test file (default: X.js beside X.test.js, if present)")
	timeout := fs.Duration("timeout", 30*time.Second, "limit for each setUp, test and tearDown (on the test clock)")
	junit := fs.String("junit", "", "also write JUnit XML to `FILE`")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of text")
	filter := fs.String("filter", "", "run only the tests whose Case.method contains `TEXT`")
	stopOnFail := fs.Bool("stop-on-fail", false, "stop at the first failing test")
	clockName := fs.String("clock", "virtual", "`CLOCK` the tests run on: virtual (default) or real")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), testUsage)
		fs.PrintDefaults()
	}
	pos, code, ok := parseArgs(fs, args, stdout)
	if !ok {
		return code
	}
	if *clockName != "virtual" && *clockName != "real" {
		fmt.Fprintf(stderr, "agenthost test: --clock must be virtual or real, got %q\n", *clockName)
		return exitcode.Usage
	}
	if *timeout <= 0 {
		fmt.Fprintf(stderr, "agenthost test: --timeout must be positive, got %s\n", *timeout)
		return exitcode.Usage
	}
	cf := configFlags{config: *config}
	cfg, err := cf.loadConfig(fs, "", getenv)
	if err != nil {
		fmt.Fprintf(stderr, "agenthost: %v\n", err)
		return exitcode.Usage
	}
	ctx, stop := signalContext(stderr)
	defer stop()
	opts := scripttest.Options{Paths: pos, Agent: *agent, Config: cfg, Timeout: *timeout, Filter: *filter,
		StopOnFail: *stopOnFail, RealClock: *clockName == "real"}
	var progress func(scripttest.FileResult)
	if !*asJSON {
		progress = func(f scripttest.FileResult) { scripttest.WriteFileResult(stdout, f) }
	}
	res, err := scripttest.Run(ctx, opts, progress)
	if err != nil {
		fmt.Fprintf(stderr, "agenthost test: %v\n", err)
		return exitcode.Usage
	}
	if *asJSON {
		if err := scripttest.WriteJSON(stdout, res); err != nil {
			fmt.Fprintf(stderr, "agenthost test: %v\n", err)
			return exitcode.Host
		}
	} else {
		scripttest.WriteSummary(stdout, res)
	}
	if *junit != "" {
		if err := scripttest.WriteJUnitFile(*junit, res); err != nil {
			fmt.Fprintf(stderr, "agenthost test: %v\n", err)
			return exitcode.Host
		}
	}
	if res.LoadErrors() {
		return exitcode.Usage
	}
	if _, _, failures, errs := res.Counts(); failures+errs > 0 {
		return exitcode.ScriptError
	}
	return exitcode.OK
}

// signalContext is cancelled by the first SIGINT/SIGTERM; a second one
// exits the process at once with ExitForced.
func signalContext(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			cancel()
		case <-done:
			return
		}
		select {
		case <-ch:
			fmt.Fprintln(stderr, "agenthost: second interrupt, exiting without cleanup")
			os.Exit(exitcode.Forced)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}

// report prints err (if any) with its hint and returns the exit code.
func report(err error, stderr io.Writer) int {
	code := exitcode.Of(err)
	if err == nil || code == exitcode.ScriptError {
		return code // script errors were logged as [Agent] ERROR lines
	}
	fmt.Fprintf(stderr, "agenthost: %v\n", err)
	if h := exitcode.HintOf(err); h != "" {
		fmt.Fprintf(stderr, "Try: %s\n", strings.TrimSpace(h))
	}
	return code
}
