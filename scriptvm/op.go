package scriptvm

import "sync/atomic"

// OpKind says how an open operation holds the loop.
type OpKind int

const (
	// Hold keeps an UntilIdle run alive while the operation is open: a
	// connected client that may still receive messages, a test run that
	// is not finished.
	Hold OpKind = iota
	// Busy does what Hold does and, on a virtual clock, also stops time:
	// the loop waits for the operation instead of jumping to its next
	// timer. Use it for a network round trip whose answer belongs to the
	// present instant (a connect, a publish waiting for its PUBACK).
	Busy
	// Detached holds nothing: the loop may go idle and stop while it is
	// open. It is a door for work that may arrive at any time without
	// anything waiting for it (a request to a listener, a log line); what
	// it posts runs if the loop is still running.
	Detached
)

// Op is an asynchronous operation that has reserved the loop: the one door
// through which work from other goroutines reaches the loop. Begin opens
// it on the loop; the operation's goroutines hand results back with Post
// (any number of times) and Complete (once); End closes it from the loop
// without a result (a cancelled operation).
//
// An Op cannot be misused into a hang or a leak: the loop stops on
// cancellation whatever is open, a second Complete is ignored, and End may
// be called any number of times. End releases the reservation early but
// does not recall work already handed over: a function that arrives after
// End still runs, and must check whether its result is still wanted (so a
// message that arrives after its connection was cut can still be counted
// rather than vanish).
type Op struct {
	l      *Loop
	kind   OpKind
	ended  bool        // loop only: the reservation has been released
	closed atomic.Bool // Complete was called: later Posts and Completes are refused
}

// Begin reserves the loop for one operation of the given kind until the
// operation completes or is ended. Loop only, or before Run from the
// goroutine that will run it.
func (l *Loop) Begin(kind OpKind) *Op {
	switch kind {
	case Busy:
		l.busy++
		l.holds++
	case Hold:
		l.holds++
	}
	return &Op{l: l, kind: kind}
}

// Post runs fn on the loop, after the work queued before it; the
// operation stays open. It returns false, and fn never runs, when the
// operation has completed or the loop has stopped. Any goroutine.
func (op *Op) Post(fn func()) bool {
	if op.closed.Load() {
		return false
	}
	return op.l.enqueue(fn)
}

// Complete hands the operation's result to the loop: the reservation is
// released (if End has not done so) and then fn, which may be nil, runs on
// the loop. Only the first Complete counts; it returns false for later
// ones and when the loop has stopped, and then fn never runs. Any
// goroutine.
func (op *Op) Complete(fn func()) bool {
	if !op.closed.CompareAndSwap(false, true) {
		return false
	}
	return op.l.enqueue(func() {
		op.End()
		if fn != nil {
			fn()
		}
	})
}

// End releases the reservation now, before the operation's result has
// arrived (a cancelled operation). Work already handed over, or handed
// over later, still runs. Idempotent. Loop only.
func (op *Op) End() {
	if op.ended {
		return
	}
	op.ended = true
	switch op.kind {
	case Busy:
		op.l.busy--
		op.l.holds--
	case Hold:
		op.l.holds--
	}
}

// Ended reports whether the operation has completed or been ended. Loop only.
func (op *Op) Ended() bool { return op.ended }
