package main

import "fmt"

const limitsUsage = `Usage: agenthost limits [flags]

Prints the effective rate limits (the limits: section of the config over the
defaults) and where each value came from: "default" or FILE:LINE.

Flags:
`

// limitsCmd is `agenthost limits`. Exit code 2 for the command line or
// config.
func limitsCmd(st *State, args []string) error {
	f := newFlags("limits", limitsUsage)
	var cf configFlags
	f.StringVar(&cf.config, "config", "", "config `FILE` (default: agenthost.yaml in the working directory, if present; env AGENTHOST_CONFIG)")
	if help, err := f.noArgs(st, args); help || err != nil {
		return err
	}
	cfg, err := cf.load(st, f, "")
	if err != nil {
		return err
	}
	fmt.Fprint(st.Stdout, cfg.FormatLimits())
	return nil
}
