// Package agentapi is the seam between the host and what agent scripts
// see. An API module (the imp's mqtt, server, imp, blob, time/date; later
// http, device, crypto...) implements Module and installs its globals into
// one runtime, using the session's services from an Env: the loop (the one
// door for asynchronous work), the clock, the host's log, the rate
// limiters, blobs, the config and the state directory. Modules live in
// packages of their own (agentapi/mqtt, agentapi/server...) and reach each
// other only through these services; the host installs them from one
// ordered table.
//
// Everything here runs on the scriptvm loop goroutine unless a method says
// otherwise: no JS value is built or touched off the loop, and the loop
// never waits on the network.
package agentapi

import (
	"fmt"
	"time"

	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/report"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// Module is one piece of the agent API.
type Module interface {
	// Name names the module in errors, e.g. "mqtt".
	Name() string
	// Install creates the module's globals with env.Define. It is called
	// once per runtime, on the loop goroutine, before any script runs.
	Install(env *Env) error
}

// Closer is implemented by modules that hold resources beyond the runtime
// (network connections, goroutines, listeners). Close is called once,
// after the loop has stopped, from the goroutine that ran it; it returns
// only when the module's goroutines have ended.
type Closer interface {
	Close()
}

// Options are the session's settings the services are built from.
type Options struct {
	Loop *scriptvm.Loop
	Log  *hostlog.Clocked
	// ConfigParams becomes imp.configparams. It must hold JSON-compatible
	// values and a string "deviceid".
	ConfigParams map[string]any
	// StateDir is the agent's state directory; SaveFile, inside it, is
	// where server.save writes (atomically) and server.load reads.
	StateDir, SaveFile string
	// Limits are the rate limits; the zero value switches them all off.
	Limits Limits
	// Record, when set, receives every limiter decision (on the loop).
	Record func(report.Decision)
}

// Env is the services one runtime's modules share. Create it with NewEnv,
// then Install the modules. Loop only, unless a method says otherwise.
type Env struct {
	Loop    *scriptvm.Loop
	Runtime *goja.Runtime
	// Log writes the host's own [Status] lines (script lines go through
	// Limits.LogLine, which applies the log limit).
	Log *hostlog.Clocked
	// Limits are the rate limiters and size limits all modules share.
	Limits *Limiters
	// Blobs makes and reads the blob values modules pass to scripts.
	Blobs *Blobs
	// Events lets observers (the test runner) see traffic, and counts
	// what never reached the script.
	Events *Events
	// ConfigParams, StateDir and SaveFile are from Options.
	ConfigParams       map[string]any
	StateDir, SaveFile string

	modules  []Module
	globals  []string
	objects  map[string]*goja.Object // globals that are objects, for DefineMember
	printers map[*goja.Object]bool   // functions declared with Prints
}

// NewEnv builds the services of one runtime.
func NewEnv(opts Options) (*Env, error) {
	if opts.Loop == nil || opts.Log == nil {
		return nil, fmt.Errorf("agentapi: Loop and Log are required")
	}
	e := &Env{
		Loop:         opts.Loop,
		Runtime:      opts.Loop.Runtime(),
		Log:          opts.Log,
		ConfigParams: opts.ConfigParams,
		StateDir:     opts.StateDir,
		SaveFile:     opts.SaveFile,
		Events:       &Events{},
	}
	e.Blobs = newBlobs(e.Runtime)
	e.Blobs.AllocError = opts.Loop.AllocError
	e.Limits = newLimiters(opts.Loop, opts.Log, opts.Limits, opts.Record)
	return e, nil
}

// Install installs modules in order. A module that fails to install ends
// the installation with an error naming it.
func (e *Env) Install(modules ...Module) error {
	for _, m := range modules {
		if err := m.Install(e); err != nil {
			return fmt.Errorf("agentapi: installing %s: %w", m.Name(), err)
		}
		e.modules = append(e.modules, m)
	}
	return nil
}

// Define creates the read-only global name with value v. Defining a name
// twice is an error (two modules claiming one global).
func (e *Env) Define(name string, v goja.Value) error {
	for _, g := range e.globals {
		if g == name {
			return fmt.Errorf("global %q is already defined", name)
		}
	}
	if obj, ok := v.(*goja.Object); ok {
		NameFunc(e.Runtime, v, name)
		NameMethods(e.Runtime, name, obj)
	}
	if err := e.Runtime.GlobalObject().DefineDataProperty(name, v, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
		return err
	}
	e.globals = append(e.globals, name)
	if obj, ok := v.(*goja.Object); ok {
		if e.objects == nil {
			e.objects = map[string]*goja.Object{}
		}
		e.objects[name] = obj
	}
	return nil
}

// DefineLazy creates the read-only global name as Define does, but builds
// its value with build only when something first reads the global (a
// script, or the host through the runtime): a module whose global holds
// many host functions (http, crypto, device) costs an agent that never
// uses it one small function instead. Whatever the module must do at
// install whether or not the script uses it (start a listener, hook the
// device link) it still does in Install; build only makes the script's
// object, on the loop goroutine, and must not fail.
//
// Until it is first read, the global is a configurable accessor (what
// Object.getOwnPropertyDescriptor shows, and delete can remove it); the
// first read makes it the non-writable, non-configurable data property
// Define makes. Assigning to it before then is ignored, or a TypeError in
// strict code, as after.
func (e *Env) DefineLazy(name string, build func() goja.Value) error {
	for _, g := range e.globals {
		if g == name {
			return fmt.Errorf("global %q is already defined", name)
		}
	}
	var v goja.Value // built at the first read
	get := e.Runtime.ToValue(func(goja.FunctionCall) goja.Value {
		if v != nil {
			return v // the global could not be redefined (a frozen global object)
		}
		v = build()
		if obj, ok := v.(*goja.Object); ok {
			NameFunc(e.Runtime, v, name)
			NameMethods(e.Runtime, name, obj)
			if e.objects == nil {
				e.objects = map[string]*goja.Object{}
			}
			e.objects[name] = obj
		}
		_ = e.Runtime.GlobalObject().DefineDataProperty(name, v, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
		return v
	}).(*goja.Object)
	_ = get.DefineDataProperty("name", e.Runtime.ToValue("get "+name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	if err := e.Runtime.GlobalObject().DefineAccessorProperty(name, get, nil, goja.FLAG_TRUE, goja.FLAG_TRUE); err != nil {
		return err
	}
	e.globals = append(e.globals, name)
	return nil
}

// DefineMember adds the read-only member name, with value v, to the global
// object global that a module installed before with Define (another MQTT
// dialect on the mqtt global, say). Adding to a global that is not there
// (or is lazy and not yet read), or a member the object already has, is an
// error.
func (e *Env) DefineMember(global, name string, v goja.Value) error {
	obj := e.objects[global]
	if obj == nil {
		return fmt.Errorf("global %q is not defined (install its module first)", global)
	}
	if existing := obj.Get(name); existing != nil {
		return fmt.Errorf("%s.%s is already defined", global, name)
	}
	if o, ok := v.(*goja.Object); ok {
		NameFunc(e.Runtime, v, global+"."+name)
		NameMethods(e.Runtime, global+"."+name, o)
	}
	return obj.DefineDataProperty(name, v, goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_TRUE)
}

// Prints declares fn, a host function a module installs, as one that
// prints its arguments as text (server.log): a bridge for another script
// language (Squirrel) then passes it each argument as that language's own
// text rather than as a converted value, so numbers and tables print the
// way that language prints them.
func (e *Env) Prints(fn goja.Value) {
	if obj, ok := fn.(*goja.Object); ok {
		if e.printers == nil {
			e.printers = map[*goja.Object]bool{}
		}
		e.printers[obj] = true
	}
}

// IsPrinter reports whether fn was declared with Prints.
func (e *Env) IsPrinter(fn *goja.Object) bool { return e.printers[fn] }

// Global returns the value of a global a module defined, or nil.
func (e *Env) Global(name string) goja.Value {
	for _, g := range e.globals {
		if g == name {
			return e.Runtime.GlobalObject().Get(name)
		}
	}
	return nil
}

// Globals returns the names the modules defined, in definition order.
func (e *Env) Globals() []string { return append([]string(nil), e.globals...) }

// Clock returns the session's clock. Any goroutine.
func (e *Env) Clock() scriptvm.Clock { return e.Loop.Clock() }

// Now returns the session clock's time. Any goroutine.
func (e *Env) Now() time.Time { return e.Loop.Clock().Now() }

// Close closes the modules that hold resources (in reverse order of
// installation), then prints what the run dropped: log lines over the log
// limit, and inbound messages that never reached the script. Call it once,
// after the loop's Run has returned, from the goroutine that called Run.
func (e *Env) Close() {
	for i := len(e.modules) - 1; i >= 0; i-- {
		if c, ok := e.modules[i].(Closer); ok {
			c.Close()
		}
	}
	e.Limits.flushLogNotice()
	for _, d := range e.Events.Dropped() {
		e.Log.StatusWarn(fmt.Sprintf("%d inbound message(s) not delivered to the script: %s", d.Count, d.Reason))
	}
}
