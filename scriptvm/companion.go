package scriptvm

import (
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
	*script
}

// NewCompanion adds a runtime to the loop. onError receives its uncaught
// exceptions (nil drops them). Call it before Run.
func (l *Loop) NewCompanion(onError func(*ScriptError)) *Companion {
	c := &Companion{script: newScript(l, goja.New(), DefaultMaxCallStack, onError)}
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
		return c.ScriptError(err)
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

// SetDialect makes the companion report its errors through d (see
// Dialect). Call it before the companion runs code.
func (c *Companion) SetDialect(d *Dialect) { c.dialect = d }
