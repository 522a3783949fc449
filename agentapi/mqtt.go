package agentapi

import (
	"github.com/agenthost/agenthost/mqtttopic"

	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"
	paho "github.com/eclipse/paho.mqtt.golang"
)

// Limits and codes of the MQTT API (IMP_API.md).
const (
	maxPayload       = 256 * 1024 // bytes: the default message size limit
	maxTopics        = 10         // per subscribe / unsubscribe call
	maxClientID      = 255        // characters
	minKeepalive     = 30         // seconds, or 0 for off
	maxKeepalive     = 65535
	defaultKeepAlive = 60

	codeSuccess      = 0
	codeFailure      = -1
	codeDisconnected = -3
	codeNoMessageIDs = -10

	lostSocket    = -1 // onconnectionlost: socket failed or broker closed the connection
	lostBadPacket = -4 // onconnectionlost: badly framed MQTT packet from the broker

	subscribeRefused = 0x80
)

type mqttModule struct {
	a *API
	// active is the one client connected or connecting, if any.
	active *mqttClient
	// clients are all clients with a paho connection to close at exit.
	clients map[*mqttClient]bool
	// wg counts network goroutines that will enqueue a completion.
	wg sync.WaitGroup
	// ctx ends with closeAll, aborting dials and TLS handshakes in progress.
	ctx    context.Context
	cancel context.CancelFunc
	// conns are the open network connections, closed by closeAll so that a
	// connect waiting for a CONNACK ends at once. Any goroutine, under connMu.
	connMu sync.Mutex
	conns  map[net.Conn]bool
	// ops are operations whose paho tokens the pump goroutine waits for,
	// in issue order. Any goroutine, under opMu.
	opMu    sync.Mutex
	ops     []pendingOp
	pumping bool
	opWake  chan struct{}

	clientMethods  map[string]goja.Value
	messageMethods map[string]goja.Value
}

func newMQTT(a *API) *mqttModule {
	ctx, cancel := context.WithCancel(context.Background())
	return &mqttModule{a: a, clients: map[*mqttClient]bool{}, ctx: ctx, cancel: cancel,
		conns: map[net.Conn]bool{}, opWake: make(chan struct{}, 1)}
}

// open is paho's connection opener: a context-aware dial whose connections
// closeAll can close. Called on paho's goroutines.
func (m *mqttModule) open(uri *url.URL, o paho.ClientOptions) (*trackedConn, error) {
	d := &net.Dialer{Timeout: o.ConnectTimeout}
	var conn net.Conn
	var err error
	switch uri.Scheme {
	case "tcp":
		conn, err = d.DialContext(m.ctx, "tcp", uri.Host)
	case "ssl":
		td := &tls.Dialer{NetDialer: d, Config: o.TLSConfig}
		conn, err = td.DialContext(m.ctx, "tcp", uri.Host)
	case "ws", "wss":
		conn, err = paho.NewWebsocket(uri.String(), o.TLSConfig, o.ConnectTimeout, o.HTTPHeaders, o.WebsocketOptions)
	default:
		err = fmt.Errorf("unsupported scheme %q", uri.Scheme)
	}
	if err != nil {
		return nil, err
	}
	m.connMu.Lock()
	defer m.connMu.Unlock()
	if m.ctx.Err() != nil {
		conn.Close()
		return nil, m.ctx.Err()
	}
	tc := &trackedConn{Conn: conn, m: m}
	m.conns[tc] = true
	return tc, nil
}

// trackedConn removes itself from the module's set when closed, and
// remembers whether the socket itself ever failed, which tells a broken
// connection (-1) from a badly framed packet (-4) when paho reports a loss.
type trackedConn struct {
	net.Conn
	m      *mqttModule
	once   sync.Once
	failed atomic.Bool // a Read or Write failed before anyone closed the connection
	closed atomic.Bool // Close was called (errors after it are its echo)
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil && !c.closed.Load() {
		c.failed.Store(true)
	}
	return n, err
}

func (c *trackedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err != nil && !c.closed.Load() {
		c.failed.Store(true)
	}
	return n, err
}

// lostReason is the onconnectionlost code for a loss paho reported with
// err on conn: -4 when the socket worked but paho could not decode what
// the broker sent, -1 for everything else (closed socket, keepalive
// timeout, write failure).
func lostReason(conn *trackedConn, err error) int {
	if conn == nil || err == nil || conn.failed.Load() || strings.Contains(err.Error(), "pingresp") {
		return lostSocket
	}
	return lostBadPacket
}

