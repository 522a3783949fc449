// Package nodemcu is the agent API module of NodeMCU's MQTT client:
// mqtt.Client(clientid, keepalive[, username, password, cleansession])
// and the client's lwt, on, connect, publish, subscribe, unsubscribe and
// close, with NodeMCU's callbacks, its connection failure reason codes
// (mqtt.CONN_FAIL_SERVER_NOT_FOUND ... mqtt.CONNACK_REFUSED_NOT_AUTHORIZED)
// and its documented oddities, speaking MQTT 3.1.1 over mqttwire.
//
// Everything runs on the loop goroutine except the dials and handshakes,
// mqttwire's reader and writer goroutines and the keepalive tickers, which
// hand results to the loop through scriptvm.Op and never touch the
// runtime.
package nodemcu

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/mqtt"
	"github.com/dop251/goja"
)

// Connection failure reasons, as NodeMCU numbers them: what the failure
// callback of connect() gets. CONNACK codes 1 to 5 (and any other code a
// broker sends) are passed as they are.
const (
	FailServerNotFound  = -5 // nothing listens at the address (or TCP/TLS could not be set up)
	FailNotAConnack     = -4 // the broker's first answer was not a CONNACK
	FailDNS             = -3 // the host name did not resolve
	FailTimeoutReceive  = -2 // no CONNACK in time
	FailTimeoutSend     = -1 // the CONNECT could not be sent in time
	ConnackAccepted     = 0
	RefusedProtocolVer  = 1
	RefusedIDRejected   = 2
	RefusedUnavailable  = 3
	RefusedBadUserPass  = 4
	RefusedNotAuthorize = 5
)

// constants are the reason codes' names on the mqtt global.
var constants = []struct {
	name  string
	value int
}{
	{"CONN_FAIL_SERVER_NOT_FOUND", FailServerNotFound},
	{"CONN_FAIL_NOT_A_CONNACK_MSG", FailNotAConnack},
	{"CONN_FAIL_DNS", FailDNS},
	{"CONN_FAIL_TIMEOUT_RECEIVING", FailTimeoutReceive},
	{"CONN_FAIL_TIMEOUT_SENDING", FailTimeoutSend},
	{"CONNACK_ACCEPTED", ConnackAccepted},
	{"CONNACK_REFUSED_PROTOCOL_VER", RefusedProtocolVer},
	{"CONNACK_REFUSED_ID_REJECTED", RefusedIDRejected},
	{"CONNACK_REFUSED_SERVER_UNAVAILABLE", RefusedUnavailable},
	{"CONNACK_REFUSED_BAD_USER_OR_PASS", RefusedBadUserPass},
	{"CONNACK_REFUSED_NOT_AUTHORIZED", RefusedNotAuthorize},
}

// deviceSendBuffer is the TCP send buffer of the dialect's sockets. A
// NodeMCU's network stack buffers a few kilobytes per connection; the
// host's would buffer megabytes, so that a broker that stops reading could
// never make a CONNECT (at most about 320 KiB) time out sending (-1) as on
// the device.
const deviceSendBuffer = 8 << 10

// Options configure the module.
type Options struct {
	// Resolve decides where connect(host, port, secure) goes, as for the
	// imp's connect(). Required.
	Resolve mqtt.Resolver
	// ConnectTimeout bounds the TCP connect and TLS handshake; past it the
	// failure is CONN_FAIL_SERVER_NOT_FOUND. 0 means 10 s.
	ConnectTimeout time.Duration
	// Timeout is NodeMCU's MQTT_SEND_TIMEOUT: how long writing the CONNECT
	// (then CONN_FAIL_TIMEOUT_SENDING), waiting for the CONNACK (then
	// CONN_FAIL_TIMEOUT_RECEIVING), any later write, and the broker's
	// acknowledgement of a publish, subscribe or unsubscribe (then the
	// request is dropped without its callback) may take. 0 means 5 s.
	Timeout time.Duration
	// ReconnectDelay is the wait between automatic reconnection attempts
	// (autoreconnect), on the session clock. 0 means 1 s.
	ReconnectDelay time.Duration
}

// Module adds mqtt.Client and the reason code constants to the mqtt
// global.
type Module struct {
	opts   Options
	env    *agentapi.Env
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // dials, handshakes and keepalive tickers

	mu      sync.Mutex // guards pending (handshakes on other goroutines)
	pending map[net.Conn]bool
	// clients holds the clients with a connection or an attempt. Loop only.
	clients map[*client]bool
}

// New returns the module.
func New(o Options) *Module {
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	if o.ReconnectDelay == 0 {
		o.ReconnectDelay = time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Module{opts: o, ctx: ctx, cancel: cancel, pending: map[net.Conn]bool{}, clients: map[*client]bool{}}
}

// Name implements agentapi.Module.
func (*Module) Name() string { return "nodemcu" }

// Install implements agentapi.Module: it needs the mqtt module's global.
func (m *Module) Install(env *agentapi.Env) error {
	m.env = env
	rt := env.Runtime
	if err := env.DefineMember("mqtt", "Client", rt.ToValue(func(call goja.ConstructorCall) *goja.Object {
		return m.newClient(call.Arguments)
	})); err != nil {
		return err
	}
	for _, c := range constants {
		if err := env.DefineMember("mqtt", c.name, rt.ToValue(c.value)); err != nil {
			return err
		}
	}
	return nil
}

// Close ends every connection (with DISCONNECT where connected) and waits
// for the module's goroutines. After the loop has stopped only.
func (m *Module) Close() {
	m.cancel()
	m.mu.Lock()
	for nc := range m.pending {
		nc.Close()
	}
	m.mu.Unlock()
	for c := range m.clients {
		if s := c.sess; s != nil {
			s.disconnect()
		}
	}
	m.wg.Wait()
}

// track notes a connection in its handshake, so that Close can end it;
// it reports false (and closes nc) when the module is closing.
func (m *Module) track(nc net.Conn) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ctx.Err() != nil {
		nc.Close()
		return false
	}
	m.pending[nc] = true
	return true
}

func (m *Module) untrack(nc net.Conn) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.pending, nc)
}
