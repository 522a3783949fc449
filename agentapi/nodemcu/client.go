package nodemcu

import (
	"fmt"
	"net"
	"strconv"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/brokerurl"
	"github.com/agenthost/agenthost/mqtttopic"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
	"github.com/mochi-mqtt/server/v2/packets"
)

type clientState int

const (
	stateIdle       clientState = iota
	stateConnecting             // an attempt is in flight (or waits for the outbound limiter)
	stateConnected
	stateRetrying // autoreconnect: waiting to try again
)

// client is one mqtt.Client. Loop only.
type client struct {
	m   *Module
	obj *goja.Object

	// From mqtt.Client() and lwt().
	id        string
	keepalive uint16
	username  []byte
	hasUser   bool
	password  []byte
	hasPass   bool
	clean     bool
	will      *packets.ConnectParams // will fields only; nil: no will

	// From connect().
	host   string
	port   int
	secure bool
	auto   bool

	state clientState
	gen   int // attempt generation: results of an older one are ignored
	// hold keeps the loop alive from connect() until the client is idle.
	hold  *scriptvm.Op
	sess  *session
	retry *scriptvm.Timer
	// connectedOnce is set once this connect()'s first connection has
	// succeeded: from then on, with autoreconnect, failures are silent.
	connectedOnce bool

	// Callback slots. NodeMCU keeps one of each: connect()'s callbacks and
	// on("connect") share one, and each publish, subscribe or unsubscribe
	// given a callback replaces that kind's, which is then called for all
	// of them.
	onConnect, onFail, onOffline, onMessage goja.Callable
	onPuback, onSuback, onUnsuback          goja.Callable
}

func (m *Module) throwf(format string, args ...any) { m.env.Throwf(format, args...) }

// newClient is mqtt.Client(clientid, keepalive[, username, password,
// cleansession]).
func (m *Module) newClient(args []goja.Value) *goja.Object {
	arg := func(i int) goja.Value {
		if i < len(args) {
			return args[i]
		}
		return goja.Undefined()
	}
	c := &client{m: m, clean: true}
	id, ok := agentapi.StringArg(arg(0))
	if !ok || len(id) > 65535 {
		m.throwf("mqtt.Client: argument 'clientid' must be a string of at most 65535 bytes, got %s", agentapi.Describe(arg(0)))
	}
	c.id = id
	ka, ok := agentapi.IntArg(arg(1))
	if !ok || ka < 0 || ka > 65535 {
		m.throwf("mqtt.Client: argument 'keepalive' must be a number of seconds from 0 (off) to 65535, got %s", agentapi.Describe(arg(1)))
	}
	c.keepalive = uint16(ka)
	if v := arg(2); !agentapi.IsAbsent(v) {
		s, ok := agentapi.StringArg(v)
		if !ok || len(s) > 65535 {
			m.throwf("mqtt.Client: argument 'username' must be a string of at most 65535 bytes, got %s", agentapi.Describe(v))
		}
		c.username, c.hasUser = []byte(s), true
	}
	if v := arg(3); !agentapi.IsAbsent(v) {
		b, ok := m.env.Blobs.BytesOf(v)
		if !ok || len(b) > 65535 {
			m.throwf("mqtt.Client: argument 'password' must be a string or blob of at most 65535 bytes, got %s", agentapi.Describe(v))
		}
		c.password, c.hasPass = append([]byte(nil), b...), true
	}
	if v := arg(4); !agentapi.IsAbsent(v) {
		c.clean = m.flag("mqtt.Client", "cleansession", v)
	}
	if len(args) > 5 {
		m.throwf("mqtt.Client: expected at most 5 arguments (clientid, keepalive, username, password, cleansession), got %d", len(args))
	}
	c.obj = m.env.Runtime.NewObject()
	c.methods()
	return c.obj
}

// flag reads a NodeMCU 0/1 argument; booleans are accepted too.
func (m *Module) flag(method, name string, v goja.Value) bool {
	if b, ok := v.Export().(bool); ok {
		return b
	}
	n, ok := agentapi.IntArg(v)
	if !ok || n != 0 && n != 1 {
		m.throwf("%s: argument '%s' must be 0 or 1 (or false or true), got %s", method, name, agentapi.Describe(v))
	}
	return n == 1
}

func (c *client) methods() {
	env := c.m.env
	rt := env.Runtime
	set := func(name string, fn func(call goja.FunctionCall) goja.Value) {
		_ = c.obj.Set(name, fn)
	}
	set("lwt", c.lwt)
	set("on", func(call goja.FunctionCall) goja.Value {
		ev, _ := agentapi.StringArg(call.Argument(0))
		slot := map[string]*goja.Callable{"connect": &c.onConnect, "message": &c.onMessage, "offline": &c.onOffline}[ev]
		if slot == nil {
			c.m.throwf("mqtt.Client.on: argument 'event' must be \"connect\", \"message\" or \"offline\", got %s", agentapi.Describe(call.Argument(0)))
		}
		*slot, _ = env.Callback(call.Argument(1), "mqtt.Client.on: argument 'function'")
		return goja.Undefined()
	})
	set("connect", c.connect)
	set("close", func(goja.FunctionCall) goja.Value { return rt.ToValue(c.close()) })
	set("publish", c.publish)
	set("subscribe", func(call goja.FunctionCall) goja.Value { return c.subscribe(call) })
	set("unsubscribe", func(call goja.FunctionCall) goja.Value { return c.unsubscribe(call) })
}