func (c *trackedConn) Close() error {
	c.closed.Store(true)
	c.once.Do(func() {
		c.m.connMu.Lock()
		delete(c.m.conns, c)
		c.m.connMu.Unlock()
	})
	return c.Conn.Close()
}

func (m *mqttModule) object() *goja.Object {
	rt := m.a.rt
	o := rt.NewObject()
	_ = o.Set("AT_MOST_ONCE", 0)
	_ = o.Set("AT_LEAST_ONCE", 1)
	_ = o.Set("EXACTLY_ONCE", 2)
	_ = o.Set("createclient", func(goja.FunctionCall) goja.Value {
		return m.newClient()
	})
	m.clientMethods = m.makeClientMethods()
	m.messageMethods = m.makeMessageMethods()
	return o
}

// closeAll disconnects every client and waits for network goroutines.
// After the loop has stopped only.
func (m *mqttModule) closeAll() {
	for c := range m.clients {
		if c.pc != nil && c.state == stateConnected {
			c.pc.Disconnect(250) // a clean DISCONNECT: the broker sends no will
		}
	}
	m.cancel()
	m.connMu.Lock()
	open := make([]net.Conn, 0, len(m.conns))
	for c := range m.conns {
		open = append(open, c)
	}
	m.connMu.Unlock()
	for _, c := range open {
		c.Close()
	}
	m.wg.Wait()
	for c := range m.clients {
		if c.pc != nil {
			c.pc.Disconnect(0)
		}
	}
}

type clientState int

const (
	stateIdle clientState = iota
	stateConnecting
	stateConnected
	stateDisconnecting
)

// mqttClient is one mqtt.createclient() object. Loop-only fields.
type mqttClient struct {
	m     *mqttModule
	obj   *goja.Object
	state clientState
	pc    paho.Client
	gen   int // connection generation: events of an older one are ignored
	id    string
	url   string
	hold  func()
	// connecting marks the connect in flight (virtual time stands still).
	connecting func()
	// conn is the current network connection (set on paho's goroutine).
	conn atomic.Pointer[trackedConn]

	onConnect           goja.Callable
	onLost              goja.Callable
	onLostArity         int
	onMessage           goja.Callable
	lostWhileConnecting int // the reason of a loss reported before the connect result; 0: none
}

func (m *mqttModule) newClient() *goja.Object {
	c := &mqttClient{m: m}
	c.obj = m.a.rt.NewDynamicObject(c)
	return c.obj
}

// The JS client object is a dynamic object over *mqttClient whose only
// properties are the shared methods, so `this` leads back to the Go client
// and a client costs no closures.

// Get implements goja.DynamicObject.
func (c *mqttClient) Get(key string) goja.Value { return c.m.clientMethods[key] }

// Set implements goja.DynamicObject; client objects are read-only.
func (c *mqttClient) Set(string, goja.Value) bool { return false }

// Has implements goja.DynamicObject.
func (c *mqttClient) Has(key string) bool { return c.m.clientMethods[key] != nil }

// Delete implements goja.DynamicObject.
func (c *mqttClient) Delete(string) bool { return false }

// Keys implements goja.DynamicObject.
func (c *mqttClient) Keys() []string { return nil }

func (m *mqttModule) makeClientMethods() map[string]goja.Value {
	a := m.a
	p := map[string]goja.Value{}
	method := func(name string, fn func(c *mqttClient, call goja.FunctionCall) goja.Value) {
		p[name] = a.rt.ToValue(func(call goja.FunctionCall) goja.Value {
			c, ok := call.This.Export().(*mqttClient)
			if !ok {
				a.throwf("mqttclient.%s called on a value that is not an mqttclient", name)
			}
			return fn(c, call)
		})
	}
	method("connect", (*mqttClient).connect)
	method("onconnect", func(c *mqttClient, call goja.FunctionCall) goja.Value {
		c.onConnect, _ = a.callback(call.Argument(0), "mqttclient.onconnect: argument 'callback'")
		return goja.Undefined()
	})
	method("onconnectionlost", func(c *mqttClient, call goja.FunctionCall) goja.Value {
		c.onLost, c.onLostArity = a.callback(call.Argument(0), "mqttclient.onconnectionlost: argument 'callback'")
		return goja.Undefined()
	})
	method("onmessage", func(c *mqttClient, call goja.FunctionCall) goja.Value {
		c.onMessage, _ = a.callback(call.Argument(0), "mqttclient.onmessage: argument 'callback'")
		return goja.Undefined()
	})
	method("subscribe", (*mqttClient).subscribe)
	method("unsubscribe", (*mqttClient).unsubscribe)
	method("createmessage", (*mqttClient).createmessage)
	method("disconnect", (*mqttClient).disconnect)
	method("isconnected", func(c *mqttClient, _ goja.FunctionCall) goja.Value {
		return a.rt.ToValue(c.state == stateConnected)
	})
	method("id", func(c *mqttClient, _ goja.FunctionCall) goja.Value {
		if c.id == "" {
			return goja.Null()
		}
		return a.rt.ToValue(c.id)
	})
	method("url", func(c *mqttClient, _ goja.FunctionCall) goja.Value {
		if c.url == "" {
			return goja.Null()
		}
		return a.rt.ToValue(c.url)
	})
	return p
}

