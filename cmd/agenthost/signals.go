package main

import (
	"context"
	"fmt"
	"os"
	"syscall"

	"github.com/agenthost/agenthost/exitcode"
)

// interruptContext returns a context cancelled by the first SIGINT or
// SIGTERM, and its stop function, which the caller must call when the
// command ends (it stops the watching goroutine and signal delivery). A
// second signal before stop prints a line and calls st.Exit with
// exitcode.Forced, without waiting for anything.
func (st *State) interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	st.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-ch:
			cancel()
		case <-done:
			return
		}
		select {
		case <-ch:
			fmt.Fprintln(st.Stderr, "agenthost: second interrupt, exiting without cleanup")
			st.Exit(exitcode.Forced)
		case <-done:
		}
	}()
	return ctx, func() {
		st.StopNotify(ch)
		close(done)
		<-watched
		cancel()
	}
}
