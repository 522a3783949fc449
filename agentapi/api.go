// Package agentapi is what agent scripts see: the globals mqtt, server, imp,
// blob, time and date, with the names, result codes, limits and exceptions of
// the Electric Imp agent API (see IMP_API.md and the README's API table).
//
// Everything here runs on the scriptvm loop goroutine, except the paho
// callbacks, which only enqueue work onto the loop: no JS value is built or
// touched off the loop, and the loop never waits on the network.
package agentapi

import (
	"crypto/tls"
	"fmt"
	"net/url"
	"time"

	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/report"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// Target is where a connect() really goes.
type Target struct {
	// URL to dial: tcp://host:port, ssl://host:port, ws://..., wss://...
	URL string
	// TLS configures ssl:// and wss:// connections; nil means verify
	// against the system roots.
	TLS *tls.Config
	// Note, when not empty, is printed as a [Status] line before
	// connecting, e.g. "tcp://x:1883 -> embedded broker 127.0.0.1:41234".
	Note string
}

// Resolver maps the URL a script passes to connect() (already validated:
// scheme tcp, ssl, ws or wss, host present, port filled in) to the Target to
// dial. An error fails the connect with onconnect(-1) and is logged.
// Called on the loop goroutine; it must not block.
type Resolver func(scriptURL *url.URL) (Target, error)

// Options configure the API installed into one runtime.
type Options struct {
	Loop *scriptvm.Loop
	Log  *hostlog.Clocked
	// ConfigParams becomes imp.configparams (frozen). It must hold
	// JSON-compatible values and a string "deviceid".
	ConfigParams map[string]any
	// SaveFile is where server.save writes (atomically) and server.load reads.
	SaveFile string
	// Resolve decides where connects go.
	Resolve Resolver
	// ConnectTimeout bounds a connect attempt (TCP, TLS and CONNACK); 0 means 10 s.
	ConnectTimeout time.Duration
	// Limits are the rate limits; the zero value switches them all off.
	Limits Limits
	// Record, when set, receives every limiter decision (on the loop goroutine).
	Record func(report.Decision)
}

// API is the installed API of one agent. Loop-only unless a method says otherwise.
type API struct {
	opts   Options
	rt     *goja.Runtime
	loop   *scriptvm.Loop
	log    *hostlog.Clocked
	mqtt   *mqttModule
	imp    *impModule
	blobs  *blobClass
	server *serverModule
	lim    *limiters
	// onInbound sees the topic of every message that reaches the agent's
	// loop, before limits and handlers (see SetInboundHook).
	onInbound func(topic string)
	onLost    func()
	onSent    func(topic string)
	drops     map[string]int // inbound messages not delivered, by reason
	dropOrder []string
}

// SetSentHook makes fn see the topic of every publish the agent completed
// successfully (sendasync's result 0), on the loop, before the script's
// callback. Loop only.
func (a *API) SetSentHook(fn func(topic string)) { a.onSent = fn }

// SetLostHook makes fn run whenever an agent connection ends without the
// script asking (onconnectionlost). Loop only.
func (a *API) SetLostHook(fn func()) { a.onLost = fn }

// SetInboundHook makes fn see the topic of every message that reaches the
// loop from the broker, before the limits and the script's handler. Test
// drivers use it to know a message has arrived. Loop only.
func (a *API) SetInboundHook(fn func(topic string)) { a.onInbound = fn }

// Install creates the globals in the loop's runtime. Call it before the
// loop runs (or on the loop).
func Install(opts Options) (*API, error) {
	if opts.Loop == nil || opts.Log == nil || opts.Resolve == nil {
		return nil, fmt.Errorf("agentapi: Loop, Log and Resolve are required")
	}
	if opts.ConnectTimeout == 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	a := &API{opts: opts, rt: opts.Loop.Runtime(), loop: opts.Loop, log: opts.Log}
	a.blobs = newBlobClass(a.rt)
	a.lim = newLimiters(a, opts.Limits)
	// The one explicit table of globals scripts see.
	globals := []struct {
		name  string
		value func() (goja.Value, error)
	}{
		{"blob", func() (goja.Value, error) { return a.blobs.constructor(), nil }},
		{"server", func() (goja.Value, error) { a.server = newServer(a); return a.server.object(), nil }},
		{"imp", func() (goja.Value, error) { a.imp = newImp(a); return a.imp.object() }},
		{"mqtt", func() (goja.Value, error) { a.mqtt = newMQTT(a); return a.mqtt.object(), nil }},
		{"time", func() (goja.Value, error) { return a.rt.ToValue(a.timeFn), nil }},
		{"date", func() (goja.Value, error) { return a.rt.ToValue(a.dateFn), nil }},
	}
	for _, g := range globals {
		v, err := g.value()
		if err != nil {
			return nil, fmt.Errorf("agentapi: %s: %w", g.name, err)
		}
		if err := a.rt.GlobalObject().DefineDataProperty(g.name, v, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Close disconnects every client still connected or connecting and waits
// until their network goroutines have finished. Call it after the loop's Run
// has returned, from the goroutine that called Run.
func (a *API) Close() {
	if a.mqtt != nil {
		a.mqtt.closeAll()
	}
	a.lim.flushLogNotice()
	for _, reason := range a.dropOrder {
		a.log.StatusWarn(fmt.Sprintf("%d inbound message(s) not delivered to the script: %s", a.drops[reason], reason))
	}
}

// countDrop counts an inbound message the script never saw, by reason;
// the counts are printed when the run ends, so nothing is lost silently.
// Loop only.
func (a *API) countDrop(reason string) {
	if a.drops == nil {
		a.drops = map[string]int{}
	}
	if a.drops[reason] == 0 {
		a.dropOrder = append(a.dropOrder, reason)
	}
	a.drops[reason]++
}

// Dropped returns the inbound messages the script never saw, by reason.
// After Close, or on the loop.
func (a *API) Dropped() map[string]int { return a.drops }

// throwf throws a TypeError with a formatted message.
func (a *API) throwf(format string, args ...any) {
	panic(a.rt.NewTypeError(fmt.Sprintf(format, args...)))
}

// throwRange throws a RangeError with a formatted message.
func (a *API) throwRange(format string, args ...any) {
	ctor := a.rt.Get("RangeError")
	obj, err := a.rt.New(ctor, a.rt.ToValue(fmt.Sprintf(format, args...)))
	if err != nil {
		a.throwf(format, args...)
	}
	panic(obj)
}

// callback returns the function in v, nil for undefined or null, and throws
// naming where for anything else.
func (a *API) callback(v goja.Value, where string) (goja.Callable, int) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, 0
	}
	fn, ok := goja.AssertFunction(v)
	if !ok {
		a.throwf("%s must be a function or null, got %s", where, describe(v))
	}
	return fn, arity(v)
}

// arity is a function's declared parameter count (its length).
func arity(v goja.Value) int {
	if obj, ok := v.(*goja.Object); ok {
		if l := obj.Get("length"); l != nil {
			return int(l.ToInteger())
		}
	}
	return 0
}

// describe names a value's type for error messages.
func describe(v goja.Value) string {
	switch {
	case v == nil || goja.IsUndefined(v):
		return "undefined"
	case goja.IsNull(v):
		return "null"
	}
	switch x := v.Export().(type) {
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return fmt.Sprintf("string %q", x)
	case int64, float64:
		return "number " + v.String()
	case bool:
		return "boolean " + v.String()
	}
	if _, ok := goja.AssertFunction(v); ok {
		return "function"
	}
	if obj, ok := v.(*goja.Object); ok {
		if obj.ClassName() == "Array" {
			return "array"
		}
	}
	return "object"
}

// Format renders v as server.log would print it. Loop only.
func (a *API) Format(v goja.Value) string { return a.format(v) }

// NewBlob returns a script blob holding data (not copied). Loop only.
func (a *API) NewBlob(data []byte) goja.Value { return a.blobs.wrap(data) }

// MessageSizeLimit is the message size limit in force (bytes; 0: off).
func (a *API) MessageSizeLimit() int64 { return a.lim.cfg.MessageSize }

// BytesOf returns the bytes of a string, blob, ArrayBuffer or Uint8Array
// value, and whether it was one of those. Loop only.
func (a *API) BytesOf(v goja.Value) ([]byte, bool) {
	if b, ok := a.bytesOf(v); ok {
		return b, true
	}
	if obj, ok := v.(*goja.Object); ok && obj.ClassName() == "Uint8Array" {
		return typedBytes(a, obj)
	}
	return nil, false
}
