// Package imp is the agent API module of the imp object: the read-only
// imp.configparams, and imp.wakeup / imp.cancelwakeup timers on the
// session clock.
package imp

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// MaxWakeupCentis is the longest imp.wakeup interval, in centiseconds.
const MaxWakeupCentis = 1 << 30

// Module installs imp.
type Module struct {
	env *agentapi.Env
	// pending maps a wakeup handle to its timer; fired or cancelled timers
	// are removed, so cancelling them is a no-op.
	pending map[*goja.Object]*wakeup
	// names lists pending timers per name; known remembers every name ever
	// used, so cancelling the name of a timer that already fired is a no-op
	// while a name never used throws.
	names map[string][]*wakeup
	known map[string]bool
}

type wakeup struct {
	timer  *scriptvm.Timer
	handle *goja.Object
	name   string
}

// New returns the module.
func New() *Module {
	return &Module{pending: map[*goja.Object]*wakeup{}, names: map[string][]*wakeup{}, known: map[string]bool{}}
}

// Name implements agentapi.Module.
func (*Module) Name() string { return "imp" }

// Install implements agentapi.Module.
func (m *Module) Install(env *agentapi.Env) error {
	m.env = env
	o := env.Runtime.NewObject()
	params, err := m.configparams()
	if err != nil {
		return err
	}
	if err := o.DefineDataProperty("configparams", params, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
		return err
	}
	_ = o.Set("wakeup", m.wakeup)
	_ = o.Set("cancelwakeup", m.cancelwakeup)
	_ = o.Set("environment", func(goja.FunctionCall) goja.Value { return env.Runtime.ToValue(agentapi.EnvironmentAgent) })
	_ = o.Set("sleep", func(call goja.FunctionCall) goja.Value {
		agentapi.Sleep(env.Runtime, env.Loop, call.Argument(0))
		return goja.Undefined()
	})
	if err := env.Define("imp", o); err != nil {
		return err
	}
	return agentapi.DefineEnvironments(env.Runtime, env.Define)
}

// configparams builds a deep-frozen copy of the configured parameters.
func (m *Module) configparams() (goja.Value, error) {
	rt := m.env.Runtime
	params := m.env.ConfigParams
	if params == nil {
		params = map[string]any{}
	}
	data, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("configparams: %w", err)
	}
	parse, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
	v, err := parse(goja.Undefined(), rt.ToValue(string(data)))
	if err != nil {
		return nil, err
	}
	freeze, _ := goja.AssertFunction(rt.Get("Object").ToObject(rt).Get("freeze"))
	var deepFreeze func(goja.Value)
	deepFreeze = func(v goja.Value) {
		obj, ok := v.(*goja.Object)
		if !ok {
			return
		}
		for _, k := range obj.Keys() {
			deepFreeze(obj.Get(k))
		}
		_, _ = freeze(goja.Undefined(), obj)
	}
	deepFreeze(v)
	return v, nil
}

// wakeup(seconds, callback[, name]) schedules callback after seconds,
// rounded up to 0.01 s, and returns a handle for cancelwakeup.
func (m *Module) wakeup(call goja.FunctionCall) goja.Value {
	env := m.env
	secV := call.Argument(0)
	sec, ok := agentapi.NumberArg(secV)
	if !ok || math.IsNaN(sec) || sec < 0 {
		env.Throwf("imp.wakeup: argument 'seconds' must be a number >= 0, got %s", agentapi.Describe(secV))
	}
	centis := math.Ceil(sec*100 - 1e-9)
	if centis > MaxWakeupCentis {
		env.ThrowRange("imp.wakeup: argument 'seconds' must be at most %d (2^30 centiseconds), got %s", MaxWakeupCentis/100, secV.String())
	}
	fn, _ := env.Callback(call.Argument(1), "imp.wakeup: argument 'callback'")
	if fn == nil {
		env.Throwf("imp.wakeup: argument 'callback' must be a function, got %s", agentapi.Describe(call.Argument(1)))
	}
	name := ""
	if n := call.Argument(2); !agentapi.IsAbsent(n) {
		s, ok := agentapi.StringArg(n)
		if !ok {
			env.Throwf("imp.wakeup: argument 'name' must be a string, got %s", agentapi.Describe(n))
		}
		name = s
	}
	w := &wakeup{handle: env.Runtime.NewObject(), name: name}
	w.timer = env.Loop.SetTimer(time.Duration(centis)*10*time.Millisecond, func() {
		m.forget(w)
		env.Loop.Call(fn, goja.Undefined())
	})
	m.pending[w.handle] = w
	if name != "" {
		m.names[name] = append(m.names[name], w)
		m.known[name] = true
	}
	return w.handle
}

func (m *Module) forget(w *wakeup) {
	delete(m.pending, w.handle)
	if w.name == "" {
		return
	}
	list := m.names[w.name]
	for i, x := range list {
		if x == w {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(m.names, w.name)
	} else {
		m.names[w.name] = list
	}
}

// cancelwakeup(timerOrName) cancels a pending wakeup by handle, or every
// pending wakeup with that name.
func (m *Module) cancelwakeup(call goja.FunctionCall) goja.Value {
	env := m.env
	v := call.Argument(0)
	if s, ok := agentapi.StringArg(v); ok {
		if !m.known[s] {
			env.Throwf("imp.cancelwakeup: no wakeup was ever named %q", s)
		}
		for _, w := range append([]*wakeup(nil), m.names[s]...) {
			env.Loop.CancelTimer(w.timer)
			m.forget(w)
		}
		return goja.Undefined()
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		env.Throwf("imp.cancelwakeup: argument 'timer' must be a handle returned by imp.wakeup or a wakeup name, got %s", agentapi.Describe(v))
	}
	if w, ok := m.pending[obj]; ok {
		env.Loop.CancelTimer(w.timer)
		m.forget(w)
	}
	return goja.Undefined()
}
