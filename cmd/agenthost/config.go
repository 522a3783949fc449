package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
)

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

// configChoice is the config file a command uses and how it was found.
type configChoice struct {
	path string // "" when no file is used: the defaults
	from string // "flag --config", "env AGENTHOST_CONFIG", "beside a.js", "in the working directory"; "" with no file
}

// String describes the choice for a person, as the test command's
// results do: "a/agenthost.yaml (beside a.js)", or "none (the defaults)".
func (c configChoice) String() string {
	if c.path == "" {
		return "none (the defaults)"
	}
	return c.path + " (" + c.from + ")"
}

// find is the one config lookup order of every command (run, test,
// broker, limits), documented in the README:
//
//  1. --config FILE
//  2. the AGENTHOST_CONFIG environment variable
//  3. agenthost.yaml beside script (run: SCRIPT; test: each test file;
//     "" for commands without a script)
//  4. agenthost.yaml in the working directory
//  5. none: the defaults
//
// Relative paths are taken from the working directory. The nearest file
// wins: a script's own agenthost.yaml is meant for it.
func (c *configFlags) find(st *State, script string) configChoice {
	if c.config != "" {
		return configChoice{path: st.path(c.config), from: "flag --config"}
	}
	if p := st.Getenv("AGENTHOST_CONFIG"); p != "" {
		return configChoice{path: st.path(p), from: "env AGENTHOST_CONFIG"}
	}
	if script != "" {
		if p := configparams.FindDefault(script); p != "" {
			return configChoice{path: p, from: "beside " + filepath.Base(script)}
		}
	}
	if p := st.path(configparams.DefaultFileName); isRegular(p) {
		return configChoice{path: p, from: "in the working directory"}
	}
	return configChoice{}
}

// explicit reports whether the config file is named by --config or
// AGENTHOST_CONFIG, so that it does not depend on the script.
func (c *configFlags) explicit(st *State) bool {
	return c.config != "" || st.Getenv("AGENTHOST_CONFIG") != ""
}

// load builds the effective config for script ("" for commands without
// one): defaults < the file [configFlags.find] picks < environment < flags.
// Errors have exit code 2 and name the file, line and field, or the
// variable or flag.
func (c *configFlags) load(st *State, f *cmdFlags, script string) (*configparams.Config, configChoice, error) {
	choice := c.find(st, script)
	cfg, err := c.loadFile(st, f, choice.path)
	if err != nil {
		return nil, choice, exitcode.New(exitcode.Usage, err, "")
	}
	cfg.StateDir = st.path(cfg.StateDir)
	cfg.Lib = st.path(cfg.Lib)
	return cfg, choice, nil
}

func (c *configFlags) loadFile(st *State, f *cmdFlags, path string) (*configparams.Config, error) {
	cfg, err := configparams.Load(path)
	if err != nil {
		return nil, err
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

// verboseNotes are the lines --verbose prints before a run: the config
// file used and how it was found, and the settings that are not at their
// defaults with where each came from (names only: values such as
// embedded.users hold passwords).
func verboseNotes(cfg *configparams.Config, choice configChoice) []string {
	notes := []string{"config: " + choice.String()}
	var set []string
	for field, src := range cfg.Sources {
		if src != configparams.SourceDefault && src != "" {
			set = append(set, fmt.Sprintf("%s (%s)", field, src))
		}
	}
	sort.Strings(set)
	if len(set) == 0 {
		notes = append(notes, "settings: all at their defaults")
	} else {
		notes = append(notes, "settings not at their defaults: "+strings.Join(set, ", "))
	}
	return notes
}

func isRegular(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
