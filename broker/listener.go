package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/mochi-mqtt/server/v2/listeners"
)

// closeGrace bounds how long a listener's Close lets mochi send DISCONNECT
// packets before it closes the remaining sockets forcibly.
const closeGrace = time.Second

// trackedListener is a mochi listeners.Listener over an already bound
// net.Listener. Unlike mochi's own TCP listener it remembers every accepted
// connection and every goroutine it starts, so Close can end them all and
// wait for them: after Close returns no connection handler of this listener
// is running and mochi's client wait group is idle. It also applies the
// broker's connection limits (connGuard): a connection is handed to mochi
// only once its CONNECT has arrived, within the connect timeout, and
// through a guardedConn enforcing the maximum packet size.
type trackedListener struct {
	id    string
	ln    net.Listener
	wrap  func(net.Conn) net.Conn // e.g. TLS server side; nil for plain TCP
	log   *slog.Logger
	guard *connGuard

	quit       chan struct{} // closed by Close
	acceptDone chan struct{} // closed when Serve returns

	mu      sync.Mutex
	closed  bool
	serving bool
	conns   map[net.Conn]*trackedConn // live connections, keyed by raw socket
	connWG  sync.WaitGroup
}

// trackedConn is a live connection of a trackedListener.
type trackedConn struct {
	conn net.Conn      // as handed to mochi
	done chan struct{} // closed once mochi is done with the connection
}

var _ listeners.Listener = (*trackedListener)(nil)

func newTrackedListener(id string, ln net.Listener, wrap func(net.Conn) net.Conn, guard *connGuard, log *slog.Logger) *trackedListener {
	return &trackedListener{
		id:         id,
		ln:         ln,
		wrap:       wrap,
		guard:      guard,
		log:        log,
		quit:       make(chan struct{}),
		acceptDone: make(chan struct{}),
		conns:      make(map[net.Conn]*trackedConn),
	}
}

// Init is a no-op: the socket is bound before the listener is handed to mochi.
func (l *trackedListener) Init(*slog.Logger) error { return nil }

func (l *trackedListener) ID() string       { return l.id }
func (l *trackedListener) Address() string  { return l.ln.Addr().String() }
func (l *trackedListener) Protocol() string { return "tcp" }

// Serve accepts connections until Close and, on a goroutine for each,
// waits for its CONNECT and runs establish. A connection accepted while
// the broker holds its maximum of connections without CONNECT is closed
// at once. mochi calls Serve once, on a goroutine of its own.
func (l *trackedListener) Serve(establish listeners.EstablishFn) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.serving = true
	l.mu.Unlock()
	defer close(l.acceptDone)

	backoff := 5 * time.Millisecond
	for {
		raw, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Probably transient (e.g. out of file descriptors): retry later.
			l.log.Warn("embedded broker: accept failed", "listener", l.id, "error", err)
			select {
			case <-l.quit:
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		if !l.guard.enter() {
			_ = raw.Close()
			continue
		}

		conn := raw
		if l.wrap != nil {
			conn = l.wrap(raw)
		}
		gc := newGuardedConn(conn, raw, l.guard.maxPacket, l.guard.writeTimeout, l.log)
		tc := &trackedConn{conn: gc, done: make(chan struct{})}
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			l.guard.leave()
			_ = raw.Close()
			return
		}
		l.conns[raw] = tc
		l.connWG.Add(1)
		l.mu.Unlock()

		go func() {
			defer l.connWG.Done()
			// The deadline covers the TLS handshake too; mochi replaces it
			// with the client's keepalive once it has accepted the CONNECT.
			_ = raw.SetDeadline(time.Now().Add(l.guard.timeout))
			err := gc.awaitConnect()
			l.guard.leave()
			if err == nil {
				_ = raw.SetDeadline(time.Now().Add(l.guard.timeout)) // for mochi's answer to the CONNECT
				err = establish(l.id, gc)
			} else {
				err = fmt.Errorf("before CONNECT: %w", err)
			}
			l.log.Debug("embedded broker: connection ended", "listener", l.id, "remote", raw.RemoteAddr().String(), "error", err)
			_ = conn.Close()
			_ = raw.Close()
			l.mu.Lock()
			delete(l.conns, raw)
			l.mu.Unlock()
			close(tc.done)
		}()
	}
}

// Close stops accepting, asks mochi to disconnect this listener's clients
// (closeClients), force-closes whatever sockets are still open after
// closeGrace, and waits for the accept loop and all connection goroutines
// to return. mochi calls it from Server.Close; calls after the first are
// no-ops.
func (l *trackedListener) Close(closeClients listeners.CloseFn) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	serving := l.serving
	l.mu.Unlock()

	close(l.quit)
	_ = l.ln.Close()
	if serving {
		<-l.acceptDone
	}

	// Polite shutdown first: mochi sends DISCONNECT (meaningful to MQTT 5
	// clients) and closes each established client. A client that does not
	// read could block that write, so sockets are closed forcibly after a
	// grace period, which also ends connections still before CONNECT.
	done := make(chan struct{})
	go func() {
		defer close(done)
		if closeClients != nil {
			closeClients(l.id)
		}
	}()
	grace := time.NewTimer(closeGrace)
	select {
	case <-done:
	case <-grace.C:
	}
	grace.Stop()
	l.closeConns()
	<-done
	l.connWG.Wait()
}

// closeRaw closes the bound socket without Close's bookkeeping; for use
// when the listener was never handed to mochi.
func (l *trackedListener) closeRaw() { _ = l.ln.Close() }

func (l *trackedListener) closeConns() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		_ = c.Close()
	}
}

// drop closes the raw socket of the live connection that was handed to
// mochi as conn, without any goodbye (no DISCONNECT, no TLS close_notify).
// It returns a channel closed once mochi is done with the connection, or
// nil if conn is not a live connection of this listener.
func (l *trackedListener) drop(conn net.Conn) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	for raw, tc := range l.conns {
		if tc.conn == conn {
			_ = raw.Close()
			return tc.done
		}
	}
	return nil
}
