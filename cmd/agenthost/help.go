package main

import (
	"fmt"

	"github.com/agenthost/agenthost/exitcode"
)

const helpUsage = `Usage: agenthost help [COMMAND]

Shows what agenthost does and its commands, or the usage and flags of
COMMAND (the same as 'agenthost COMMAND --help').

Exit codes:
  0    the help was printed
  2    an unknown COMMAND, or more than one
`

// helpCmd is `agenthost help`. Help goes to stdout. Exit codes: see
// helpUsage.
func helpCmd(st *State, args []string) error {
	f := newFlags("help", helpUsage)
	pos, help, err := f.parse(st, args)
	if help || err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		fmt.Fprint(st.Stdout, mainUsage)
		return nil
	case 1:
		cmd, ok := lookup(pos[0])
		if !ok {
			return &argError{cmd: "help", err: exitcode.Errorf(exitcode.Usage, "unknown command %q", pos[0]), usage: printMainUsage}
		}
		return cmd(st, []string{"--help"})
	default:
		return f.usageErr("want at most one COMMAND, got %d", len(pos))
	}
}
