// Package devicesim runs a device script beside the agent: a second
// runtime (a scriptvm.Companion) on the agent's loop and clock, attached to
// the Device side of a device.Link. The device sees the imp's device-side
// API in part, enough to talk to its agent and keep time: agent.on,
// agent.send, server.log, server.error, server.isconnected, imp.wakeup,
// imp.cancelwakeup, imp.sleep, imp.environment, hardware.millis,
// hardware.micros, time() and blob(). There is no hardware emulation.
//
// Everything here runs on the loop goroutine.
package devicesim

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/device"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// Send error codes of agent.send, as the imp's device API returns them.
const (
	SendOK           = 0
	SendNotConnected = 1 // SEND_ERROR_NOT_CONNECTED
)

// Device is a running device script.
type Device struct {
	loop  *scriptvm.Loop
	comp  *scriptvm.Companion
	rt    *goja.Runtime
	emit  Emit
	link  *device.Link
	blobs *agentapi.Blobs
	start time.Time

	handlers map[string]goja.Callable
	wakeups  *agentapi.Wakeups
	globals  []string
	printers map[*goja.Object]bool
}

// Emit writes one log entry of the device ([Device] lines): a line, or an
// error and its stack. The host passes its log limiter's.
type Emit func(level slog.Level, lines ...string)

// Prepare, when given to Start, runs once the device's globals are
// defined and before any of its code: a language compiled to JavaScript
// (Squirrel) installs its runtime over them there. An error stops the
// device from starting.
type Prepare func(d *Device) error

// Start prepares the device script prg on loop, attached to link's Device
// side. In the loop's first timer after the agent's top level, the link
// comes up and the device's top level runs, in that one task; the agent's
// device.onconnect runs in the next task, and what the device's top level
// sent arrives after it. A top-level throw is logged as a [Device] error;
// the handlers registered before it stay. prepare may be nil. Call it
// before the loop runs.
func Start(loop *scriptvm.Loop, link *device.Link, emit Emit, prg *goja.Program, prepare Prepare) (*Device, error) {
	d := &Device{loop: loop, emit: emit, link: link, handlers: map[string]goja.Callable{},
		printers: map[*goja.Object]bool{}}
	d.comp = loop.NewCompanion(func(se *scriptvm.ScriptError) { emit(slog.LevelError, se.Lines()...) })
	d.rt = d.comp.Runtime()
	d.wakeups = agentapi.NewWakeups(d.rt, loop, func(fn goja.Callable) { d.comp.Call(fn, goja.Undefined()) })
	d.blobs = agentapi.NewBlobs(d.rt)
	d.blobs.AllocError = loop.AllocError
	d.install()
	if prepare != nil {
		if err := prepare(d); err != nil {
			return nil, err
		}
	}
	side := link.Device
	side.OnMessage = d.receive
	side.OnDrop = func(name string) {
		d.warn(fmt.Sprintf("message %q from the agent dropped: the link went down before it arrived", name))
	}
	loop.SetTimer(0, func() {
		// The device boots connected: what its top level sends arrives
		// after the agent's device.onconnect.
		d.start = loop.Clock().Now()
		link.SetConnected(true)
		if err := d.comp.RunProgram(prg); err != nil {
			emit(slog.LevelError, scriptvm.AsScriptError(err).Lines()...)
		}
	})
	return d, nil
}

// Runtime is the device's runtime; Companion runs it on the loop.
func (d *Device) Runtime() *goja.Runtime { return d.rt }

// Companion is the device's runtime on the agent's loop.
func (d *Device) Companion() *scriptvm.Companion { return d.comp }

// Globals names the device's globals, Blobs makes its blobs.
func (d *Device) Globals() []string { return append([]string(nil), d.globals...) }

// Blobs makes and reads the device's blobs.
func (d *Device) Blobs() *agentapi.Blobs { return d.blobs }

// Now is the session clock's time.
func (d *Device) Now() time.Time { return d.loop.Clock().Now() }

// IsPrinter reports whether fn is the device's server.log or server.error,
// which print their arguments (see agentapi.Env.Prints).
func (d *Device) IsPrinter(fn *goja.Object) bool { return d.printers[fn] }

func (d *Device) warn(msg string) { d.emit(slog.LevelWarn, msg) }

func (d *Device) throwf(format string, args ...any) {
	panic(d.rt.NewTypeError("%s", fmt.Sprintf(format, args...)))
}

