package mqtt

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/brokerurl"
	"github.com/agenthost/agenthost/mqtttopic"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
	paho "github.com/eclipse/paho.mqtt.golang"
)

type clientState int

const (
	stateIdle clientState = iota
	stateConnecting
	stateConnected
	stateDisconnecting
)

// client is one mqtt.createclient() object. Loop-only fields.
type client struct {
	m     *Module
	obj   *goja.Object
	state clientState
	pc    paho.Client
	gen   int // connection generation: events of an older one are ignored
	id    string
	url   string
	// hold keeps the loop alive from connect() until the connection ends;
	// paho's handlers hand messages and losses to the loop through it.
	hold *scriptvm.Op
	// connecting marks the connect in flight (virtual time stands still).
	connecting *scriptvm.Op
	// conn is the current network connection (set on paho's goroutine).
	conn atomic.Pointer[trackedConn]

	onConnect           goja.Callable
	onLost              goja.Callable
	onLostArity         int
	onMessage           goja.Callable
	lostWhileConnecting int // the reason of a loss reported before the connect result; 0: none
}

func (m *Module) newClient() *goja.Object {
	c := &client{m: m}
	c.obj = m.env.Runtime.NewDynamicObject(c)
	return c.obj
}

// The JS client object is a dynamic object over *client whose only
// properties are the shared methods, so `this` leads back to the Go client
// and a client costs no closures.

// Get implements goja.DynamicObject.
func (c *client) Get(key string) goja.Value { return c.m.clientMethod(key) }

// Set implements goja.DynamicObject; client objects are read-only.
func (c *client) Set(string, goja.Value) bool { return false }

// Has implements goja.DynamicObject.
func (c *client) Has(key string) bool { return clientMethods[key] != nil }

// Delete implements goja.DynamicObject.
func (c *client) Delete(string) bool { return false }

// Keys implements goja.DynamicObject.
func (c *client) Keys() []string { return nil }

// clientMethods are the methods of every mqttclient, by name.
var clientMethods = map[string]func(c *client, call goja.FunctionCall) goja.Value{
	"connect": (*client).connect,
	"onconnect": func(c *client, call goja.FunctionCall) goja.Value {
		c.onConnect, _ = c.m.env.Callback(call.Argument(0), "mqttclient.onconnect: argument 'callback'")
		return goja.Undefined()
	},
	"onconnectionlost": func(c *client, call goja.FunctionCall) goja.Value {
		c.onLost, c.onLostArity = c.m.env.Callback(call.Argument(0), "mqttclient.onconnectionlost: argument 'callback'")
		return goja.Undefined()
	},
	"onmessage": func(c *client, call goja.FunctionCall) goja.Value {
		c.onMessage, _ = c.m.env.Callback(call.Argument(0), "mqttclient.onmessage: argument 'callback'")
		return goja.Undefined()
	},
	"subscribe":     (*client).subscribe,
	"unsubscribe":   (*client).unsubscribe,
	"createmessage": (*client).createmessage,
	"disconnect":    (*client).disconnect,
	"isconnected": func(c *client, _ goja.FunctionCall) goja.Value {
		return c.m.env.Runtime.ToValue(c.state == stateConnected)
	},
	"id": func(c *client, _ goja.FunctionCall) goja.Value {
		if c.id == "" {
			return goja.Null()
		}
		return c.m.env.Runtime.ToValue(c.id)
	},
	"url": func(c *client, _ goja.FunctionCall) goja.Value {
		if c.url == "" {
			return goja.Null()
		}
		return c.m.env.Runtime.ToValue(c.url)
	},
}

// clientMethod returns the mqttclient method name, making its function
// the first time a script reads it (an agent uses a few of them, and a
// runtime's functions are a large part of its memory); nil when clients
// have no such method. Loop only.
func (m *Module) clientMethod(name string) goja.Value {
	if f := m.clientFuncs[name]; f != nil {
		return f
	}
	fn := clientMethods[name]
	if fn == nil {
		return nil
	}
	env := m.env
	f := env.Runtime.ToValue(func(call goja.FunctionCall) goja.Value {
		c := m.active
		if c == nil || call.This != goja.Value(c.obj) { // not the connected client: find it without the shortcut
			var ok bool
			if c, ok = agentapi.GoValue(call.This).(*client); !ok {
				env.Throwf("mqttclient.%s called on a value that is not an mqttclient", name)
			}
		}
		return fn(c, call)
	})
	agentapi.NameFunc(env.Runtime, f, "mqttclient."+name)
	if m.clientFuncs == nil {
		m.clientFuncs = make(map[string]goja.Value, len(clientMethods))
	}
	m.clientFuncs[name] = f
	return f
}

