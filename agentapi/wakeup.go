package agentapi

import (
	"fmt"
	"math"
	"time"

	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// MaxWakeupCentis is the longest imp.wakeup interval, in centiseconds.
const MaxWakeupCentis = 1 << 30

// Wakeups are the imp.wakeup timers of one runtime, on its loop's clock:
// the agent's imp module and a simulated device each have one, so both
// sides check their arguments, throw and cancel the same way. Loop only.
type Wakeups struct {
	rt   *goja.Runtime
	loop *scriptvm.Loop
	call func(fn goja.Callable)
	// pending maps a wakeup handle to its timer; fired or cancelled timers
	// are removed, so cancelling them is a no-op.
	pending map[*goja.Object]*wakeupTimer
	// names lists pending timers per name; known remembers every name ever
	// used, so cancelling the name of a timer that already fired is a no-op
	// while a name never used throws.
	names map[string][]*wakeupTimer
	known map[string]bool
}

type wakeupTimer struct {
	timer  *scriptvm.Timer
	handle *goja.Object
	name   string
}

// NewWakeups returns the wakeups of rt, whose timers run on loop; call
// runs a due callback in rt and reports what it throws (Loop.Call for the
// agent, Companion.Call for a device).
func NewWakeups(rt *goja.Runtime, loop *scriptvm.Loop, call func(fn goja.Callable)) *Wakeups {
	return &Wakeups{rt: rt, loop: loop, call: call, pending: map[*goja.Object]*wakeupTimer{},
		names: map[string][]*wakeupTimer{}, known: map[string]bool{}}
}

// Wakeup is imp.wakeup(seconds, callback[, name]): it schedules callback
// after seconds, rounded up to 0.01 s, and returns a handle for Cancel. A
// seconds that is not a number >= 0, a callback that is not a function or
// a name that is not a string throws a TypeError; seconds over 2^30
// centiseconds a RangeError.
func (w *Wakeups) Wakeup(call goja.FunctionCall) goja.Value {
	rt := w.rt
	secV := call.Argument(0)
	sec, ok := NumberArg(secV)
	if !ok || math.IsNaN(sec) || sec < 0 {
		ThrowType(rt, "imp.wakeup: argument 'seconds' must be a number >= 0, got "+Describe(secV))
	}
	centis := math.Ceil(sec*100 - 1e-9)
	if centis > MaxWakeupCentis {
		ThrowRangeError(rt, "imp.wakeup: argument 'seconds' must be at most 10737418 (2^30 centiseconds), got "+secV.String())
	}
	fn, ok := goja.AssertFunction(call.Argument(1))
	if !ok {
		ThrowType(rt, "imp.wakeup: argument 'callback' must be a function, got "+Describe(call.Argument(1)))
	}
	name := ""
	if n := call.Argument(2); !IsAbsent(n) {
		s, ok := StringArg(n)
		if !ok {
			ThrowType(rt, "imp.wakeup: argument 'name' must be a string, got "+Describe(n))
		}
		name = s
	}
	t := &wakeupTimer{handle: rt.NewObject(), name: name}
	t.timer = w.loop.SetTimer(time.Duration(centis)*10*time.Millisecond, func() {
		w.forget(t)
		w.call(fn)
	})
	w.pending[t.handle] = t
	if name != "" {
		w.names[name] = append(w.names[name], t)
		w.known[name] = true
	}
	return t.handle
}

func (w *Wakeups) forget(t *wakeupTimer) {
	delete(w.pending, t.handle)
	if t.name == "" {
		return
	}
	list := w.names[t.name]
	for i, x := range list {
		if x == t {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(w.names, t.name)
	} else {
		w.names[t.name] = list
	}
}

// Cancel is imp.cancelwakeup(timerOrName): it cancels a pending wakeup by
// handle, or every pending wakeup with that name. A handle that already
// fired or was cancelled is a no-op, so is a name whose wakeups all have;
// a name never given to Wakeup, or anything but a handle or a string,
// throws a TypeError.
func (w *Wakeups) Cancel(call goja.FunctionCall) goja.Value {
	v := call.Argument(0)
	if s, ok := StringArg(v); ok {
		if !w.known[s] {
			ThrowType(w.rt, fmt.Sprintf("imp.cancelwakeup: no wakeup was ever named %q", s))
		}
		for _, t := range append([]*wakeupTimer(nil), w.names[s]...) {
			w.loop.CancelTimer(t.timer)
			w.forget(t)
		}
		return goja.Undefined()
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		ThrowType(w.rt, "imp.cancelwakeup: argument 'timer' must be a handle returned by imp.wakeup or a wakeup name, got "+Describe(v))
	}
	if t, ok := w.pending[obj]; ok {
		w.loop.CancelTimer(t.timer)
		w.forget(t)
	}
	return goja.Undefined()
}
