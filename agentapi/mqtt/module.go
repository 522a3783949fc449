// Package mqtt is the agent API module of the imp's MQTT client: the global
// mqtt with createclient(), and the mqttclient and mqttmessage objects, with
// the imp's result codes, limits and exceptions, speaking MQTT 3.1.1
// through paho.
//
// Everything runs on the loop goroutine except paho's own goroutines and the
// waiters of completion.go, which hand results to the loop through
// scriptvm.Op and never touch the runtime.
package mqtt

import (
	"container/list"
	"context"
	"crypto/tls"
	"net/url"
	"sync"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/dop251/goja"
	paho "github.com/eclipse/paho.mqtt.golang"
)

// Limits and codes of the MQTT API.
const (
	maxTopics        = 10  // per subscribe / unsubscribe call
	maxClientID      = 255 // characters
	minKeepalive     = 30  // seconds, or 0 for off
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

// Resolver maps the URL a script passes to connect() (already validated by
// brokerurl.Parse, port filled in) to the Target to dial. An error fails the
// connect with onconnect(-1) and is logged. Called on the loop goroutine; it
// must not block.
type Resolver func(scriptURL *url.URL) (Target, error)

// Options configure the module.
type Options struct {
	// Resolve decides where connects go. Required.
	Resolve Resolver
	// ConnectTimeout bounds a connect attempt (TCP, TLS and CONNACK); 0
	// means 10 s.
	ConnectTimeout time.Duration
}

// Module is the mqtt global of one runtime.
type Module struct {
	opts Options
	env  *agentapi.Env
	// active is the one client connected or connecting, if any.
	active *client
	// clients are all clients with a paho connection to close at exit.
	clients map[*client]bool
	// wg counts goroutines that will hand a completion to the loop.
	wg sync.WaitGroup
	// ctx ends with Close, aborting dials, TLS handshakes and waiters.
	ctx    context.Context
	cancel context.CancelFunc
	// conns are the open network connections, closed by Close so that a
	// connect waiting for a CONNACK ends at once. Any goroutine, under connMu.
	connMu sync.Mutex
	conns  map[*trackedConn]bool

	ordered *orderedLane
	written paho.Token // the token of every QoS 0 publish written without paho (publish0)
	acked   ackedSet
	ready   *readyQueue
	control []*list.Element // pending subscribes/unsubscribes in acked; loop only

	clientFuncs    map[string]goja.Value // the client methods made so far (clientMethod)
	messageMethods map[string]goja.Value
	// The message createmessage made last and its object: sendasync on it
	// finds its Go value without Export. Loop only.
	lastMsgObj *goja.Object
	lastMsg    *mqttMessage
	// The callback sendasync was given last, and its wrapper.
	lastCbObj *goja.Object
	lastCb    goja.Callable
}

// New returns the module.
func New(opts Options) *Module {
	if opts.ConnectTimeout == 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Module{opts: opts, clients: map[*client]bool{}, ctx: ctx, cancel: cancel, conns: map[*trackedConn]bool{}}
	m.ready = &readyQueue{}
	m.ordered = newOrderedLane(m)
	m.written = newWrittenToken()
	return m
}

// Name implements agentapi.Module.
func (*Module) Name() string { return "mqtt" }

// Install implements agentapi.Module.
func (m *Module) Install(env *agentapi.Env) error {
	m.env = env
	rt := env.Runtime
	o := rt.NewObject()
	_ = o.Set("AT_MOST_ONCE", 0)
	_ = o.Set("AT_LEAST_ONCE", 1)
	_ = o.Set("EXACTLY_ONCE", 2)
	_ = o.Set("createclient", func(goja.FunctionCall) goja.Value {
		return m.newClient()
	})
	m.messageMethods = m.makeMessageMethods()
	return env.Define("mqtt", o)
}

// Close disconnects every client (cleanly where connected: the broker
// sends no will) and waits for the module's goroutines. After the loop has
// stopped only.
func (m *Module) Close() {
	for c := range m.clients {
		if c.pc != nil && c.state == stateConnected {
			c.pc.Disconnect(250)
		}
	}
	m.cancel()
	m.connMu.Lock()
	open := make([]*trackedConn, 0, len(m.conns))
	for c := range m.conns {
		open = append(open, c)
	}
	m.connMu.Unlock()
	for _, c := range open {
		c.abort() // connects in flight: nothing pending is wanted
	}
	m.wg.Wait()
	for c := range m.clients {
		if c.pc != nil {
			c.pc.Disconnect(0)
		}
	}
}
