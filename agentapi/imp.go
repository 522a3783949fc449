package agentapi

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// maxWakeupCentis is the longest imp.wakeup interval, in centiseconds.
const maxWakeupCentis = 1 << 30

type impModule struct {
	a *API
	// pending maps a wakeup handle to its timer; fired or cancelled timers
	// are removed, so cancelling them is a no-op.
	pending map[*goja.Object]*wakeup
	// names counts pending timers per name; known remembers every name ever
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

func newImp(a *API) *impModule {
	return &impModule{a: a, pending: map[*goja.Object]*wakeup{},
		names: map[string][]*wakeup{}, known: map[string]bool{}}
}

func (m *impModule) object() (goja.Value, error) {
	rt := m.a.rt
	o := rt.NewObject()
	params, err := m.configparams()
	if err != nil {
		return nil, err
	}
	if err := o.DefineDataProperty("configparams", params, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
		return nil, err
	}
	_ = o.Set("wakeup", m.wakeup)
	_ = o.Set("cancelwakeup", m.cancelwakeup)
	return o, nil
}

// configparams builds a deep-frozen copy of the configured parameters.
func (m *impModule) configparams() (goja.Value, error) {
	rt := m.a.rt
	params := m.a.opts.ConfigParams
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
func (m *impModule) wakeup(call goja.FunctionCall) goja.Value {
	a := m.a
	secV := call.Argument(0)
	sec, ok := secV.Export().(float64)
	if i, isInt := secV.Export().(int64); isInt {
		sec, ok = float64(i), true
	}
	if !ok || math.IsNaN(sec) || sec < 0 {
		a.throwf("imp.wakeup: argument 'seconds' must be a number >= 0, got %s", describe(secV))
	}
	centis := math.Ceil(sec*100 - 1e-9)
	if centis > maxWakeupCentis {
		a.throwRange("imp.wakeup: argument 'seconds' must be at most %d (2^30 centiseconds), got %s", maxWakeupCentis/100, secV.String())
	}
	fn, _ := a.callback(call.Argument(1), "imp.wakeup: argument 'callback'")
	if fn == nil {
		a.throwf("imp.wakeup: argument 'callback' must be a function, got %s", describe(call.Argument(1)))
	}
	name := ""
	if n := call.Argument(2); !goja.IsUndefined(n) && !goja.IsNull(n) {
		s, ok := n.Export().(string)
		if !ok {
			a.throwf("imp.wakeup: argument 'name' must be a string, got %s", describe(n))
		}
		name = s
	}
	w := &wakeup{handle: a.rt.NewObject(), name: name}
	w.timer = a.loop.SetTimer(time.Duration(centis)*10*time.Millisecond, func() {
		m.forget(w)
		a.loop.Call(fn, goja.Undefined())
	})
	m.pending[w.handle] = w
	if name != "" {
		m.names[name] = append(m.names[name], w)
		m.known[name] = true
	}
	return w.handle
}

func (m *impModule) forget(w *wakeup) {
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
func (m *impModule) cancelwakeup(call goja.FunctionCall) goja.Value {
	a := m.a
	v := call.Argument(0)
	if s, ok := v.Export().(string); ok {
		if !m.known[s] {
			a.throwf("imp.cancelwakeup: no wakeup was ever named %q", s)
		}
		for _, w := range append([]*wakeup(nil), m.names[s]...) {
			a.loop.CancelTimer(w.timer)
			m.forget(w)
		}
		return goja.Undefined()
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		a.throwf("imp.cancelwakeup: argument 'timer' must be a handle returned by imp.wakeup or a wakeup name, got %s", describe(v))
	}
	if w, ok := m.pending[obj]; ok {
		a.loop.CancelTimer(w.timer)
		m.forget(w)
	}
	return goja.Undefined()
}

// timeFn is the global time(): whole epoch seconds on the host clock.
func (a *API) timeFn() int64 { return a.loop.Clock().Now().Unix() }

// dateFn is the global date([t]): a table describing t (default now) in UTC.
func (a *API) dateFn(call goja.FunctionCall) goja.Value {
	now := a.loop.Clock().Now()
	t := now.UTC()
	if v := call.Argument(0); !goja.IsUndefined(v) && !goja.IsNull(v) {
		sec, ok := intArg(v)
		if !ok {
			a.throwf("date: argument 'time' must be an integer number of epoch seconds, got %s", describe(v))
		}
		t = time.Unix(sec, 0).UTC()
	}
	o := a.rt.NewObject()
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