// refusals names the CONNACK return codes of MQTT 3.1.1.
var refusals = map[byte]string{
	1: "1 (unacceptable protocol version)",
	2: "2 (client identifier rejected)",
	3: "3 (server unavailable)",
	4: "4 (bad user name or password)",
	5: "5 (not authorized)",
}

// connectOptionKeys are the keys connect()'s options may have.
var connectOptionKeys = []string{"username", "password", "keepalive", "willtopic", "willmessage"}

func (c *client) connect(call goja.FunctionCall) goja.Value {
	env := c.m.env
	urlV := call.Argument(0)
	raw, ok := agentapi.StringArg(urlV)
	if !ok {
		env.Throwf("mqttclient.connect: argument 'url' must be a string, got %s", agentapi.Describe(urlV))
	}
	u, err := brokerurl.Parse(raw)
	if err != nil {
		env.Throwf("mqttclient.connect: argument 'url': %v", err)
	}
	idV := call.Argument(1)
	id, ok := agentapi.StringArg(idV)
	if n := utf8.RuneCountInString(id); !ok || n < 1 || n > maxClientID {
		env.Throwf("mqttclient.connect: argument 'clientId' must be a string of 1 to %d characters, got %s", maxClientID, agentapi.Describe(idV))
	}
	po := paho.NewClientOptions()
	po.SetClientID(id)
	po.SetKeepAlive(defaultKeepAlive * time.Second)
	if optV := call.Argument(2); !goja.IsUndefined(optV) && !goja.IsNull(optV) {
		c.applyOptions(po, optV)
	}
	switch c.state {
	case stateConnecting, stateConnected:
		env.Throwf("mqttclient.connect: this client is already connected or connecting; call disconnect() first")
	case stateDisconnecting:
		env.Throwf("mqttclient.connect: this client is still disconnecting; connect again from the disconnect() callback")
	}
	if act := c.m.active; act != nil && act != c {
		env.Throwf("mqttclient.connect: another client (%s) is already connected or connecting; an agent may have one connection at a time", act.id)
	}

	c.id, c.url = id, raw
	c.gen++
	gen := c.gen
	c.setState(stateConnecting)
	c.m.active = c
	c.hold = env.Loop.Begin(scriptvm.Hold)
	if code := env.Limits.Outbound("connect", brokerurl.Redact(raw), func() { c.startConnect(gen, u, po) }); code != codeSuccess {
		env.Log.StatusWarn("connect " + brokerurl.Redact(raw) + " refused: the outbound rate limit buffer is full (onconnect -1)")
		env.Loop.SetTimer(0, func() { c.deliverConnect(gen, codeFailure) })
	}
	return goja.Undefined()
}

