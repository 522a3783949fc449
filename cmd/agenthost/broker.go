package main

import (
	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/host"
)

const brokerUsage = `Usage: agenthost broker [flags]

Runs the embedded MQTT broker alone (the embedded: section of the config),
until Ctrl-C/SIGTERM. Point mosquitto_pub/_sub or an agent run with
--broker tcp://ADDR at it.

Exit codes:
  0    Ctrl-C/SIGTERM stopped the broker
  2    bad command line or config
  3    the broker could not listen (e.g. the port is in use) or stop cleanly
  130  a second Ctrl-C ended it without cleaning up

Flags:
`

// brokerCmd is `agenthost broker`. Exit codes: see brokerUsage.
func brokerCmd(st *State, args []string) error {
	f := newFlags("broker", brokerUsage)
	var cf configFlags
	cf.register(f, false, "")
	listen := f.String("listen", "", "TCP listen `ADDR` (default embedded.listen, else 127.0.0.1:1883; env AGENTHOST_EMBEDDED_LISTEN)")
	if help, err := f.noArgs(st, args); help || err != nil {
		return err
	}
	cfg, _, err := cf.load(st, f, "")
	if err != nil {
		return err
	}
	if *listen != "" {
		if err := cfg.Set("embedded.listen", *listen, "flag --listen"); err != nil {
			return exitcode.New(exitcode.Usage, err, "")
		}
	}
	if cfg.Sources["embedded.listen"] == "default" {
		// Alone, the broker is for other programs to find: a fixed port.
		cfg.Embedded.Listen = "127.0.0.1:1883"
	}
	ctx, stop := st.interruptContext()
	defer stop()
	return host.RunBroker(ctx, cfg, st.Stdout, st.Stderr)
}
