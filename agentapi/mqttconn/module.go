// Package mqttconn is the agent API module of MqttConnection, MQTT.js's
// raw packet-level connection (the seed's v0.3 API): mqtt.createConnection
// opens a TCP connection whose methods write exactly one packet each
// (connect, publish, suback, pingresp...) and whose events are the packets
// read, with their fields. The same object, server side, is what a test's
// fake broker gets for each connection it accepts (Server).
//
// Everything runs on the loop goroutine except mqttwire's reader and writer
// goroutines and the dials, which hand results to the loop through
// scriptvm.Op and never touch the runtime.
package mqttconn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/mqtt"
	"github.com/agenthost/agenthost/brokerurl"
	"github.com/agenthost/agenthost/mqttwire"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// Options configure the module.
type Options struct {
	// Resolve decides where a connection goes (the embedded broker, a fake
	// broker, the configured broker...), as for the imp's connect().
	// Required.
	Resolve mqtt.Resolver
	// ConnectTimeout bounds the TCP connect (and TLS handshake); 0 means
	// 10 s.
	ConnectTimeout time.Duration
}

// Module adds mqtt.createConnection to the mqtt global.
type Module struct {
	opts   Options
	env    *agentapi.Env
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // dials
	conns  map[*Conn]bool
}

// New returns the module.
func New(o Options) *Module {
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Module{opts: o, ctx: ctx, cancel: cancel, conns: map[*Conn]bool{}}
}

// Name implements agentapi.Module.
func (*Module) Name() string { return "mqttconn" }

// Install implements agentapi.Module: it needs the mqtt module's global.
func (m *Module) Install(env *agentapi.Env) error {
	m.env = env
	return env.DefineMember("mqtt", "createConnection", env.Runtime.ToValue(m.createConnection))
}

// Close closes every connection and waits for the module's goroutines.
// After the loop has stopped only.
func (m *Module) Close() {
	m.cancel()
	m.wg.Wait()
	for c := range m.conns {
		c.endWaits()
		if c.wire != nil {
			c.wire.Close()
			c.wire.Wait()
		}
	}
}

// createConnection([port[, host]][, callback]): see the package comment.
func (m *Module) createConnection(call goja.FunctionCall) goja.Value {
	env := m.env
	args := call.Arguments
	var cb goja.Callable
	if n := len(args); n > 0 {
		if fn, ok := goja.AssertFunction(args[n-1]); ok {
			cb, args = fn, args[:n-1]
		} else if agentapi.IsAbsent(args[n-1]) && n == 3 {
			args = args[:n-1]
		}
	}
	if len(args) > 2 {
		env.Throwf("mqtt.createConnection: expected (port, host, callback), got %d arguments before the callback", len(args))
	}
	port, host := int64(1883), "localhost"
	if len(args) > 0 && !agentapi.IsAbsent(args[0]) {
		n, ok := agentapi.IntArg(args[0])
		if !ok || n < 1 || n > 65535 {
			env.Throwf("mqtt.createConnection: argument 'port' must be an integer from 1 to 65535, got %s", agentapi.Describe(args[0]))
		}
		port = n
	}
	if len(args) > 1 && !agentapi.IsAbsent(args[1]) {
		s, ok := agentapi.StringArg(args[1])
		if !ok || s == "" {
			env.Throwf("mqtt.createConnection: argument 'host' must be a host name or address, got %s", agentapi.Describe(args[1]))
		}
		host = s
	}
	addr := net.JoinHostPort(host, strconv.FormatInt(port, 10))
	u, err := brokerurl.Parse("tcp://" + addr)
	if err != nil {
		env.Throwf("mqtt.createConnection: argument 'host': %v", err)
	}
	c := newConn(env, ClientSide, callerLocation(env.Runtime))
	c.hold = env.Loop.Begin(scriptvm.Hold)
	m.conns[c] = true
	c.onClose = func() { delete(m.conns, c) }
	failed := func(errObj *goja.Object) {
		if c.state != stateDialing {
			return
		}
		if cb != nil {
			env.Loop.Call(cb, c.obj, errObj)
		} else {
			c.fail(errObj)
		}
		c.finish()
	}
	target, err := m.opts.Resolve(u)
	if err != nil {
		env.Log.StatusError(fmt.Sprintf("mqtt.createConnection %s: %v", addr, err))
		errObj := newError(env.Runtime, fmt.Sprintf("MqttConnection: connect %s: %v", addr, err), nil)
		env.Loop.SetTimer(0, func() { failed(errObj) })
		return c.obj
	}
	if target.Note != "" {
		env.Log.Status(target.Note)
	}
	busy := env.Loop.Begin(scriptvm.Busy)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		nc, err := mqttwire.Dial(m.ctx, target.URL, mqttwire.DialOptions{TLS: target.TLS, Timeout: m.opts.ConnectTimeout})
		ok := busy.Complete(func() {
			if err != nil {
				failed(newError(env.Runtime, fmt.Sprintf("MqttConnection: connect %s: %v", addr, err), errCode(err)))
				return
			}
			if c.state != stateDialing { // destroyed while connecting
				nc.Close()
				return
			}
			c.open(nc)
			c.events.emit(env.Loop, c.obj, "connected")
			if cb != nil && c.state == stateOpen {
				env.Loop.Call(cb, c.obj, goja.Null(), c.obj)
			}
		})
		if !ok && err == nil {
			nc.Close() // the loop has stopped
		}
	}()
	return c.obj
}

// errCode is the Node.js error code for a failed connect, or nil.
func errCode(err error) any {
	switch {
	case mqttwire.IsDNS(err):
		return "ENOTFOUND"
	case mqttwire.IsTimeout(err):
		return "ETIMEDOUT"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "ECONNREFUSED"
	case errors.Is(err, syscall.ECONNRESET):
		return "ECONNRESET"
	}
	return nil
}

// callerLocation is the script location calling the current native
// function, "file:line:col", or "an unknown place".
func callerLocation(rt *goja.Runtime) string {
	for _, f := range rt.CaptureCallStack(10, nil) {
		if p := f.Position(); p.Filename != "" {
			return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
		}
	}
	return "an unknown place"
}
