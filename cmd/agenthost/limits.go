package main

import "fmt"

const limitsUsage = `Usage: agenthost limits [flags]

Prints the effective rate limits (the limits: section of the config over the
defaults) and where each value came from: "default" or FILE:LINE.

Exit codes:
  0    the limits were printed
  2    bad command line or config

Flags:
`

// limitsCmd is `agenthost limits`. Exit codes: see limitsUsage.
func limitsCmd(st *State, args []string) error {
	f := newFlags("limits", limitsUsage)
	var cf configFlags
	cf.registerConfig(f, "", "")
	if help, err := f.noArgs(st, args); help || err != nil {
		return err
	}
	cfg, _, err := cf.load(st, f, "")
	if err != nil {
		return err
	}
	fmt.Fprint(st.Stdout, cfg.FormatLimits())
	return nil
}
