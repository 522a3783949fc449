package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

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

// register adds --config and --log-format, and with withBroker (the run
// command) --broker and --state-dir. beside names what an agenthost.yaml
// is looked for beside ("the script"), "" for commands without a script.
func (c *configFlags) register(f *cmdFlags, withBroker bool, beside string) {
	c.registerConfig(f, beside, "")
	f.StringVar(&c.logFormat, "log-format", "", "log line `FORMAT`: text or json (default text; env AGENTHOST_LOG_FORMAT)")
	if withBroker {
		f.StringVar(&c.broker, "broker", "", "where connects go: `BROKER` is embedded, script, or a URL such as tcp://127.0.0.1:1883 (default embedded; env AGENTHOST_BROKER)")
		f.StringVar(&c.stateDir, "state-dir", "", "`DIR` for server.save data and the generated deviceid (default .agenthost; env AGENTHOST_STATE_DIR)")
	}
}

// registerConfig adds --config, whose help states the lookup order of
// [configFlags.find]; note is added after it.
func (c *configFlags) registerConfig(f *cmdFlags, beside, note string) {
	where := "env AGENTHOST_CONFIG, else "
	if beside != "" {
		where += "agenthost.yaml beside " + beside + ", else "
	}
	where += "agenthost.yaml in the working directory, else none"
	f.StringVar(&c.config, "config", "", "config `FILE` (default: "+where+")"+note)
}