// startConnect opens the connection for connect(), once the outbound
// limiter lets it through. Loop only.
func (c *client) startConnect(gen int, u *url.URL, po *paho.ClientOptions) {
	env := c.m.env
	if gen != c.gen || c.state != stateConnecting {
		return // disconnect() was called while the connect waited
	}
	raw := brokerurl.Redact(c.url)
	target, err := c.m.opts.Resolve(u)
	if err != nil {
		env.Log.StatusError(fmt.Sprintf("connect %s: %v", raw, err))
		env.Loop.SetTimer(0, func() { c.deliverConnect(gen, codeFailure) })
		return
	}
	if target.Note != "" {
		env.Log.Status(target.Note)
	}
	po.AddBroker(target.URL)
	// a failure names what was dialled when that is not the script's URL
	what := raw
	if dialled := brokerurl.Redact(target.URL); dialled != raw {
		what = raw + " (dialled " + dialled + ")"
	}
	if target.TLS != nil {
		po.SetTLSConfig(target.TLS)
	}
	po.SetProtocolVersion(4) // 3.1.1 only: without it paho retries a refusal as 3.1
	po.SetCleanSession(true)
	po.SetAutoReconnect(false)
	po.SetConnectRetry(false)
	po.SetStore(noStore{}) // nothing is ever resumed: see noStore
	po.SetConnectTimeout(c.m.opts.ConnectTimeout)
	c.conn.Store(nil)
	po.SetCustomOpenConnectionFn(func(uri *url.URL, o paho.ClientOptions) (net.Conn, error) {
		tc, err := c.m.open(uri, o)
		if err != nil {
			return nil, err
		}
		c.conn.Store(tc)
		return tc, nil
	})
	hold := c.hold
	po.SetOrderMatters(true) // handlers run in paho's router goroutine; they only hand over
	po.SetDefaultPublishHandler(func(_ paho.Client, msg paho.Message) {
		hold.Post(func() { c.deliverMessage(gen, msg) })
	})
	po.SetConnectionLostHandler(func(_ paho.Client, err error) {
		conn := c.conn.Load()
		reason := lostReason(conn, err)
		var detail string
		var size int64
		if conn != nil {
			_, detail = conn.guard.why()
			size = conn.guard.size.Load()
		}
		hold.Post(func() {
			if gen == c.gen && detail != "" {
				env.Log.StatusWarn(fmt.Sprintf("%s: connection dropped (onconnectionlost %d)", detail, reason))
				if reason == agentapi.LostOversize {
					env.Limits.RefuseOversize(size)
					env.Events.Drop("larger than limits.message_size (onconnectionlost -3)")
				}
			}
			c.deliverLost(gen, reason)
		})
	})

	pc := paho.NewClient(po)
	c.pc = pc
	c.m.clients[c] = true
	connecting := env.Loop.Begin(scriptvm.Busy)
	c.connecting = connecting
	tok := pc.Connect()
	c.m.wg.Add(1)
	go func() {
		defer c.m.wg.Done()
		<-tok.Done()
		code, cause := codeSuccess, ""
		if err := tok.Error(); err != nil {
			code = codeFailure
			if rc := tok.(*paho.ConnectToken).ReturnCode(); rc >= 1 && rc <= 5 {
				code = int(rc)
				cause = "refused by the broker: " + refusals[rc]
			} else {
				cause = connectCause(err, c.conn.Load(), c.m.opts.ConnectTimeout)
			}
		} else if conn := c.conn.Load(); conn != nil && conn.connackCode() > 0 {
			// paho 1.5.1 takes a CONNACK code MQTT does not define (6 and
			// up) for success, on a connection it has already closed.
			code = codeFailure
			pc.Disconnect(0)
		}
		if !connecting.Complete(func() {
			if cause != "" && gen == c.gen {
				env.Log.StatusWarn(fmt.Sprintf("connect %s failed: %s (onconnect %d)", what, cause, code))
			}
			c.deliverConnect(gen, code)
		}) && code == codeSuccess {
			pc.Disconnect(0) // the loop has ended: nobody will use this connection
		}
	}()
}

func (c *client) applyOptions(po *paho.ClientOptions, v goja.Value) {
	env := c.m.env
	obj, ok := v.(*goja.Object)
	if !ok {
		env.Throwf("mqttclient.connect: argument 'options' must be an object, got %s", agentapi.Describe(v))
	}
	var unknown []string
	var willTopic string
	var willMsg []byte
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		switch k {
		case "username":
			s, ok := agentapi.StringArg(val)
			if !ok {
				env.Throwf("mqttclient.connect: options.username must be a string, got %s", agentapi.Describe(val))
			}
			po.SetUsername(s)
		case "password":
			b, ok := env.Blobs.BytesOf(val)
			if !ok {
				env.Throwf("mqttclient.connect: options.password must be a string or blob, got %s", agentapi.Describe(val))
			}
			po.SetPassword(string(b))
		case "keepalive":
			n, ok := agentapi.IntArg(val)
			if !ok || n != 0 && (n < minKeepalive || n > maxKeepalive) {
				env.ThrowRange("mqttclient.connect: options.keepalive must be 0 (off) or an integer from %d to %d seconds, got %s", minKeepalive, maxKeepalive, agentapi.Describe(val))
			}
			po.SetKeepAlive(time.Duration(n) * time.Second)
		case "willtopic":
			s, ok := agentapi.StringArg(val)
			if !ok {
				env.Throwf("mqttclient.connect: options.willtopic must be a string, got %s", agentapi.Describe(val))
			}
			if err := mqtttopic.CheckName(s); err != nil {
				env.Throwf("mqttclient.connect: options.willtopic: %v", err)
			}
			willTopic = s
		case "willmessage":
			b, ok := env.Blobs.BytesOf(val)
			if !ok {
				env.Throwf("mqttclient.connect: options.willmessage must be a string or blob, got %s", agentapi.Describe(val))
			}
			willMsg = b
		default:
			unknown = append(unknown, k)
		}
	}
	if willTopic != "" {
		po.SetBinaryWill(willTopic, willMsg, 0, false)
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		env.Log.StatusWarn(fmt.Sprintf("mqttclient.connect: ignoring unknown option(s) %s; valid options are %s",
			strings.Join(unknown, ", "), strings.Join(connectOptionKeys, ", ")))
	}
}

