// Package broker runs an embedded MQTT broker (MQTT 3.1, 3.1.1 and 5)
// built on github.com/mochi-mqtt/server/v2, for running agent scripts and
// tests locally without an external broker.
//
// Compared with a default mochi server, a Broker
//   - binds its listeners before Start returns and reports the real
//     addresses (port 0 picks a free port);
//   - raises mochi's per-client inflight limits, bounds each client's
//     outbound queue by Options.MaxQueued, and reports mochi's drop
//     counters in Stats;
//   - refuses bad credentials with the MQTT 3.1.1 return code 4;
//   - refuses subscriptions to configured filters with SUBACK code 0x80;
//   - closes connections that do not send CONNECT within a timeout, bounds
//     how many may be waiting for one, disconnects clients that announce
//     a packet larger than a maximum before reading it, and clients that
//     stop reading for longer than a write timeout (conn.go);
//   - acknowledges and drops PUBLISHes to reserved topics ($SYS, $share),
//     never matches '$' topics with a leading wildcard, and sends MQTT
//     3.x clients no DISCONNECT, which that protocol forbids
//     (protocol.go);
//   - accepts an in-process privileged client whatever the users, exempt
//     from faults and limits (privileged.go);
//   - reports wills to observers (observe.go);
//   - on Close, waits for the goroutines it started;
//   - offers fault injection for tests (faults.go): refusing connections,
//     denying subscriptions at run time, dropping clients, and stopping
//     and restarting the listeners on the same addresses.
//
// Start may be called any number of times; brokers share no state.
package broker

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// Options configure an embedded broker. The zero value is a broker on a
// free port of 127.0.0.1 that lets anyone connect and subscribe.
type Options struct {
	// Listen is the TCP listen address, "host:port". "" means
	// "127.0.0.1:0": loopback on a free port.
	Listen string

	// Users, when non-empty, maps user name to password. A client that
	// sends no user name, an unknown one, or a wrong password is refused:
	// MQTT 3.x clients get CONNACK return code 4 ("bad user name or
	// password"), MQTT 5 clients reason code 0x86. An empty password
	// accepts a CONNECT without password. When Users is empty anyone may
	// connect. The map is copied by Start.
	Users map[string]string

	// DenySubscribe lists MQTT topic filters. Each filter of a SUBSCRIBE
	// that equals a deny filter or is covered by one (deny "private/#"
	// covers "private", "private/x" and "private/+/y"; deny "a/+" covers
	// "a/b" but not "a/#") is refused with SUBACK code 0x80 (0x87 for
	// MQTT 5) while the other filters of the same SUBSCRIBE are granted.
	// A "$share/<group>/" prefix is ignored when matching, and a wildcard
	// in the first level of a deny filter does not cover '$' topics.
	// Messages whose topic is covered by a deny filter are also not
	// delivered through wider subscriptions (a subscriber of "#" does not
	// receive "private/x"): mochi applies the same read check on delivery.
	// Invalid filters make Start fail.
	DenySubscribe []string

	// TLS, when non-nil, starts an additional MQTT-over-TLS listener.
	TLS *TLSOptions

	// ConnectTimeout bounds the time from accepting a connection to
	// having its whole CONNECT packet, TLS handshake included; a
	// connection that takes longer is closed. 0 means
	// DefaultConnectTimeout (10 s).
	ConnectTimeout time.Duration

	// MaxPacketSize is the largest packet a client may send, in bytes,
	// counting the whole packet as MQTT 5 does (fixed header included).
	// A client whose fixed header announces a larger packet is
	// disconnected before any of the packet's body is read: MQTT 5
	// clients get DISCONNECT 0x95 "packet too large" (0x81 "malformed
	// packet" for a remaining length of more than 4 bytes), MQTT 3.x
	// clients see the connection closed; the client's will is published.
	// Complete packets sent before it are processed. MQTT 5 clients are
	// told the limit in CONNACK. The privileged client is exempt. 0 means
	// DefaultMaxPacketSize (327,688 bytes: room for a 256 KiB payload);
	// at most MaxPacketSizeLimit.
	MaxPacketSize int64

	// WriteTimeout bounds how long a write to a client may make no
	// progress: when the client has not read for that long (its TCP
	// receive window and the broker's send buffer are full), its
	// connection is closed, with a warning in the log, and its will is
	// published, as for any connection that ends without DISCONNECT.
	// Without it one QoS 1 or 2 subscriber that stops reading, even one
	// that still sends PINGREQs, would hold up for as long as it stays
	// connected every delivery of the clients publishing to it, to every
	// other subscriber too: mochi takes the delivery's packet id under the
	// lock the blocked write holds. With it that lasts at most about
	// WriteTimeout. A blocked write is ended between WriteTimeout less a
	// tenth of it (at most a second) and WriteTimeout after it began; a
	// packet larger than 64 KiB gets that long for each 64 KiB. 0 means
	// DefaultWriteTimeout (30 s, which says why); negative values make
	// Start fail.
	WriteTimeout time.Duration

	// MaxPendingConnections bounds the connections, TCP and TLS together,
	// that have been accepted but have not completed CONNECT; while that
	// many are pending, further connections are closed as soon as they
	// are accepted (a warning is logged when that starts). Each pending
	// connection is closed within ConnectTimeout. 0 means
	// DefaultMaxPendingConnections (256).
	MaxPendingConnections int

	// MaxQueued bounds the messages queued for one client's connection,
	// waiting for the client to read them. A delivery that finds the
	// queue full (the subscriber has fallen MaxQueued messages, plus what
	// the socket buffers hold, behind) is dropped, never retried, and
	// counted in Stats.MessagesDropped; the client stays connected and
	// other subscribers are not affected. (A QoS 1 or 2 delivery to a
	// client whose socket is full can instead make the publisher's
	// deliveries wait, until the client reads or WriteTimeout closes its
	// connection: mochi takes the packet id under the lock its writer
	// holds while blocked.) mochi
	// allocates each client's queue up front, 8 bytes an entry, whether
	// it is used or not: the default, DefaultMaxQueued (8,192), costs
	// 64 KiB per connected client; the maximum, MaxQueuedLimit
	// (1,048,576), 8 MiB. 0 means DefaultMaxQueued; negative values and
	// values over MaxQueuedLimit make Start fail.
	MaxQueued int

	// Logger receives the broker's own logs and mochi's warnings and
	// errors (mochi's Debug and Info records are dropped). nil discards.
	Logger *slog.Logger
}

