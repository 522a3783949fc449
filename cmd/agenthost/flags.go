package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
)

// cmdFlags is a command's flag set and the usage text printed before its
// flag list.
type cmdFlags struct {
	*flag.FlagSet
	usage string
}

// newFlags returns an empty flag set for command name. The flag package
// prints nothing: parse reports --help and errors, and [Run] prints them.
func newFlags(name, usage string) *cmdFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &cmdFlags{FlagSet: fs, usage: usage}
}

// printUsage writes the usage text and the flags with their defaults to w.
func (f *cmdFlags) printUsage(w io.Writer) {
	fmt.Fprint(w, f.usage)
	f.SetOutput(w)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
}

// parse parses args, whose flags may come before or after the positional
// arguments ("run agent.js --for 5s"), and returns the positionals. After
// -h or --help it prints the usage on stdout, once, and returns help true:
// the command is done. A bad flag is an error with exit code 2 that prints
// the usage on stderr.
func (f *cmdFlags) parse(st *State, args []string) (pos []string, help bool, err error) {
	for {
		err := f.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			f.printUsage(st.Stdout)
			return nil, true, nil
		}
		if err != nil {
			return nil, false, f.usageErr("%v", err)
		}
		if f.NArg() == 0 {
			return pos, false, nil
		}
		pos = append(pos, f.Arg(0))
		args = f.Args()[1:]
	}
}

// argErr is an error (exit code 2) in the command's arguments, printed in
// the command's name.
func (f *cmdFlags) argErr(format string, a ...any) error {
	return &argError{cmd: f.Name(), err: exitcode.Errorf(exitcode.Usage, format, a...)}
}

// usageErr is argErr followed by the command's usage.
func (f *cmdFlags) usageErr(format string, a ...any) error {
	return &argError{cmd: f.Name(), err: exitcode.Errorf(exitcode.Usage, format, a...), usage: f.printUsage}
}

// noArgs parses a command that takes no positional arguments.
func (f *cmdFlags) noArgs(st *State, args []string) (help bool, err error) {
	pos, help, err := f.parse(st, args)
	if err == nil && !help && len(pos) != 0 {
		err = f.argErr("unexpected argument %q", pos[0])
	}
	return help, err
}

// configFlags are the config flags shared by run, broker, limits and test.
type configFlags struct {
	config    string
	logFormat string
	stateDir  string
	broker    string
	lib       string
}

// registerLib adds --lib (run and test).
func (c *configFlags) registerLib(f *cmdFlags) {
	f.StringVar(&c.lib, "lib", "", "library `DIR` a Squirrel agent's #require \"Name.lib.nut:1.2.3\" reads DIR/Name/1.2.3/Name.lib.nut (or DIR/Name.lib.nut) from (env AGENTHOST_LIB; config lib)")
}

// register adds --config and --log-format, and with withBroker (the run
// command) --broker and --state-dir.
func (c *configFlags) register(f *cmdFlags, withBroker bool) {
	where := "agenthost.yaml in the working directory, if present"
	if withBroker {
		where = "agenthost.yaml beside the script, else in the working directory"
	}
	f.StringVar(&c.config, "config", "", "config `FILE` (default: "+where+"; env AGENTHOST_CONFIG)")
	f.StringVar(&c.logFormat, "log-format", "", "log line `FORMAT`: text or json (default text; env AGENTHOST_LOG_FORMAT)")
	if withBroker {
		f.StringVar(&c.broker, "broker", "", "where connects go: `BROKER` is embedded, script, or a URL such as tcp://127.0.0.1:1883 (default embedded; env AGENTHOST_BROKER)")
		f.StringVar(&c.stateDir, "state-dir", "", "`DIR` for server.save data and the generated deviceid (default .agenthost; env AGENTHOST_STATE_DIR)")
	}
}

// load builds the effective config: defaults < file < environment < flags.
// The file is --config, else AGENTHOST_CONFIG, else agenthost.yaml beside
// scriptPath (already resolved; "" for commands without a script), else
// agenthost.yaml in the working directory. Errors have exit code 2 and
// name the file, line and field, or the variable or flag.
func (c *configFlags) load(st *State, f *cmdFlags, scriptPath string) (*configparams.Config, error) {
	cfg, err := c.loadConfig(st, f, scriptPath)
	if err != nil {
		return nil, exitcode.New(exitcode.Usage, err, "")
	}
	cfg.StateDir = st.path(cfg.StateDir)
	cfg.Lib = st.path(cfg.Lib)
	return cfg, nil
}

func (c *configFlags) loadConfig(st *State, f *cmdFlags, scriptPath string) (*configparams.Config, error) {
	path := st.path(c.config)
	if path == "" {
		path = st.path(st.Getenv("AGENTHOST_CONFIG"))
	}
	if path == "" && scriptPath != "" {
		path = configparams.FindDefault(scriptPath)
	}
	if path == "" {
		if p := st.path(configparams.DefaultFileName); fileExists(p) {
			path = p
		}
	}
	cfg := configparams.Default()
	if path != "" {
		var err error
		if cfg, err = configparams.Load(path); err != nil {
			return nil, err
		}
	}
	if err := cfg.ApplyEnv(st.Getenv); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	for _, s := range []struct{ flag, field, value string }{
		{"broker", "broker", c.broker},
		{"log-format", "log_format", c.logFormat},
		{"state-dir", "state_dir", c.stateDir},
		{"lib", "lib", c.lib},
	} {
		if set[s.flag] {
			if err := cfg.Set(s.field, s.value, "flag --"+s.flag); err != nil {
				return nil, err
			}
		}
	}
	return cfg, cfg.Validate()
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
