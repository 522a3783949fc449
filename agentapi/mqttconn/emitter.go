package mqttconn

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/mqttwire"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// eventNames are the events an MqttConnection emits: one per packet type,
// and connected, close and error.
var eventNames = func() map[string]bool {
	m := map[string]bool{"connected": true, "close": true, "error": true}
	for _, n := range mqttwire.TypeNames {
		if n != "" {
			m[n] = true
		}
	}
	return m
}()

func eventList() string {
	var names []string
	for n := range eventNames {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

type listener struct {
	fn   goja.Callable
	v    goja.Value // the function as given, for removeListener
	once bool
}

// emitter holds a connection's listeners. Loop only.
type emitter struct {
	listeners map[string][]*listener
}

func (e *emitter) add(name string, v goja.Value, fn goja.Callable, once bool) {
	if e.listeners == nil {
		e.listeners = map[string][]*listener{}
	}
	e.listeners[name] = append(e.listeners[name], &listener{fn: fn, v: v, once: once})
}

func (e *emitter) remove(name string, v goja.Value) {
	ls := e.listeners[name]
	for i, l := range ls {
		if l.v.SameAs(v) {
			e.listeners[name] = append(ls[:i:i], ls[i+1:]...)
			return
		}
	}
}

func (e *emitter) has(name string) bool { return len(e.listeners[name]) > 0 }

// emit calls name's listeners, in the order they were added, with args;
// once-listeners are removed first. An exception in a listener is reported
// as an uncaught error and the next listener still runs. It reports
// whether there was a listener.
func (e *emitter) emit(loop *scriptvm.Loop, this goja.Value, name string, args ...goja.Value) bool {
	ls := e.listeners[name]
	if len(ls) == 0 {
		return false
	}
	run := append([]*listener(nil), ls...)
	kept := ls[:0:0]
	for _, l := range ls {
		if !l.once {
			kept = append(kept, l)
		}
	}
	e.listeners[name] = kept
	for _, l := range run {
		loop.Call(l.fn, this, args...)
	}
	return true
}

// eventMethods installs on, once, removeListener and removeAllListeners on
// obj for c.
func (c *Conn) eventMethods(obj *goja.Object) {
	env := c.env
	rt := env.Runtime
	name := func(method string, v goja.Value) string {
		s, ok := agentapi.StringArg(v)
		if !ok || !eventNames[s] {
			env.Throwf("MqttConnection.%s: argument 'event' must be one of %s, got %s", method, eventList(), agentapi.Describe(v))
		}
		return s
	}
	fnArg := func(method string, v goja.Value) goja.Callable {
		fn, ok := goja.AssertFunction(v)
		if !ok {
			env.Throwf("MqttConnection.%s: argument 'listener' must be a function, got %s", method, agentapi.Describe(v))
		}
		return fn
	}
	on := func(method string, once bool) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			ev := name(method, call.Argument(0))
			c.events.add(ev, call.Argument(1), fnArg(method, call.Argument(1)), once)
			return obj
		}
	}
	_ = obj.Set("on", on("on", false))
	_ = obj.Set("addListener", on("addListener", false))
	_ = obj.Set("once", on("once", true))
	_ = obj.Set("removeListener", func(call goja.FunctionCall) goja.Value {
		ev := name("removeListener", call.Argument(0))
		fnArg("removeListener", call.Argument(1))
		c.events.remove(ev, call.Argument(1))
		return obj
	})
	_ = obj.Set("removeAllListeners", func(call goja.FunctionCall) goja.Value {
		if a := call.Argument(0); !agentapi.IsAbsent(a) {
			delete(c.events.listeners, name("removeAllListeners", a))
		} else {
			c.events.listeners = nil
		}
		return obj
	})
	_ = obj.Set("listenerCount", func(call goja.FunctionCall) goja.Value {
		return rt.ToValue(len(c.events.listeners[name("listenerCount", call.Argument(0))]))
	})
}

// newError makes a JS Error with message msg and, when code is not "",
// a code property (as Node's errors have: "ECONNREFUSED", -12...).
func newError(rt *goja.Runtime, msg string, code any) *goja.Object {
	obj, err := rt.New(rt.Get("Error"), rt.ToValue(msg))
	if err != nil {
		obj = rt.NewGoError(fmt.Errorf("%s", msg))
	}
	if code != nil {
		_ = obj.Set("code", code)
	}
	return obj
}
