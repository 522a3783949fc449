// Package timedate is the agent API module of the imp's global time() and
// date([t]) functions, read from the session clock (real or virtual).
package timedate

import (
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/dop251/goja"
)

// Module installs time and date.
type Module struct{ env *agentapi.Env }

// New returns the module.
func New() *Module { return &Module{} }

// Name implements agentapi.Module.
func (*Module) Name() string { return "time/date" }

// Install implements agentapi.Module.
func (m *Module) Install(env *agentapi.Env) error {
	m.env = env
	if err := env.Define("time", env.Runtime.ToValue(m.time)); err != nil {
		return err
	}
	return env.Define("date", env.Runtime.ToValue(m.date))
}

// time() is whole epoch seconds on the host clock.
func (m *Module) time(goja.FunctionCall) goja.Value {
	return m.env.Runtime.ToValue(m.env.Now().Unix())
}

// date([t]) is a table describing t (default now) in UTC: sec, min, hour,
// day, month (0-11), year, wday, yday, time and usec.
func (m *Module) date(call goja.FunctionCall) goja.Value {
	env := m.env
	t := env.Now().UTC()
	if v := call.Argument(0); !agentapi.IsAbsent(v) {
		sec, ok := agentapi.IntArg(v)
		if !ok {
			env.Throwf("date: argument 'time' must be an integer number of epoch seconds, got %s", agentapi.Describe(v))
		}
		t = time.Unix(sec, 0).UTC()
	}
	o := env.Runtime.NewObject()
	_ = o.Set("sec", t.Second())
	_ = o.Set("min", t.Minute())
	_ = o.Set("hour", t.Hour())
	_ = o.Set("day", t.Day())
	_ = o.Set("month", int(t.Month())-1)
	_ = o.Set("year", t.Year())
	_ = o.Set("wday", int(t.Weekday()))
	_ = o.Set("yday", t.YearDay()-1)
	_ = o.Set("time", t.Unix())
	_ = o.Set("usec", t.Nanosecond()/1000)
	return o
}