// connectOptionKeys are the keys connect()'s options may have.
var connectOptionKeys = []string{"username", "password", "keepalive", "willtopic", "willmessage"}

// RedactURL returns raw for display with any password in its user info
// replaced by "xxxxx", so credentials never reach a log line, an error
// message or a report.
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			return u.Redacted()
		}
		return raw
	}
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		if sep := strings.Index(raw, "://"); sep >= 0 && sep < at {
			return raw[:sep+3] + "xxxxx" + raw[at:]
		}
		return "xxxxx" + raw[at:]
	}
	return raw
}

// ParseURL validates a connect() URL and fills in the default port. Its
// errors are phrased for the script author.
func ParseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL", RedactURL(raw))
	}
	defPort := map[string]string{"tcp": "1883", "ssl": "8883", "ws": "80", "wss": "443"}[u.Scheme]
	if defPort == "" {
		return nil, fmt.Errorf("%q: the scheme must be tcp://, ssl://, ws:// or wss://", RedactURL(raw))
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%q has no host", RedactURL(raw))
	}
	if p := u.Port(); p == "" {
		u.Host = net.JoinHostPort(u.Hostname(), defPort)
	} else if n, err := parsePort(p); err != nil || n == 0 {
		return nil, fmt.Errorf("%q: port %q is not a number from 1 to 65535", RedactURL(raw), p)
	}
	return u, nil
}

func parsePort(p string) (int, error) {
	n := 0
	if p == "" || len(p) > 5 {
		return 0, errors.New("bad port")
	}
	for _, ch := range p {
		if ch < '0' || ch > '9' {
			return 0, errors.New("bad port")
		}
		n = n*10 + int(ch-'0')
	}
	if n > 65535 {
		return 0, errors.New("bad port")
	}
	return n, nil
}

func (c *mqttClient) connect(call goja.FunctionCall) goja.Value {
	a := c.m.a
	urlV := call.Argument(0)
	raw, ok := urlV.Export().(string)
	if !ok {
		a.throwf("mqttclient.connect: argument 'url' must be a string, got %s", describe(urlV))
	}
	u, err := ParseURL(raw)
	if err != nil {
		a.throwf("mqttclient.connect: argument 'url': %v", err)
	}
	idV := call.Argument(1)
	id, ok := idV.Export().(string)
	if n := utf8.RuneCountInString(id); !ok || n < 1 || n > maxClientID {
		a.throwf("mqttclient.connect: argument 'clientId' must be a string of 1 to %d characters, got %s", maxClientID, describe(idV))
	}
	po := paho.NewClientOptions()
	po.SetClientID(id)
	po.SetKeepAlive(defaultKeepAlive * time.Second)
	if optV := call.Argument(2); !goja.IsUndefined(optV) && !goja.IsNull(optV) {
		c.applyOptions(po, optV)
	}
	switch c.state {
	case stateConnecting, stateConnected:
		a.throwf("mqttclient.connect: this client is already connected or connecting; call disconnect() first")
	case stateDisconnecting:
		a.throwf("mqttclient.connect: this client is still disconnecting; connect again from the disconnect() callback")
	}
	if act := c.m.active; act != nil && act != c {
		a.throwf("mqttclient.connect: another client (%s) is already connected or connecting; an agent may have one connection at a time", act.id)
	}

	c.id, c.url = id, raw
	c.gen++
	gen := c.gen
	c.state = stateConnecting
	c.m.active = c
	c.hold = a.loop.Hold()
	if code := a.lim.outbound("connect", RedactURL(raw), func() { c.startConnect(gen, u, po) }); code != codeSuccess {
		a.log.StatusWarn("connect " + RedactURL(raw) + " refused: the outbound rate limit buffer is full (onconnect -1)")
		a.loop.SetTimer(0, func() { c.deliverConnect(gen, codeFailure) })
	}
	return goja.Undefined()
}

