// Package imp is the agent API module of the imp object: the read-only
// imp.configparams, and imp.wakeup / imp.cancelwakeup timers on the
// session clock.
package imp

import (
	"encoding/json"
	"fmt"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/dop251/goja"
)

// Module installs imp.
type Module struct {
	env *agentapi.Env
}

// New returns the module.
func New() *Module { return &Module{} }

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
	wakeups := agentapi.NewWakeups(env.Runtime, env.Loop, func(fn goja.Callable) { env.Loop.Call(fn, goja.Undefined()) })
	_ = o.Set("wakeup", wakeups.Wakeup)
	_ = o.Set("cancelwakeup", wakeups.Cancel)
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
