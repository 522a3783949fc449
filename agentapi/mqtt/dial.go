package mqtt

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// open is paho's connection opener: a context-aware dial whose connections
// Close can close. Called on paho's goroutines.
func (m *Module) open(uri *url.URL, o paho.ClientOptions) (*trackedConn, error) {
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
	tc := &trackedConn{Conn: conn, m: m, guard: &wireGuard{maxRemaining: m.maxRemaining()}}
	m.conns[tc] = true
	return tc, nil
}

// trackedConn removes itself from the module's set when closed, and
// remembers whether the socket itself ever failed, which tells a broken
// connection (-1) from a badly framed packet (-4) when paho reports a loss.
//
// Writes are combined (writebehind.go). It also buffers reads: paho reads
// a packet's header a byte at a time, which on a bare socket is three
// system calls for a small message; here
// a burst of small packets costs one. Reads as large as the buffer (a
// payload) go straight to the socket. Every byte read off the socket goes
// through the wire guard first.
type trackedConn struct {
	net.Conn
	m      *Module
	guard  *wireGuard // inspects what the broker sends (wire.go)
	once   sync.Once
	failed atomic.Bool // a Read or Write failed before anyone closed the connection
	closed atomic.Bool // Close was called (errors after it are its echo)

	// Read side, paho's reader goroutine only: buf[r:w] was read off the
	// socket (and passed by the guard) but not yet by paho; rerr is the
	// socket's error, returned once buf is drained.
	buf  []byte
	r, w int
	rerr error

	headMu   sync.Mutex
	head     []byte      // the first 4 bytes read: a CONNACK's, with its return code
	headFull atomic.Bool // head holds its 4 bytes: later reads skip the lock

	wb writeBehind // the write side (writebehind.go)
}

// readBuffer is the size of a connection's read buffer: about 25 small
// messages, and little enough per agent for fleets of thousands.
const readBuffer = 2048

func (c *trackedConn) Read(p []byte) (int, error) {
	if c.r == c.w {
		if c.rerr != nil {
			return 0, c.rerr
		}
		if len(p) >= readBuffer {
			return c.fill(p)
		}
		if c.buf == nil {
			c.buf = make([]byte, readBuffer)
		}
		n, err := c.fill(c.buf)
		c.r, c.w, c.rerr = 0, n, err
		if n == 0 {
			c.rerr = nil
			return 0, err
		}
	}
	n := copy(p, c.buf[c.r:c.w])
	c.r += n
	return n, nil
}

// fill reads from the socket into p and passes what it read through the
// wire guard: it returns the bytes that may be passed on, and the error
// to report after them (errWireFault once the guard has cut the stream).
func (c *trackedConn) fill(p []byte) (int, error) {
	if r, _ := c.guard.why(); r != 0 {
		return 0, errWireFault // cut: the packets before the bad one were passed on
	}
	n, err := c.Conn.Read(p)
	if err != nil && !c.closed.Load() {
		c.failed.Store(true)
		if werr := c.writeErr(); werr != nil {
			err = werr // the reader was woken by the failed write (writebehind.go)
		}
	}
	if n > 0 {
		if keep := c.guard.feed(p[:n]); keep < n {
			c.Conn.Close() // nothing more is read from this broker
			n, err = keep, errWireFault
		}
	}
	if !c.headFull.Load() && n > 0 {
		c.headMu.Lock()
		if len(c.head) < 4 {
			c.head = append(c.head, p[:min(n, 4-len(c.head))]...)
			c.headFull.Store(len(c.head) == 4)
		}
		c.headMu.Unlock()
	}
	return n, err
}

// connackCode is the return code of the CONNACK the connection began
// with, or -1 if it did not begin with one.
func (c *trackedConn) connackCode() int {
	c.headMu.Lock()
	defer c.headMu.Unlock()
	if len(c.head) < 4 || c.head[0] != 0x20 || c.head[1] != 0x02 {
		return -1
	}
	return int(c.head[3])
}

// pahoPingTimeout is the wording of paho's error when the broker did not
// answer a PINGREQ in time (ping.go); a test pins it, so a paho upgrade
// that changes it fails loudly instead of turning -1 into -4.
const pahoPingTimeout = "pingresp not received"

// lostReason is the onconnectionlost code for a loss paho reported with
// err on conn: the wire guard's when it cut the stream (-3 or -4); -4 when
// the socket worked but paho could not decode what the broker sent; -1 for
// everything else (closed socket, keepalive timeout, write failure).
func lostReason(conn *trackedConn, err error) int {
	if conn != nil {
		if r, _ := conn.guard.why(); r != 0 {
			return r
		}
	}
	if conn == nil || err == nil || conn.failed.Load() || strings.Contains(err.Error(), pahoPingTimeout) {
		return lostSocket
	}
	return lostBadPacket
}

// maxRemaining is the largest remaining length a PUBLISH from the broker
// may announce: the message size limit plus its topic (2-byte length and
// at most 65,535 bytes) and packet identifier; 0 when the limit is off.
func (m *Module) maxRemaining() int64 {
	if m.env == nil {
		return 0 // not installed (tests of the dialer alone)
	}
	if n := m.env.Limits.MessageSize(); n > 0 {
		return n + 2 + 65535 + 2
	}
	return 0
}