// TLSOptions configure the TLS listener.
type TLSOptions struct {
	CertFile, KeyFile string // PEM certificate (chain) and private key (PKCS#1, PKCS#8 or SEC 1)

	// Listen is the TLS listen address. "" means the host of the TCP
	// listener's actual address on a free port.
	Listen string
}

// Stats is a snapshot of broker counters, all since Start.
type Stats struct {
	ClientsConnected int64 // network clients currently connected (CONNACK sent, not yet gone)
	MessagesReceived int64 // PUBLISH packets received from clients
	MessagesSent     int64 // PUBLISH packets written to clients
	MessagesDropped  int64 // deliveries dropped because a client's write queue was full
	InflightDropped  int64 // QoS 1/2 deliveries dropped because a client's inflight store or packet ids were exhausted
}

// Outbound queue sizes (Options.MaxQueued).
const (
	// DefaultMaxQueued is Options.MaxQueued's default: 8,192 messages
	// (mochi's own default), 64 KiB of queue per connected client, 64 MiB
	// for 1,000 clients. Measured with a paho publisher sending 20,000
	// QoS 1 messages without waiting for acknowledgements to a paho
	// subscriber in the same process, the subscriber's queue peaked at
	// about 2,100 messages: 2,048 dropped some in 2 runs of 50 on a
	// loaded machine, 4,096 none in 70; 8,192 leaves room for slower
	// machines.
	DefaultMaxQueued = 8192

	// MaxQueuedLimit is the largest Options.MaxQueued: 8 MiB of queue
	// per client.
	MaxQueuedLimit = 1 << 20
)