// release ends the client's connection state on the loop.
// endConnecting ends the busy mark of a connect in flight, if any.
func (c *client) endConnecting() {
	if c.connecting != nil {
		c.connecting.End()
		c.connecting = nil
	}
}

// setState moves the client to st, keeping Events' count of open
// connections. Loop only.
func (c *client) setState(st clientState) {
	if st == c.state {
		return
	}
	if st == stateConnected {
		c.m.env.Events.Opened()
	} else if c.state == stateConnected {
		c.m.env.Events.Closed()
	}
	c.state = st
}

func (c *client) release() {
	c.endConnecting()
	c.setState(stateIdle)
	if c.hold != nil {
		c.hold.End()
		c.hold = nil
	}
	if c.m.active == c {
		c.m.active = nil
	}
	c.lostWhileConnecting = 0
}

func (c *client) deliverConnect(gen, code int) {
	if gen != c.gen || c.state != stateConnecting {
		return
	}
	if code != codeSuccess {
		c.m.env.Events.ConnectFailed()
	}
	c.endConnecting()
	if code == codeSuccess {
		c.setState(stateConnected)
	} else {
		c.release()
		delete(c.m.clients, c)
		c.pc = nil
	}
	if c.onConnect != nil {
		c.m.env.Loop.Call(c.onConnect, c.obj, c.m.env.Runtime.ToValue(code))
	}
	if reason := c.lostWhileConnecting; code == codeSuccess && reason != 0 {
		c.deliverLost(gen, reason)
	}
}

func (c *client) deliverLost(gen, reason int) {
	c.m.flushControl() // a SUBACK that came before the loss is told first
	if gen != c.gen {
		return
	}
	switch c.state {
	case stateConnecting:
		c.lostWhileConnecting = reason
		return
	case stateConnected:
	default:
		return
	}
	c.lostConnection(reason)
}

// lostConnection ends the connected state and calls onconnectionlost.
// Observers hear of the loss last: they may run script code at once (the
// test runner settles its promises), which must find the client
// disconnected and its callback run.
func (c *client) lostConnection(reason int) {
	c.release()
	delete(c.m.clients, c)
	c.pc = nil
	if c.onLost != nil {
		if c.onLostArity >= 1 {
			c.m.env.Loop.Call(c.onLost, c.obj, c.m.env.Runtime.ToValue(reason))
		} else {
			c.m.env.Loop.Call(c.onLost, c.obj)
		}
	}
	c.m.env.Events.Lost()
}

// drop ends the connection from the host's side (a limit was exceeded):
// the socket is closed abruptly, as a platform that cuts a client off would,
// and onconnectionlost gets reason. Loop only, while connected.
func (c *client) drop(reason int) {
	conn, pc := c.conn.Load(), c.pc
	c.gen++ // paho's own report of the loss, and later messages, are ignored
	if conn != nil {
		conn.abort()
	}
	// paho takes a socket closed under it for a deliberate disconnect and
	// waits to be told: end its goroutines.
	c.m.wg.Add(1)
	go func() {
		defer c.m.wg.Done()
		pc.Disconnect(0)
	}()
	c.lostConnection(reason)
}

// requireConnected throws unless the client is connected.
func (c *client) requireConnected(method string) {
	if c.state != stateConnected {
		c.m.env.Throwf("mqttclient.%s: the client is not connected", method)
	}
}

func (c *client) disconnect(call goja.FunctionCall) goja.Value {
	env := c.m.env
	cb, _ := env.Callback(call.Argument(0), "mqttclient.disconnect: argument 'callback'")
	pc := c.pc
	if pc == nil && c.state == stateConnecting {
		c.gen++ // the connect waiting in the outbound buffer will not start
		c.release()
	}
	if pc == nil || c.state == stateIdle || c.state == stateDisconnecting {
		if cb != nil {
			env.Loop.SetTimer(0, func() { env.Loop.Call(cb, c.obj) })
		}
		return goja.Undefined()
	}
	c.setState(stateDisconnecting)
	c.gen++ // events of the closed connection are ignored from now on
	c.endConnecting()
	op := env.Loop.Begin(scriptvm.Busy)
	c.m.wg.Add(1)
	go func() {
		defer c.m.wg.Done()
		pc.Disconnect(250)
		op.Complete(func() {
			if c.pc == pc {
				c.pc = nil
				delete(c.m.clients, c)
				c.release()
			}
			if cb != nil {
				env.Loop.Call(cb, c.obj)
			}
		})
	}()
	return goja.Undefined()
}
