package main

import (
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build info.
var version = ""

const versionUsage = `Usage: agenthost version

Prints "agenthost" and the version: the one set at build time, else the
module version, else (devel).

Exit codes:
  0    the version was printed
  2    an argument was given
`

// versionCmd is `agenthost version`. Exit codes: see versionUsage.
func versionCmd(st *State, args []string) error {
	f := newFlags("version", versionUsage)
	if help, err := f.noArgs(st, args); help || err != nil {
		return err
	}
	fmt.Fprintln(st.Stdout, "agenthost", versionString())
	return nil
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
