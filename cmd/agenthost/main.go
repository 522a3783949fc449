// Command agenthost runs Electric-Imp-style agent scripts on this machine.
//
// The CLI only parses arguments, wires signals and maps errors to exit
// codes; the work is done by package host. main builds the real process
// state and hands it to [Run]; everything else takes its process state
// from a [State], so tests run the commands in-process.
package main

import (
	"os"
	"os/signal"
)

func main() {
	os.Exit(Run(&State{
		Args:       os.Args[1:],
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		Dir:        ".",
		Notify:     signal.Notify,
		StopNotify: signal.Stop,
		Exit:       os.Exit,
	}))
}
