// Package device is the agent API module of the imp's device object
// (device.on, device.send, device.onconnect, device.ondisconnect,
// device.isconnected) and the Link that carries messages between the
// agent and whoever plays its device: a device script (package
// devicesim) or the test runner.
package device

import (
	"fmt"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/impvalue"
	"github.com/dop251/goja"
)

// Module installs device.
type Module struct {
	env  *agentapi.Env
	link *Link

	handlers               map[string]goja.Callable
	onConnect, onDisconnct goja.Callable
}

// New returns the module over link's Agent side.
func New(link *Link) *Module {
	return &Module{link: link, handlers: map[string]goja.Callable{}}
}

// Name implements agentapi.Module.
func (*Module) Name() string { return "device" }

// Install implements agentapi.Module.
func (m *Module) Install(env *agentapi.Env) error {
	m.env = env
	side := m.link.Agent
	side.OnMessage = m.receive
	side.OnConnect = func() { m.fire(m.onConnect) }
	side.OnDisconnect = func() { m.fire(m.onDisconnct) }
	side.OnDrop = func(name string) {
		env.Log.StatusWarn(fmt.Sprintf("message %q from the device dropped: the device disconnected before it arrived", name))
	}
	return env.DefineLazy("device", m.object)
}

// object makes the device global's object. Loop only.
func (m *Module) object() goja.Value {
	env := m.env
	o := env.Runtime.NewObject()
	_ = o.Set("on", m.on)
	_ = o.Set("send", m.send)
	_ = o.Set("onconnect", func(call goja.FunctionCall) goja.Value {
		m.onConnect = m.handler(call, "device.onconnect")
		return goja.Undefined()
	})
	_ = o.Set("ondisconnect", func(call goja.FunctionCall) goja.Value {
		m.onDisconnct = m.handler(call, "device.ondisconnect")
		return goja.Undefined()
	})
	_ = o.Set("isconnected", func(goja.FunctionCall) goja.Value { return env.Runtime.ToValue(m.link.Connected()) })
	return o
}

func (m *Module) handler(call goja.FunctionCall, where string) goja.Callable {
	if len(call.Arguments) == 0 {
		m.env.Throwf("%s: missing argument 'callback'", where)
	}
	fn, _ := m.env.Callback(call.Argument(0), where+": argument 'callback'")
	return fn
}

func (m *Module) fire(fn goja.Callable) {
	if fn != nil {
		m.env.Loop.Call(fn, goja.Undefined())
	}
}

// on(name, callback) registers the handler of one message name; a second
// registration replaces the first; null removes it.
func (m *Module) on(call goja.FunctionCall) goja.Value {
	name, ok := agentapi.StringArg(call.Argument(0))
	if !ok {
		m.env.Throwf("device.on: argument 'messageName' must be a string, got %s", agentapi.Describe(call.Argument(0)))
	}
	fn := m.handler(goja.FunctionCall{Arguments: call.Arguments[1:]}, "device.on")
	if fn == nil {
		delete(m.handlers, name)
	} else {
		m.handlers[name] = fn
	}
	return goja.Undefined()
}

// send(name, data) sends one message to the device. data is required and
// must be serialisable (no functions); a message to a disconnected device
// is dropped with a [Status] warning, as the imp loses it.
func (m *Module) send(call goja.FunctionCall) goja.Value {
	env := m.env
	name, ok := agentapi.StringArg(call.Argument(0))
	if !ok {
		env.Throwf("device.send: argument 'messageName' must be a string, got %s", agentapi.Describe(call.Argument(0)))
	}
	if len(call.Arguments) < 2 {
		env.Throwf("device.send: missing argument 'data' (pass null to send none)")
	}
	data, err := Serialise(env.Blobs, call.Argument(1))
	if err != nil {
		env.Throwf("device.send(%q): %v", name, err)
	}
	switch err := m.link.Agent.Send(name, data); {
	case err == ErrNotConnected:
		env.Log.StatusWarn(fmt.Sprintf("device.send(%q): the device is not connected; message dropped", name))
	case err != nil:
		env.ThrowRange("device.send(%q): %v", name, err)
	}
	return goja.Undefined()
}

// receive delivers a message from the device to its handler.
func (m *Module) receive(name string, data []byte) {
	fn := m.handlers[name]
	if fn == nil {
		m.env.Log.StatusWarn(fmt.Sprintf("message %q from the device dropped: no device.on handler for it", name))
		return
	}
	m.env.Loop.Call(fn, goja.Undefined(), Deserialise(m.env.Runtime, m.env.Blobs, data))
}

// Serialise converts a script value into a message's data; the error
// names the culprit ("data.cb is a function, which cannot be serialised").
func Serialise(blobs *agentapi.Blobs, v goja.Value) ([]byte, error) {
	val, err := impvalue.FromJS(v, blobs, "data")
	if err != nil {
		return nil, err
	}
	return impvalue.Marshal(val), nil
}

// Deserialise builds the script value of a message's data in rt.
func Deserialise(rt *goja.Runtime, blobs *agentapi.Blobs, data []byte) goja.Value {
	v, err := impvalue.Unmarshal(data)
	if err != nil { // only Marshal's output ever gets here
		panic(fmt.Sprintf("device: corrupt message data: %v", err))
	}
	return impvalue.ToJS(rt, blobs, v)
}