// startConnect opens the connection for connect(), once the outbound
// limiter lets it through. Loop only.
func (c *mqttClient) startConnect(gen int, u *url.URL, po *paho.ClientOptions) {
	a := c.m.a
	if gen != c.gen || c.state != stateConnecting {
		return // disconnect() was called while the connect waited
	}
	raw := RedactURL(c.url)
	target, err := a.opts.Resolve(u)
	if err != nil {
		a.log.StatusError(fmt.Sprintf("connect %s: %v", raw, err))
		a.loop.SetTimer(0, func() { c.deliverConnect(gen, codeFailure) })
		return
	}
	if target.Note != "" {
		a.log.Status(target.Note)
	}
	po.AddBroker(target.URL)
	if target.TLS != nil {
		po.SetTLSConfig(target.TLS)
	}
	po.SetProtocolVersion(4) // 3.1.1 only: without it paho retries a refusal as 3.1
	po.SetCleanSession(true)
	po.SetAutoReconnect(false)
	po.SetConnectRetry(false)
	po.SetConnectTimeout(a.opts.ConnectTimeout)
	c.conn.Store(nil)
	po.SetCustomOpenConnectionFn(func(uri *url.URL, o paho.ClientOptions) (net.Conn, error) {
		tc, err := c.m.open(uri, o)
		if err != nil {
			return nil, err
		}
		c.conn.Store(tc)
		return tc, nil
	})
	po.SetOrderMatters(true) // handlers run in paho's router goroutine; they only enqueue
	po.SetDefaultPublishHandler(func(_ paho.Client, msg paho.Message) {
		a.loop.Enqueue(func() { c.deliverMessage(gen, msg) })
	})
	po.SetConnectionLostHandler(func(_ paho.Client, err error) {
		reason := lostReason(c.conn.Load(), err)
		a.loop.Enqueue(func() { c.deliverLost(gen, reason) })
	})

	pc := paho.NewClient(po)
	c.pc = pc
	c.m.clients[c] = true
	c.connecting = a.loop.Busy()
	tok := pc.Connect()
	c.m.wg.Add(1)
	go func() {
		defer c.m.wg.Done()
		<-tok.Done()
		code := codeSuccess
		if tok.Error() != nil {
			code = codeFailure
			if rc := tok.(*paho.ConnectToken).ReturnCode(); rc >= 1 && rc <= 5 {
				code = int(rc)
			}
		}
		if !a.loop.Enqueue(func() { c.deliverConnect(gen, code) }) && code == codeSuccess {
			pc.Disconnect(0) // the loop has ended: nobody will use this connection
		}
	}()
}