// Capacity settings. mochi's defaults (8192 inflight messages, receive
// maximum 1024) make it drop QoS 1 and 2 messages when a fast publisher
// meets a slower subscriber.
const (
	maxInflight        = 65535 // QoS>0 messages stored per client (the packet id space)
	receiveMaximum     = 65535
	eventLoopExitLimit = 5 * time.Second
)

// Broker is a running embedded MQTT broker. Its methods may be called from
// any goroutine, concurrently.
//
// One mochi server lives from Start to Close; Stop and Restart only close
// and reopen its listeners, so sessions, retained messages and Stats
// survive a Stop/Restart cycle.
type Broker struct {
	srv        *mqtt.Server
	log        *slog.Logger
	policy     *policyHook
	observe    *observeHook
	guard      *connGuard  // connection limits, shared by all listeners
	tlsCfg     *tls.Config // nil without Options.TLS
	addr       string      // actual TCP listen address, fixed at Start
	tlsAddr    string      // actual TLS listen address, "" without TLS
	loopHalted *signal

	mu       sync.Mutex // serialises Stop, Restart and Close
	state    runState   // guarded by mu
	closeErr error      // guarded by mu

	lnMu sync.RWMutex     // guards tcp and tls; held only briefly
	tcp  *trackedListener // current (possibly closed) listeners
	tls  *trackedListener // nil without Options.TLS
}

type runState int

const (
	running runState = iota
	stopped          // by Stop; Restart reopens the listeners
	closed           // by Close; final
)