// install defines the device's globals.
func (d *Device) install() {
	rt := d.rt
	g := rt.GlobalObject()
	agent := rt.NewObject()
	_ = agent.Set("on", d.on)
	_ = agent.Set("send", d.send)
	server := rt.NewObject()
	_ = server.Set("log", func(call goja.FunctionCall) goja.Value { return d.print(call, "server.log", slog.LevelInfo) })
	_ = server.Set("error", func(call goja.FunctionCall) goja.Value { return d.print(call, "server.error", slog.LevelError) })
	_ = server.Set("isconnected", func(goja.FunctionCall) goja.Value { return rt.ToValue(d.link.Connected()) })
	imp := rt.NewObject()
	_ = imp.Set("wakeup", d.wakeups.Wakeup)
	_ = imp.Set("cancelwakeup", d.wakeups.Cancel)
	_ = imp.Set("environment", func(goja.FunctionCall) goja.Value { return rt.ToValue(agentapi.EnvironmentModule) })
	_ = imp.Set("sleep", func(call goja.FunctionCall) goja.Value {
		agentapi.Sleep(rt, d.loop, call.Argument(0))
		return goja.Undefined()
	})
	hw := rt.NewObject()
	_ = hw.Set("millis", func(goja.FunctionCall) goja.Value {
		return rt.ToValue(d.loop.Clock().Now().Sub(d.start).Milliseconds())
	})
	_ = hw.Set("micros", func(goja.FunctionCall) goja.Value {
		return rt.ToValue(d.loop.Clock().Now().Sub(d.start).Microseconds())
	})
	d.printers[server.Get("log").(*goja.Object)] = true
	d.printers[server.Get("error").(*goja.Object)] = true
	globals := map[string]goja.Value{
		"agent": agent, "server": server, "imp": imp, "hardware": hw,
		"blob": d.blobs.Constructor(),
		"time": rt.ToValue(func(goja.FunctionCall) goja.Value { return rt.ToValue(d.loop.Clock().Now().Unix()) }),
	}
	for _, name := range []string{"agent", "server", "imp", "hardware", "blob", "time"} {
		v := globals[name]
		d.globals = append(d.globals, name)
		if obj, ok := v.(*goja.Object); ok {
			agentapi.NameFunc(rt, v, name)
			agentapi.NameMethods(rt, name, obj)
		}
		_ = g.DefineDataProperty(name, v, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	}
	_ = agentapi.DefineEnvironments(rt, func(name string, v goja.Value) error {
		d.globals = append(d.globals, name)
		return g.DefineDataProperty(name, v, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	})
}

func (d *Device) print(call goja.FunctionCall, where string, level slog.Level) goja.Value {
	if len(call.Arguments) == 0 {
		d.throwf("%s: missing argument 'value'", where)
	}
	d.emit(level, agentapi.FormatValue(call.Arguments[0], d.comp.Text))
	return goja.Undefined()
}

// on(name, callback): the handler of one message name from the agent.
func (d *Device) on(call goja.FunctionCall) goja.Value {
	name, ok := agentapi.StringArg(call.Argument(0))
	if !ok {
		d.throwf("agent.on: argument 'messageName' must be a string, got %s", agentapi.Describe(call.Argument(0)))
	}
	cb := call.Argument(1)
	if agentapi.IsAbsent(cb) {
		delete(d.handlers, name)
		return goja.Undefined()
	}
	fn, ok := goja.AssertFunction(cb)
	if !ok {
		d.throwf("agent.on: argument 'callback' must be a function or null, got %s", agentapi.Describe(cb))
	}
	d.handlers[name] = fn
	return goja.Undefined()
}

// send(name, data) → 0, or SendNotConnected when the link is down. As
// the agent's device.send: a bad argument throws a TypeError, a message
// over device.MaxMessage a RangeError.
func (d *Device) send(call goja.FunctionCall) goja.Value {
	name, ok := agentapi.StringArg(call.Argument(0))
	if !ok {
		d.throwf("agent.send: argument 'messageName' must be a string, got %s", agentapi.Describe(call.Argument(0)))
	}
	if len(call.Arguments) < 2 {
		d.throwf("agent.send: missing argument 'data' (pass null to send none)")
	}
	data, err := device.Serialise(d.blobs, call.Argument(1))
	if err != nil {
		d.throwf("agent.send(%q): %v", name, err)
	}
	switch err := d.link.Device.Send(name, data); {
	case err == device.ErrNotConnected:
		return d.rt.ToValue(SendNotConnected)
	case err != nil:
		agentapi.ThrowRangeError(d.rt, fmt.Sprintf("agent.send(%q): %v", name, err))
	}
	return d.rt.ToValue(SendOK)
}

func (d *Device) receive(name string, data []byte) {
	fn := d.handlers[name]
	if fn == nil {
		d.warn(fmt.Sprintf("message %q from the agent dropped: no agent.on handler for it", name))
		return
	}
	d.comp.Call(fn, goja.Undefined(), device.Deserialise(d.rt, d.blobs, data))
}