func (c *mqttClient) applyOptions(po *paho.ClientOptions, v goja.Value) {
	a := c.m.a
	obj, ok := v.(*goja.Object)
	if !ok {
		a.throwf("mqttclient.connect: argument 'options' must be an object, got %s", describe(v))
	}
	var unknown []string
	var willTopic string
	var willMsg []byte
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		switch k {
		case "username":
			s, ok := val.Export().(string)
			if !ok {
				a.throwf("mqttclient.connect: options.username must be a string, got %s", describe(val))
			}
			po.SetUsername(s)
		case "password":
			b, ok := a.bytesOf(val)
			if !ok {
				a.throwf("mqttclient.connect: options.password must be a string or blob, got %s", describe(val))
			}
			po.SetPassword(string(b))
		case "keepalive":
			n, ok := intArg(val)
			if !ok || n != 0 && (n < minKeepalive || n > maxKeepalive) {
				a.throwRange("mqttclient.connect: options.keepalive must be 0 (off) or an integer from %d to %d seconds, got %s", minKeepalive, maxKeepalive, describe(val))
			}
			po.SetKeepAlive(time.Duration(n) * time.Second)
		case "willtopic":
			s, ok := val.Export().(string)
			if !ok {
				a.throwf("mqttclient.connect: options.willtopic must be a string, got %s", describe(val))
			}
			if err := mqtttopic.CheckName(s); err != nil {
				a.throwf("mqttclient.connect: options.willtopic: %v", err)
			}
			willTopic = s
		case "willmessage":
			b, ok := a.bytesOf(val)
			if !ok {
				a.throwf("mqttclient.connect: options.willmessage must be a string or blob, got %s", describe(val))
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
		a.log.StatusWarn(fmt.Sprintf("mqttclient.connect: ignoring unknown option(s) %s; valid options are %s",
			strings.Join(unknown, ", "), strings.Join(connectOptionKeys, ", ")))
	}
}

// bytesOf returns the bytes of a string, blob, ArrayBuffer or typed array.
func (a *API) bytesOf(v goja.Value) ([]byte, bool) {
	switch x := v.Export().(type) {
	case string:
		return []byte(x), true
	case *Blob:
		return x.data, true
	case goja.ArrayBuffer:
		return x.Bytes(), true
	case []byte:
		return x, true
	}
	return nil, false
}

// release ends the client's connection state on the loop.
// endConnecting ends the busy mark of a connect in flight, if any.
func (c *mqttClient) endConnecting() {
	if c.connecting != nil {
		c.connecting()
		c.connecting = nil
	}
}

func (c *mqttClient) release() {
	c.endConnecting()
	c.state = stateIdle
	if c.hold != nil {
		c.hold()
		c.hold = nil
	}
	if c.m.active == c {
		c.m.active = nil
	}
	c.lostWhileConnecting = 0
}

func (c *mqttClient) deliverConnect(gen, code int) {
	if gen != c.gen || c.state != stateConnecting {
		return
	}
	c.endConnecting()
	if code == codeSuccess {
		c.state = stateConnected
	} else {
		c.release()
		delete(c.m.clients, c)
		c.pc = nil
	}
	if c.onConnect != nil {
		c.m.a.loop.Call(c.onConnect, c.obj, c.m.a.rt.ToValue(code))
	}
	if reason := c.lostWhileConnecting; code == codeSuccess && reason != 0 {
		c.deliverLost(gen, reason)
	}
}

func (c *mqttClient) deliverLost(gen, reason int) {
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
func (c *mqttClient) lostConnection(reason int) {
	if c.m.a.onLost != nil {
		c.m.a.onLost()
	}
	c.release()
	delete(c.m.clients, c)
	c.pc = nil
	if c.onLost == nil {
		return
	}
	if c.onLostArity >= 1 {
		c.m.a.loop.Call(c.onLost, c.obj, c.m.a.rt.ToValue(reason))
	} else {
		c.m.a.loop.Call(c.onLost, c.obj)
	}
}

func (c *mqttClient) deliverMessage(gen int, msg paho.Message) {
	a := c.m.a
	if a.onInbound != nil {
		a.onInbound(msg.Topic())
	}
	if gen != c.gen || c.state != stateConnected {
		a.countDrop("it arrived after its connection had ended")
		return
	}
	if reason := a.lim.inbound(len(msg.Payload()), msg.Topic()); reason != 0 {
		if reason == lostOversize {
			a.countDrop("larger than limits.message_size (onconnectionlost -3)")
		} else {
			a.countDrop("over the inbound rate limit (onconnectionlost -2)")
		}
		c.drop(reason)
		return
	}
	if c.onMessage == nil {
		a.countDrop("no onmessage handler was registered")
		return
	}
	a.loop.Call(c.onMessage, c.obj, a.rt.NewDynamicObject(&inboundMessage{a: a, msg: msg}))
}

// inboundMessage is the message object onmessage receives: topic, message
// (a blob, made on first use), qos, retain and dup, read from the paho
// message on demand so a delivery costs two allocations, not a map of
// properties. Scripts may add their own properties.
type inboundMessage struct {
	a     *API
	msg   paho.Message
	blob  goja.Value
	extra map[string]goja.Value
}

var inboundKeys = []string{"topic", "message", "qos", "retain", "dup"}

// Get implements goja.DynamicObject.
func (m *inboundMessage) Get(key string) goja.Value {
	switch key {
	case "topic":
		return m.a.rt.ToValue(m.msg.Topic())
	case "message":
		if m.blob == nil {
			m.blob = m.a.blobs.wrap(m.msg.Payload())
		}
		return m.blob
	case "qos":
		return m.a.rt.ToValue(int(m.msg.Qos()))
	case "retain":
		return m.a.rt.ToValue(b2i(m.msg.Retained()))
	case "dup":
		return m.a.rt.ToValue(b2i(m.msg.Duplicate()))
	}
	return m.extra[key]
}

// Set implements goja.DynamicObject: the standard fields are read-only.
func (m *inboundMessage) Set(key string, v goja.Value) bool {
	for _, k := range inboundKeys {
		if k == key {
			return false
		}
	}
	if m.extra == nil {
		m.extra = map[string]goja.Value{}
	}
	m.extra[key] = v
	return true
}

// Has implements goja.DynamicObject.
func (m *inboundMessage) Has(key string) bool { return m.Get(key) != nil }

// Delete implements goja.DynamicObject.
func (m *inboundMessage) Delete(key string) bool {
	delete(m.extra, key)
	return true
}

// Keys implements goja.DynamicObject.
func (m *inboundMessage) Keys() []string {
	keys := append([]string(nil), inboundKeys...)
	for k := range m.extra {
		keys = append(keys, k)
	}
	return keys
}

// drop ends the connection from the host's side (a limit was exceeded):
// the socket is closed abruptly, as a platform that cuts a client off would,
// and onconnectionlost gets reason. Loop only, while connected.
func (c *mqttClient) drop(reason int) {
	conn, pc := c.conn.Load(), c.pc
	c.gen++ // paho's own report of the loss, and later messages, are ignored
	if conn != nil {
		conn.Close()
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

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// requireConnected throws unless the client is connected.
func (c *mqttClient) requireConnected(method string) {
	if c.state != stateConnected {
		c.m.a.throwf("mqttclient.%s: the client is not connected", method)
	}
}

// topicList reads subscribe's / unsubscribe's topics argument.
func (c *mqttClient) topicList(method string, v goja.Value) ([]string, bool) {
	a := c.m.a
	if s, ok := v.Export().(string); ok {
		if err := mqtttopic.CheckFilter(s); err != nil {
			a.throwf("mqttclient.%s: argument 'topics': %v", method, err)
		}
		return []string{s}, false
	}
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() != "Array" {
		a.throwf("mqttclient.%s: argument 'topics' must be a string or an array of strings, got %s", method, describe(v))
	}
	n := int(obj.Get("length").ToInteger())
	if n < 1 || n > maxTopics {
		a.throwRange("mqttclient.%s: argument 'topics' must hold 1 to %d topics, got %d", method, maxTopics, n)
	}
	out := make([]string, n)
	for i := range out {
		e := obj.Get(fmt.Sprint(i))
		s, ok := e.Export().(string)
		if !ok {
			a.throwf("mqttclient.%s: argument 'topics'[%d] must be a string, got %s", method, i, describe(e))
		}
		if err := mqtttopic.CheckFilter(s); err != nil {
			a.throwf("mqttclient.%s: argument 'topics'[%d]: %v", method, i, err)
		}
		out[i] = s
	}
	return out, true
}

func (c *mqttClient) subscribe(call goja.FunctionCall) goja.Value {
	a := c.m.a
	topics, isArray := c.topicList("subscribe", call.Argument(0))
	qos := make([]byte, len(topics))
	qv := call.Argument(1)
	if obj, ok := qv.(*goja.Object); ok && obj.ClassName() == "Array" {
		if n := int(obj.Get("length").ToInteger()); n != len(topics) {
			a.throwf("mqttclient.subscribe: argument 'qos' has %d entries for %d topics", n, len(topics))
		}
		for i := range qos {
			qos[i] = c.qosArg("subscribe", fmt.Sprintf("argument 'qos'[%d]", i), obj.Get(fmt.Sprint(i)))
		}
	} else if !goja.IsUndefined(qv) && !goja.IsNull(qv) {
		q := c.qosArg("subscribe", "argument 'qos'", qv)
		for i := range qos {
			qos[i] = q
		}
	}
	cb, cbArity := a.callback(call.Argument(2), "mqttclient.subscribe: argument 'callback'")
	c.requireConnected("subscribe")

	filters := make(map[string]byte, len(topics))
	for i, t := range topics {
		filters[t] = qos[i]
	}
	done := func(code int, res map[string]byte) {
		if cb == nil {
			return
		}
		granted := make([]any, len(topics))
		for i, t := range topics {
			g, ok := res[t]
			if !ok || code != codeSuccess {
				g = subscribeRefused
			}
			granted[i] = int(g)
		}
		var mode goja.Value
		if isArray {
			mode = a.rt.NewArray(granted...)
		} else {
			mode = a.rt.ToValue(granted[0])
		}
		if cbArity >= 2 {
			a.loop.Call(cb, c.obj, a.rt.ToValue(code), mode)
		} else {
			a.loop.Call(cb, c.obj, mode)
		}
	}
	gen := c.gen
	code := a.lim.outbound("subscribe", strings.Join(topics, ","), func() {
		if gen != c.gen || c.state != stateConnected {
			done(codeDisconnected, nil)
			return
		}
		tok := c.pc.SubscribeMultiple(filters, nil)
		c.complete(tok, func(err error) {
			var res map[string]byte
			if st, ok := tok.(*paho.SubscribeToken); ok && err == nil {
				res = st.Result()
			}
			done(errCode(err), res)
		})
	})
	return a.rt.ToValue(code)
}

func (c *mqttClient) qosArg(method, what string, v goja.Value) byte {
	n, ok := intArg(v)
	if !ok || n < 0 || n > 2 {
		c.m.a.throwf("mqttclient.%s: %s must be 0, 1 or 2, got %s", method, what, describe(v))
	}
	return byte(n)
}

func (c *mqttClient) unsubscribe(call goja.FunctionCall) goja.Value {
	a := c.m.a
	topics, _ := c.topicList("unsubscribe", call.Argument(0))
	cb, _ := a.callback(call.Argument(1), "mqttclient.unsubscribe: argument 'callback'")
	c.requireConnected("unsubscribe")
	done := func(code int) {
		if cb != nil {
			if code != codeSuccess {
				code = codeFailure
			}
			a.loop.Call(cb, c.obj, a.rt.ToValue(code))
		}
	}
	gen := c.gen
	code := a.lim.outbound("unsubscribe", strings.Join(topics, ","), func() {
		if gen != c.gen || c.state != stateConnected {
			done(codeDisconnected)
			return
		}
		c.complete(c.pc.Unsubscribe(topics...), func(err error) { done(errCode(err)) })
	})
	return a.rt.ToValue(code)
}

// complete hands tok to the module's completion pump, which waits for
// tokens in the order they were issued and runs done(err) on the loop for
// each, so callbacks fire in request order (as the broker answers). The loop
// is busy (an UntilIdle run does not end, virtual time stands still) until done has run. Loop only.
func (c *mqttClient) complete(tok paho.Token, done func(err error)) {
	m := c.m
	op := pendingOp{tok: tok, done: done, release: m.a.loop.Busy()}
	m.opMu.Lock()
	m.ops = append(m.ops, op)
	start := !m.pumping
	m.pumping = true
	m.opMu.Unlock()
	if start {
		m.wg.Add(1)
		go m.pump()
	}
	select {
	case m.opWake <- struct{}{}:
	default:
	}
}

type pendingOp struct {
	tok     paho.Token
	done    func(error)
	release func()
}

// pump waits for pending operations in order until closeAll. Its own goroutine.
func (m *mqttModule) pump() {
	defer m.wg.Done()
	var batch []pendingOp
	for {
		m.opMu.Lock()
		batch, m.ops = m.ops, batch[:0]
		m.opMu.Unlock()
		if len(batch) == 0 {
			select {
			case <-m.opWake:
				continue
			case <-m.ctx.Done():
				return
			}
		}
		for i := 0; i < len(batch); {
			select {
			case <-batch[i].tok.Done():
			case <-m.ctx.Done():
				return // the loop has stopped: nobody is waiting for these
			}
			// Hand over every operation already complete in one go: one
			// enqueue (and one loop wake-up) for a run of completions.
			j := i + 1
		more:
			for j < len(batch) {
				select {
				case <-batch[j].tok.Done():
					j++
				default:
					break more
				}
			}
			group := append([]pendingOp(nil), batch[i:j]...)
			m.a.loop.Enqueue(func() {
				for _, op := range group {
					op.release()
					op.done(op.tok.Error())
				}
			})
			clear(batch[i:j])
			i = j
		}
	}
}

// errCode maps a paho token error to a result code.
func errCode(err error) int {
	switch {
	case err == nil:
		return codeSuccess
	case errors.Is(err, paho.ErrNotConnected):
		return codeDisconnected
	case strings.Contains(err.Error(), "no message IDs available"):
		return codeNoMessageIDs
	}
	return codeFailure
}

// mqttMessage is the object createmessage returns.
type mqttMessage struct {
	client  *mqttClient
	topic   string
	payload []byte
	qos     byte
	retain  bool
}

func (m *mqttModule) makeMessageMethods() map[string]goja.Value {
	a := m.a
	return map[string]goja.Value{
		"sendasync": a.rt.ToValue(func(call goja.FunctionCall) goja.Value {
			msg, ok := call.This.Export().(*mqttMessage)
			if !ok {
				a.throwf("mqttmessage.sendasync called on a value that is not an mqttmessage")
			}
			return msg.sendasync(call)
		}),
	}
}

// Get implements goja.DynamicObject.
func (msg *mqttMessage) Get(key string) goja.Value { return msg.client.m.messageMethods[key] }

// Set implements goja.DynamicObject; messages are read-only.
func (msg *mqttMessage) Set(string, goja.Value) bool { return false }

// Has implements goja.DynamicObject.
func (msg *mqttMessage) Has(key string) bool { return msg.client.m.messageMethods[key] != nil }

// Delete implements goja.DynamicObject.
func (msg *mqttMessage) Delete(string) bool { return false }

// Keys implements goja.DynamicObject.
func (msg *mqttMessage) Keys() []string { return nil }

func (c *mqttClient) createmessage(call goja.FunctionCall) goja.Value {
	a := c.m.a
	tv := call.Argument(0)
	tb, ok := a.bytesOf(tv)
	topic := string(tb)
	if !ok {
		a.throwf("mqttclient.createmessage: argument 'topic' must be a string or blob, got %s", describe(tv))
	}
	if err := mqtttopic.CheckName(topic); err != nil {
		a.throwf("mqttclient.createmessage: argument 'topic': %v", err)
	}
	pv := call.Argument(1)
	payload, ok := a.bytesOf(pv)
	if !ok {
		if obj, isObj := pv.(*goja.Object); isObj && obj.ClassName() == "Uint8Array" {
			payload, ok = typedBytes(a, obj)
		}
	}
	if !ok {
		a.throwf("mqttclient.createmessage: argument 'payload' must be a string, blob, ArrayBuffer or Uint8Array, got %s", describe(pv))
	}
	if limit := a.lim.payloadLimit(); int64(len(payload)) > limit {
		a.throwRange("mqttclient.createmessage: the payload is %d bytes, more than the limit of %d (limits.message_size)", len(payload), limit)
	}
	if _, fresh := pv.Export().(string); !fresh {
		payload = append([]byte(nil), payload...) // a blob or buffer the script may change later
	}
	msg := &mqttMessage{client: c, topic: topic, payload: payload}
	if ov := call.Argument(2); !goja.IsUndefined(ov) && !goja.IsNull(ov) {
		if n, isInt := intArg(ov); isInt {
			msg.qos = c.qosArg("createmessage", "argument 'options' (qos)", a.rt.ToValue(n))
		} else if obj, isObj := ov.(*goja.Object); isObj {
			for _, k := range obj.Keys() {
				v := obj.Get(k)
				switch k {
				case "qos":
					msg.qos = c.qosArg("createmessage", "options.qos", v)
				case "retain":
					msg.retain = v.ToBoolean()
				default:
					a.log.StatusWarn(fmt.Sprintf("mqttclient.createmessage: ignoring unknown option %q; valid options are qos, retain", k))
				}
			}
		} else {
			a.throwf("mqttclient.createmessage: argument 'options' must be an object {qos, retain} or a qos number, got %s", describe(ov))
		}
	}
	return a.rt.NewDynamicObject(msg)
}

func typedBytes(a *API, obj *goja.Object) ([]byte, bool) {
	buf, ok := obj.Get("buffer").Export().(goja.ArrayBuffer)
	if !ok {
		return nil, false
	}
	off := int(obj.Get("byteOffset").ToInteger())
	n := int(obj.Get("byteLength").ToInteger())
	b := buf.Bytes()
	if off < 0 || off+n > len(b) {
		return nil, false
	}
	return b[off : off+n], true
}

func (msg *mqttMessage) sendasync(call goja.FunctionCall) goja.Value {
	c := msg.client
	a := c.m.a
	cb, _ := a.callback(call.Argument(0), "mqttmessage.sendasync: argument 'callback'")
	c.requireConnected("sendasync")
	done := func(code int) {
		if cb != nil {
			a.loop.Call(cb, goja.Undefined(), a.rt.ToValue(code))
		}
	}
	gen := c.gen
	code := a.lim.outbound("publish", msg.topic, func() {
		if gen != c.gen || c.state != stateConnected {
			done(codeDisconnected)
			return
		}
		c.complete(c.pc.Publish(msg.topic, msg.qos, msg.retain, msg.payload), func(err error) {
			if err == nil && a.onSent != nil {
				a.onSent(msg.topic)
			}
			done(errCode(err))
		})
	})
	if code != codeSuccess {
		a.loop.SetTimer(0, func() { done(code) })
	}
	return goja.Undefined()
}

func (c *mqttClient) disconnect(call goja.FunctionCall) goja.Value {
	a := c.m.a
	cb, _ := a.callback(call.Argument(0), "mqttclient.disconnect: argument 'callback'")
	pc := c.pc
	if pc == nil && c.state == stateConnecting {
		c.gen++ // the connect waiting in the outbound buffer will not start
		c.release()
	}
	if pc == nil || c.state == stateIdle || c.state == stateDisconnecting {
		if cb != nil {
			a.loop.SetTimer(0, func() { a.loop.Call(cb, c.obj) })
		}
		return goja.Undefined()
	}
	c.state = stateDisconnecting
	c.gen++ // events of the closed connection are ignored from now on
	c.endConnecting()
	release := a.loop.Busy()
	c.m.wg.Add(1)
	go func() {
		defer c.m.wg.Done()
		pc.Disconnect(250)
		a.loop.Enqueue(func() {
			release()
			if c.pc == pc {
				c.pc = nil
				delete(c.m.clients, c)
				c.release()
			}
			if cb != nil {
				a.loop.Call(cb, c.obj)
			}
		})
	}()
	return goja.Undefined()
}