// Start validates opts, binds the listeners and starts serving. When it
// returns a nil error both listeners accept connections. On error nothing
// is left running or bound; errors start with "embedded broker:" and name
// the address or file at fault, wrapping the underlying error (for example
// errors.Is(err, syscall.EADDRINUSE) works for a busy port).
func Start(opts Options) (*Broker, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for _, f := range opts.DenySubscribe {
		if !validFilter(f) {
			return nil, fmt.Errorf("embedded broker: invalid DenySubscribe filter %q", f)
		}
	}
	timeout, maxPacket, maxPending, maxQueued := opts.ConnectTimeout, opts.MaxPacketSize, opts.MaxPendingConnections, opts.MaxQueued
	writeTimeout := opts.WriteTimeout
	switch {
	case writeTimeout < 0:
		return nil, fmt.Errorf("embedded broker: negative WriteTimeout %v", writeTimeout)
	case maxQueued < 0 || maxQueued > MaxQueuedLimit:
		return nil, fmt.Errorf("embedded broker: MaxQueued %d outside 0..%d", maxQueued, MaxQueuedLimit)
	case timeout < 0:
		return nil, fmt.Errorf("embedded broker: negative ConnectTimeout %v", timeout)
	case maxPacket < 0 || maxPacket > MaxPacketSizeLimit:
		return nil, fmt.Errorf("embedded broker: MaxPacketSize %d outside 0..%d", maxPacket, MaxPacketSizeLimit)
	case maxPending < 0:
		return nil, fmt.Errorf("embedded broker: negative MaxPendingConnections %d", maxPending)
	}
	if timeout == 0 {
		timeout = DefaultConnectTimeout
	}
	if maxPacket == 0 {
		maxPacket = DefaultMaxPacketSize
	}
	if maxPending == 0 {
		maxPending = DefaultMaxPendingConnections
	}
	if maxQueued == 0 {
		maxQueued = DefaultMaxQueued
	}
	if writeTimeout == 0 {
		writeTimeout = DefaultWriteTimeout
	}
	var tlsCfg *tls.Config
	if opts.TLS != nil {
		cert, err := loadKeyPair(opts.TLS.CertFile, opts.TLS.KeyFile)
		if err != nil {
			return nil, err
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}

	addr := opts.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	tlsAddr := ""
	if tlsCfg != nil {
		tlsAddr = opts.TLS.Listen
	}
	b := &Broker{
		log:        log,
		guard:      newConnGuard(timeout, maxPacket, writeTimeout, maxPending, log),
		tlsCfg:     tlsCfg,
		loopHalted: newSignal(),
	}
	var err error
	b.tcp, b.tls, err = b.openListeners(addr, tlsAddr)
	if err != nil {
		return nil, err
	}
	b.addr = b.tcp.Address()
	if b.tls != nil {
		b.tlsAddr = b.tls.Address()
	}

	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumInflight = maxInflight
	caps.MaximumClientWritesPending = int32(maxQueued)
	caps.ReceiveMaximum = receiveMaximum
	users := make(map[string]string, len(opts.Users))
	for u, p := range opts.Users {
		users[u] = p
	}
	b.srv = mqtt.New(&mqtt.Options{
		Capabilities: caps,
		Logger: slog.New(&mochiLogHandler{
			next:   log.With("component", "mochi").Handler(),
			halted: b.loopHalted,
		}),
		// The inline client stays off: it would occupy the client id
		// "inline", and a network client using that id would take it over.
		InlineClient: false,
	})

	priv := newLogin()
	b.policy = newPolicyHook(users, opts.DenySubscribe, priv, b.connectedClient)
	b.observe = &observeHook{priv: priv, observers: map[int]func(Message){}}
	err = b.srv.AddHook(b.policy, nil)
	if err == nil {
		err = b.srv.AddHook(&protocolHook{maxPacket: uint32(maxPacket), privileged: priv.holds, dropped: b.observe.dropped}, nil)
	}
	if err == nil {
		err = b.srv.AddHook(b.observe, nil)
	}
	if err == nil {
		err = b.addListeners(b.tcp, b.tls)
	}
	if err == nil {
		err = b.srv.Serve() // fails only before starting any goroutine
	}
	if err != nil {
		closeRaw(b.tcp, b.tls)
		return nil, fmt.Errorf("embedded broker: start: %w", err)
	}
	log.Debug("embedded broker: started", "addr", b.Addr(), "tls_addr", b.TLSAddr())
	return b, nil
}

// openListeners binds the TCP listener on tcpAddr and, if the broker has
// TLS, the TLS listener on tlsAddr ("" means a free port on the host of
// the TCP listener's actual address). On error nothing is left bound.
func (b *Broker) openListeners(tcpAddr, tlsAddr string) (tcpL, tlsL *trackedListener, err error) {
	tcpLn, err := listen(tcpAddr)
	if err != nil {
		return nil, nil, err
	}
	tcpL = newTrackedListener("tcp", tcpLn, nil, b.guard, b.log)
	if b.tlsCfg == nil {
		return tcpL, nil, nil
	}
	if tlsAddr == "" {
		host, _, _ := net.SplitHostPort(tcpLn.Addr().String())
		tlsAddr = net.JoinHostPort(host, "0")
	}
	tlsLn, err := listen(tlsAddr)
	if err != nil {
		tcpL.closeRaw()
		return nil, nil, err
	}
	cfg := b.tlsCfg
	wrap := func(c net.Conn) net.Conn { return tls.Server(c, cfg) }
	return tcpL, newTrackedListener("tls", tlsLn, wrap, b.guard, b.log), nil
}

// addListeners registers the listeners (tlsL may be nil) with mochi.
func (b *Broker) addListeners(tcpL, tlsL *trackedListener) error {
	if err := b.srv.AddListener(tcpL); err != nil {
		return err
	}
	if tlsL != nil {
		if err := b.srv.AddListener(tlsL); err != nil {
			b.srv.Listeners.Delete(tcpL.ID())
			return err
		}
	}
	return nil
}

// closeRaw closes listeners that mochi is not serving (tlsL may be nil).
func closeRaw(tcpL, tlsL *trackedListener) {
	tcpL.closeRaw()
	if tlsL != nil {
		tlsL.closeRaw()
	}
}

// listeners returns the current listeners; tls is nil without TLS.
func (b *Broker) listeners() (tcpL, tlsL *trackedListener) {
	b.lnMu.RLock()
	defer b.lnMu.RUnlock()
	return b.tcp, b.tls
}

// Addr returns the actual "host:port" of the TCP listener, e.g.
// "127.0.0.1:41234". It stays the same across Stop and Restart, and valid
// (but unusable) after Close.
func (b *Broker) Addr() string { return b.addr }

// TLSAddr returns the actual "host:port" of the TLS listener, or "" if
// the broker has none. Like Addr it does not change.
func (b *Broker) TLSAddr() string { return b.tlsAddr }

// Close stops the listeners, disconnects all clients (MQTT 5 clients get
// DISCONNECT 0x8B "server shutting down"; MQTT 3.x clients, to whom the
// protocol forbids a server's DISCONNECT, see the connection closed; all
// sockets are closed, forcibly after about a second for clients that do
// not read) and waits until the
// goroutines serving listeners and connections and mochi's housekeeping
// loop have returned. The only goroutines that may outlive Close are
// mochi's per-client writers, which are told to stop before Close returns
// and exit without blocking. Close is idempotent; concurrent callers all
// wait for the first to finish. Close after Stop only ends what Stop left
// running (mochi's housekeeping loop). The error is currently always nil.
func (b *Broker) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == closed {
		return b.closeErr
	}
	// The listeners are closed here, not by mochi's Server.Close, whose
	// way of finding their clients can deadlock (see
	// disconnectListenerClients); after this it finds none.
	if b.state == running {
		b.closeListeners()
	}
	b.state = closed
	b.closeErr = b.srv.Close()
	t := time.NewTimer(eventLoopExitLimit)
	defer t.Stop()
	select {
	case <-b.loopHalted.ch:
	case <-t.C:
		// Only if a mochi upgrade changed the log line we rely on.
		b.log.Warn("embedded broker: mochi event loop exit not observed", "waited", eventLoopExitLimit)
	}
	b.log.Debug("embedded broker: closed", "addr", b.Addr())
	return b.closeErr
}

