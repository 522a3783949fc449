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
	"runtime/debug"
)

// agentGCPercent is the garbage collector's GOGC for run and test when
// the environment sets none. An agent's live heap is a few MiB (its VM
// and the API), so at Go's default of 100 the collector runs every few
// thousand messages and costs about as much CPU per message as the
// message itself; at 400 the heap may hold four times its live size in
// garbage (tens of MiB) before a collection. limits.memory counts the
// live heap, not garbage. Fleets keep Go's default: there memory per
// agent matters more.
const agentGCPercent = 400

// gcPercent is the GOGC main sets for the command line args (without the
// program name), and whether it sets one: agentGCPercent for run and test
// unless GOGC is in the environment.
func gcPercent(args []string, getenv func(string) string) (int, bool) {
	if len(args) == 0 || getenv("GOGC") != "" || args[0] != "run" && args[0] != "test" {
		return 0, false
	}
	return agentGCPercent, true
}

// memoryLimitHeadroom is what run adds to limits.memory for the Go
// runtime's soft memory limit: as the process's Go memory (heap with its
// garbage, stacks, runtime structures) nears budget + headroom, the
// collector runs sooner and harder, which keeps garbage from carrying the
// process past the bound the README promises (limits.memory plus 192 MiB)
// while GOGC is high, and slows a script that grows its heap until the
// watchdog stops it (measured: an array-growth attack peaked at 350 MiB
// RSS with the limit, 425-440 MiB without).
const memoryLimitHeadroom = 96 << 20

func main() {
	if p, ok := gcPercent(os.Args[1:], os.Getenv); ok {
		debug.SetGCPercent(p)
	}
	os.Exit(Run(&State{
		Args:           os.Args[1:],
		Stdout:         os.Stdout,
		Stderr:         os.Stderr,
		Getenv:         os.Getenv,
		Dir:            ".",
		Notify:         signal.Notify,
		StopNotify:     signal.Stop,
		Exit:           os.Exit,
		SetMemoryLimit: func(n int64) { debug.SetMemoryLimit(n) },
	}))
}