// lwt(topic, message[, qos[, retain]]) sets the will of the next connect.
func (c *client) lwt(call goja.FunctionCall) goja.Value {
	env := c.m.env
	topic, ok := agentapi.StringArg(call.Argument(0))
	if !ok {
		c.m.throwf("mqtt.Client.lwt: argument 'topic' must be a string, got %s", agentapi.Describe(call.Argument(0)))
	}
	if err := mqtttopic.CheckName(topic); err != nil {
		c.m.throwf("mqtt.Client.lwt: argument 'topic': %v", err)
	}
	msg, ok := env.Blobs.BytesOf(call.Argument(1))
	if !ok || len(msg) > 65535 {
		c.m.throwf("mqtt.Client.lwt: argument 'message' must be a string or blob of at most 65535 bytes, got %s", agentapi.Describe(call.Argument(1)))
	}
	w := &packets.ConnectParams{WillFlag: true, WillTopic: topic, WillPayload: append([]byte(nil), msg...)}
	if v := call.Argument(2); !agentapi.IsAbsent(v) {
		w.WillQos = c.qos("lwt", v)
	}
	if v := call.Argument(3); !agentapi.IsAbsent(v) {
		w.WillRetain = c.m.flag("mqtt.Client.lwt", "retain", v)
	}
	c.will = w
	return goja.Undefined()
}

func (c *client) qos(method string, v goja.Value) byte {
	n, ok := agentapi.IntArg(v)
	if !ok || n < 0 || n > 2 {
		c.m.throwf("mqtt.Client.%s: argument 'qos' must be 0, 1 or 2, got %s", method, agentapi.Describe(v))
	}
	return byte(n)
}

// connect(host[, port[, secure[, autoreconnect]]][, onConnected[, onFailed]])
// returns false when the client is connected or connecting already.
func (c *client) connect(call goja.FunctionCall) goja.Value {
	env := c.m.env
	rt := env.Runtime
	args := call.Arguments
	host, ok := "", len(args) > 0
	if ok {
		host, ok = agentapi.StringArg(args[0])
	}
	if !ok || host == "" {
		c.m.throwf("mqtt.Client.connect: argument 'host' must be a host name or address, got %s", agentapi.Describe(call.Argument(0)))
	}
	i := 1
	var positional []goja.Value
	for ; i < len(args) && len(positional) < 3; i++ {
		if _, isFn := goja.AssertFunction(args[i]); isFn {
			break
		}
		positional = append(positional, args[i])
	}
	var fns []goja.Value
	for ; i < len(args); i++ {
		if _, isFn := goja.AssertFunction(args[i]); !isFn && !agentapi.IsAbsent(args[i]) {
			c.m.throwf("mqtt.Client.connect: expected (host[, port[, secure[, autoreconnect]]][, function(client)[, function(client, reason)]]), got %s as argument %d",
				agentapi.Describe(args[i]), i+1)
		}
		fns = append(fns, args[i])
	}
	if len(fns) > 2 {
		c.m.throwf("mqtt.Client.connect: expected at most two functions (connected, failed), got %d", len(fns))
	}
	port, secure, auto := 1883, false, false
	if len(positional) > 0 && !agentapi.IsAbsent(positional[0]) {
		n, ok := agentapi.IntArg(positional[0])
		if !ok || n < 1 || n > 65535 {
			c.m.throwf("mqtt.Client.connect: argument 'port' must be an integer from 1 to 65535, got %s", agentapi.Describe(positional[0]))
		}
		port = int(n)
	}
	if len(positional) > 1 && !agentapi.IsAbsent(positional[1]) {
		secure = c.m.flag("mqtt.Client.connect", "secure", positional[1])
	}
	if len(positional) > 2 && !agentapi.IsAbsent(positional[2]) {
		auto = c.m.flag("mqtt.Client.connect", "autoreconnect", positional[2])
	}
	scheme := "tcp"
	if secure {
		scheme = "ssl"
	}
	if _, err := brokerurl.Parse(scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port))); err != nil {
		c.m.throwf("mqtt.Client.connect: argument 'host': %v", err)
	}
	if c.state != stateIdle {
		return rt.ToValue(false)
	}
	if len(fns) > 0 && !agentapi.IsAbsent(fns[0]) {
		c.onConnect, _ = env.Callback(fns[0], "mqtt.Client.connect: argument 'function(client)'")
	}
	if len(fns) > 1 && !agentapi.IsAbsent(fns[1]) {
		c.onFail, _ = env.Callback(fns[1], "mqtt.Client.connect: argument 'function(client, reason)'")
	}
	c.host, c.port, c.secure, c.auto = host, port, secure, auto
	c.connectedOnce = false
	c.hold = env.Loop.Begin(scriptvm.Hold)
	c.m.clients[c] = true
	c.startAttempt()
	return rt.ToValue(true)
}

// addr is host:port of the broker of the last connect().
func (c *client) addr() string { return net.JoinHostPort(c.host, strconv.Itoa(c.port)) }

// name says which client a [Status] line is about.
func (c *client) name() string { return fmt.Sprintf("mqtt.Client %q", c.id) }

// close() ends the connection (sending DISCONNECT), the attempt in flight
// or the wait to reconnect; it returns false when there was none. No
// callback is called.
func (c *client) close() bool {
	switch c.state {
	case stateIdle:
		return false
	case stateConnected:
		c.sess.disconnect()
	case stateRetrying:
		c.m.env.Loop.CancelTimer(c.retry)
	}
	c.gen++
	c.idle()
	return true
}

// idle ends the client's connection state. Loop only.
func (c *client) idle() {
	c.state = stateIdle
	c.sess = nil
	if c.hold != nil {
		c.hold.End()
		c.hold = nil
	}
	delete(c.m.clients, c)
}

// call calls a callback slot with the client and args, if it is set.
func (c *client) call(fn goja.Callable, args ...goja.Value) {
	if fn != nil {
		c.m.env.Loop.Call(fn, c.obj, append([]goja.Value{c.obj}, args...)...)
	}
}