// Stats returns a snapshot of the broker's counters. It may be called
// before and after Stop, Restart and Close; the counters continue across
// a Stop/Restart cycle.
func (b *Broker) Stats() Stats {
	i := b.srv.Info
	return Stats{
		ClientsConnected: atomic.LoadInt64(&i.ClientsConnected),
		MessagesReceived: atomic.LoadInt64(&i.MessagesReceived),
		MessagesSent:     atomic.LoadInt64(&i.MessagesSent),
		MessagesDropped:  atomic.LoadInt64(&i.MessagesDropped),
		InflightDropped:  atomic.LoadInt64(&i.InflightDropped),
	}
}

// listen binds a TCP socket and reports failures as
// "embedded broker: listen <addr>: <reason>".
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("embedded broker: listen %s: %w", addr, listenReason(err))
	}
	return ln, nil
}

// listenReason strips the "listen tcp <addr>: bind:" decoration from a
// net.Listen error, keeping the innermost cause (still matchable with
// errors.Is).
func listenReason(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	var sys *os.SyscallError
	if errors.As(err, &sys) && sys.Err != nil {
		err = sys.Err
	}
	return err
}

// loadKeyPair reads and checks the PEM files, naming the file at fault.
func loadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("embedded broker: TLS certificate file: %w", err)
	}
	if !hasPEMBlock(certPEM, func(t string) bool { return t == "CERTIFICATE" }) {
		return tls.Certificate{}, fmt.Errorf("embedded broker: TLS certificate file %s: no PEM CERTIFICATE block", certFile)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("embedded broker: TLS key file: %w", err)
	}
	if !hasPEMBlock(keyPEM, func(t string) bool { return strings.HasSuffix(t, "PRIVATE KEY") }) {
		return tls.Certificate{}, fmt.Errorf("embedded broker: TLS key file %s: no PEM PRIVATE KEY block", keyFile)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("embedded broker: TLS certificate %s with key %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

func hasPEMBlock(data []byte, typeOK func(string) bool) bool {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return false
		}
		if typeOK(b.Type) {
			return true
		}
	}
}
