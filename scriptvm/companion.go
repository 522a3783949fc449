package scriptvm

import (
	"errors"
	"fmt"

	"github.com/dop251/goja"
)

// Companion is a second JavaScript runtime driven by a Loop: a simulated
// device beside the agent. Its code runs on the loop goroutine, as tasks of
// the loop (timers and operations are shared, so both runtimes live on one
// clock and virtual time stays coherent), under the same watchdog and
// cancellation; its errors and unhandled rejections go to its own OnError.
// Values of one runtime must never be handed to the other: pass data
// (serialised) between them.
type Companion struct {
	l       *Loop
	rt      *goja.Runtime
	onError func(*ScriptError)
	toText  goja.Callable

	rejected     map[*goja.Promise]int
	rejectedList []*goja.Promise
}

// NewCompanion adds a runtime to the loop. onError receives its uncaught
// exceptions (nil drops them). Call it before Run.
func (l *Loop) NewCompanion(onError func(*ScriptError)) *Companion {
	rt := goja.New()
	rt.SetTimeSource(l.clock.Now)
	rt.SetMaxCallStackSize(10000)
	toText, err := rt.RunString("(function (v) { return String(v); })")
	if err != nil {
		panic(fmt.Sprintf("scriptvm: creating a companion runtime: %v", err))
	}
	newGuardian(l, rt)
	c := &Companion{l: l, rt: rt, onError: onError}
	c.toText, _ = goja.AssertFunction(toText)
	rt.SetPromiseRejectionTracker(c.track)
	l.companions = append(l.companions, c)
	return c
}

// Runtime returns the companion's runtime. Loop only, or before Run.
func (c *Companion) Runtime() *goja.Runtime { return c.rt }

// RunProgram runs prg's top level in the companion; a throw is returned
// as a *ScriptError (and not reported). Loop only.
func (c *Companion) RunProgram(prg *goja.Program) error {
	_, err := c.rt.RunProgram(prg)
	c.reportRejections()
	if err != nil {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			if wd, ok := ie.Value().(*WatchdogError); ok {
				return watchdogError(ie, wd)
			}
		}
		return AsScriptError(err)
	}
	return nil
}

// Call calls fn, a function of the companion's runtime; an exception it
// throws goes to OnError and Call returns nil, false. Loop only.
func (c *Companion) Call(fn goja.Callable, this goja.Value, args ...goja.Value) (goja.Value, bool) {
	v, err := fn(this, args...)
	c.reportRejections()
	if err != nil {
		c.report(err)
		return nil, false
	}
	return v, true
}

func (c *Companion) report(err error) {
	if c.onError == nil {
		return
	}
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		if wd, ok := ie.Value().(*WatchdogError); ok {
			c.onError(watchdogError(ie, wd))
		}
		return // the run is being stopped
	}
	c.onError(AsScriptError(err))
}

// Text is Loop.Text for the companion's values. Loop only.
func (c *Companion) Text(v goja.Value) string {
	if v == nil {
		return "undefined"
	}
	if _, isObj := v.(*goja.Object); !isObj {
		return v.String()
	}
	out, err := c.toText(goja.Undefined(), v)
	if err != nil {
		return "<unprintable value>"
	}
	return out.String()
}

func (c *Companion) track(p *goja.Promise, op goja.PromiseRejectionOperation) {
	switch op {
	case goja.PromiseRejectionReject:
		if c.rejected == nil {
			c.rejected = map[*goja.Promise]int{}
		}
		c.rejected[p] = len(c.rejectedList)
		c.rejectedList = append(c.rejectedList, p)
	case goja.PromiseRejectionHandle:
		if i, ok := c.rejected[p]; ok {
			delete(c.rejected, p)
			c.rejectedList[i] = nil
		}
	}
}

func (c *Companion) reportRejections() {
	list := c.rejectedList
	c.rejectedList = nil
	clear(c.rejected)
	for _, p := range list {
		if p != nil && c.onError != nil {
			c.onError(rejectionError(c.Text, p.Result()))
		}
	}
}
