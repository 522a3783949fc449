package broker

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"
)

// Connection limits. mochi has none of its own: it waits for a CONNECT
// forever, and reads a packet whole into memory whatever its announced
// length (up to MQTT's 256 MiB).
const (
	// DefaultConnectTimeout is Options.ConnectTimeout's default.
	DefaultConnectTimeout = 10 * time.Second

	// DefaultMaxPacketSize is Options.MaxPacketSize's default, 327,688
	// bytes: the largest MQTT 3.1.1 PUBLISH carrying a 256 KiB (262,144
	// byte) payload, the imp's message size limit. The other 65,544 bytes
	// hold a topic of up to 65,535 bytes with its 2-byte length, the
	// 2-byte packet id and a fixed header with up to 4 length bytes.
	DefaultMaxPacketSize = 256<<10 + 65_544

	// MaxPacketSizeLimit is the largest packet MQTT can express: a type
	// byte, 4 length bytes and 268,435,455 bytes. Options.MaxPacketSize
	// may not be larger.
	MaxPacketSizeLimit = 1 + 4 + 268_435_455

	// DefaultMaxPendingConnections is Options.MaxPendingConnections'
	// default.
	DefaultMaxPendingConnections = 256

	// DefaultWriteTimeout is Options.WriteTimeout's default, 30 s. A
	// write to a client blocks only once the client's TCP receive window
	// and the broker's socket send buffer (together hundreds of KiB or
	// more) are full, so a client on a slow link that keeps reading keeps
	// the writes moving. 30 s leaves room for a live client's pauses: TCP
	// retransmissions backing off on a lossy link, a Wi-Fi or cellular
	// handover, a client process stopped in a debugger or swapping. It is
	// also the longest that one stalled QoS 1 or 2 subscriber holds up the
	// deliveries of a publisher it shares topics with (mochi takes the
	// delivery's packet id under the lock the blocked write holds), so it
	// should not be much longer.
	DefaultWriteTimeout = 30 * time.Second

	// writeChunk is the most Write hands the socket at once, so that a
	// large packet reaching a slow client in pieces keeps its deadline
	// moving: the timeout bounds a lack of progress, not a packet's whole
	// transfer.
	writeChunk = 64 << 10

	// maxWriteRefresh bounds how stale the write deadline may get before
	// Write moves it: setting a deadline costs a timer update, so Write
	// moves it only when it is more than this (or a tenth of the timeout,
	// if smaller) short of a full timeout away.
	maxWriteRefresh = time.Second

	// refuseWriteLimit bounds the write of a DISCONNECT to a client that
	// sent a packet too large, in case it does not read.
	refuseWriteLimit = time.Second
)

// errNotConnect ends a connection whose first packet is not CONNECT.
var errNotConnect = errors.New("first packet is not CONNECT")

// errMalformedLength ends a connection whose fixed header holds a
// remaining length of more than 4 bytes.
var errMalformedLength = errors.New("malformed packet: remaining length longer than 4 bytes")

// tooLargeError ends a connection whose fixed header announces a packet
// larger than the limit.
type tooLargeError struct{ size, max int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("packet of %d bytes is larger than the maximum packet size, %d bytes", e.size, e.max)
}

// connGuard holds the connection limits shared by a broker's listeners.
// Its methods may be called from any goroutine.
type connGuard struct {
	timeout      time.Duration
	maxPacket    int64
	writeTimeout time.Duration
	log          *slog.Logger

	pending   chan struct{} // one token per connection not yet through CONNECT
	saturated atomic.Bool   // pending was full, and that has been logged
}

func newConnGuard(timeout time.Duration, maxPacket int64, writeTimeout time.Duration, maxPending int, log *slog.Logger) *connGuard {
	return &connGuard{timeout: timeout, maxPacket: maxPacket, writeTimeout: writeTimeout, log: log, pending: make(chan struct{}, maxPending)}
}

// enter takes a pending slot for a newly accepted connection; false means
// none is free and the connection must be closed.
func (g *connGuard) enter() bool {
	select {
	case g.pending <- struct{}{}:
		return true
	default:
		if !g.saturated.Swap(true) {
			g.log.Warn("embedded broker: too many connections have not sent CONNECT; closing new ones until some do or time out",
				"pending", cap(g.pending), "connect_timeout", g.timeout)
		}
		return false
	}
}

// leave frees the slot taken by enter.
func (g *connGuard) leave() {
	<-g.pending
	g.saturated.Store(false)
}

// guardedConn is the connection handed to mochi. Until mochi has it,
// awaitConnect reads the CONNECT packet; afterwards Read passes the
// stream through a framer that ends the connection at a fixed header
// announcing a packet larger than the limit, before mochi allocates
// memory for it. Write bounds how long a write may make no progress
// (the write timeout) and closes the connection when one does not.
//
// All its methods but Write, Close and those of net.Conn it does not
// override run on the connection's goroutine: the listener's, which goes
// on to run mochi's connection handler, including the policy hook's
// OnConnect. mochi calls Write from the client's goroutines one at a time
// (under the client's lock).
type guardedConn struct {
	net.Conn          // as accepted, TLS-wrapped for the TLS listener
	raw      net.Conn // the accepted socket, closed on a write timeout
	log      *slog.Logger
	fr       framer
	pending  []byte // read by awaitConnect, not yet returned by Read
	failure  error  // a framing error, returned once the bytes before it are read
	refused  bool   // the failure has been logged and answered

	writeTimeout time.Duration
	writeRefresh time.Duration // see maxWriteRefresh
	writeDue     atomic.Int64  // the write deadline last set, Unix ns; 0 before the first write

	id      string // client id and protocol version, once the CONNECT is parsed
	version byte
}

func newGuardedConn(c, raw net.Conn, maxPacket int64, writeTimeout time.Duration, log *slog.Logger) *guardedConn {
	return &guardedConn{Conn: c, raw: raw, log: log, fr: framer{max: maxPacket},
		writeTimeout: writeTimeout, writeRefresh: min(maxWriteRefresh, writeTimeout/10)}
}

// SetDeadline sets the read deadline only. mochi calls it before reading
// each packet, with the client's keepalive (one and a half times it);
// the write deadline is Write's, so a client that keeps sending (a PINGREQ
// from its own goroutine, say) while it does not read cannot keep a write
// blocked.
func (c *guardedConn) SetDeadline(t time.Time) error { return c.Conn.SetReadDeadline(t) }

// Write writes p, in pieces of at most writeChunk bytes, each of which
// must be written within the write timeout (within a tenth of it, at most
// a second, less: see maxWriteRefresh). A piece that is not closes the
// connection, logging a warning: the stream is cut mid-packet and cannot
// go on, and closing it makes mochi's reader end the client (publishing
// its will) and releases the client's lock, on which deliveries to the
// client from other clients' goroutines wait.
func (c *guardedConn) Write(p []byte) (int, error) {
	done := 0
	for {
		piece := p[done:]
		if len(piece) > writeChunk {
			piece = piece[:writeChunk]
		}
		now := time.Now()
		if due := now.Add(c.writeTimeout); due.UnixNano()-c.writeDue.Load() > int64(c.writeRefresh) {
			if err := c.Conn.SetWriteDeadline(due); err != nil {
				return done, err
			}
			c.writeDue.Store(due.UnixNano())
		}
		n, err := c.Conn.Write(piece)
		done += n
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				c.log.Warn("embedded broker: client disconnected: it has not read for longer than the write timeout",
					"client", c.id, "remote", c.RemoteAddr().String(), "write_timeout", c.writeTimeout)
				_ = c.raw.Close()
			}
			return done, err
		}
		if done == len(p) {
			return done, nil
		}
	}
}

// awaitConnect reads until the first packet, which must be a CONNECT no
// larger than the limit, is complete, keeping what it read for Read. It
// returns an error for a connection to close: a read error (such as the
// connect timeout's deadline, or a failed TLS handshake), a first packet
// that is not CONNECT, or a framing error in the CONNECT.
func (c *guardedConn) awaitConnect() error {
	chunk := make([]byte, 2048)
	for first := true; c.fr.packets == 0; first = false {
		n, err := c.Conn.Read(chunk)
		if n > 0 {
			if first && chunk[0]&0xF0 != packets.Connect<<4 {
				return errNotConnect
			}
			ok, ferr := c.fr.feed(chunk[:n])
			c.pending = append(c.pending, chunk[:ok]...)
			if ferr != nil {
				if c.fr.packets == 0 {
					return fmt.Errorf("CONNECT: %w", ferr)
				}
				c.failure = ferr // after the CONNECT: mochi sees the CONNECT first
			}
		}
		if err != nil && c.fr.packets == 0 {
			return err
		}
	}
	return nil
}

// identify records the client's id and protocol version (from mochi's
// parse of the CONNECT), for the log and the DISCONNECT of refuse.
func (c *guardedConn) identify(id string, version byte) { c.id, c.version = id, version }

// exempt lifts the packet size limit (for the privileged client).
func (c *guardedConn) exempt() { c.fr.max = MaxPacketSizeLimit }

// Read returns the bytes awaitConnect kept, then reads through the
// framer. On a framing error it returns the complete packets before the
// bad fixed header, and then the error, after sending MQTT 5 clients a
// DISCONNECT.
func (c *guardedConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		if c.pending = c.pending[n:]; len(c.pending) == 0 {
			c.pending = nil
		}
		return n, nil
	}
	if c.failure != nil {
		c.refuse()
		return 0, c.failure
	}
	n, err := c.Conn.Read(p)
	if n > 0 {
		ok, ferr := c.fr.feed(p[:n])
		if ferr != nil {
			c.failure = ferr
			if ok > 0 {
				return ok, nil
			}
			c.refuse()
			return 0, ferr
		}
	}
	return n, err
}

// refuse logs the framing error and sends an MQTT 5 client DISCONNECT
// 0x95 "packet too large" or 0x81 "malformed packet". mochi closes the
// connection when Read returns the error (and publishes the will).
func (c *guardedConn) refuse() {
	if c.refused {
		return
	}
	c.refused = true
	code := packets.ErrMalformedPacket
	if tl := (*tooLargeError)(nil); errors.As(c.failure, &tl) {
		code = packets.ErrPacketTooLarge
	}
	c.log.Warn("embedded broker: client disconnected: "+c.failure.Error(), "client", c.id, "remote", c.RemoteAddr().String())
	if c.version < 5 {
		return // MQTT 3.x has no DISCONNECT from the server
	}
	var buf bytes.Buffer
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Disconnect}, ReasonCode: code.Code, ProtocolVersion: 5}
	if pk.DisconnectEncode(&buf) == nil {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(refuseWriteLimit))
		_, _ = c.Conn.Write(buf.Bytes())
	}
}

// framer follows the packet boundaries of an MQTT byte stream, checking
// each fixed header as it completes.
type framer struct {
	max     int64 // largest packet accepted, fixed header included
	hdr     int   // bytes of the current fixed header seen; 0 between packets
	length  int64 // remaining length decoded so far
	left    int64 // bytes of the current packet's body still to come
	packets int   // packets completed
}

// feed consumes the next bytes of the stream. On success it returns
// len(b). On a fixed header announcing a packet larger than max, or with
// a remaining length of more than 4 bytes, it returns the error and the
// offset in b where that packet began (0 if it began in an earlier call):
// the bytes before it are complete packets.
func (f *framer) feed(b []byte) (int, error) {
	start := 0
	for i := 0; i < len(b); {
		switch {
		case f.left > 0:
			n := min(int64(len(b)-i), f.left)
			i += int(n)
			if f.left -= n; f.left == 0 {
				f.hdr = 0
				f.packets++
			}
		case f.hdr == 0: // packet type and flags
			start, f.hdr, f.length = i, 1, 0
			i++
		default: // a byte of the remaining length
			c := b[i]
			i++
			f.length |= int64(c&0x7F) << (7 * (f.hdr - 1))
			f.hdr++
			if c&0x80 != 0 {
				if f.hdr > 4 {
					return start, errMalformedLength
				}
				continue
			}
			if size := int64(f.hdr) + f.length; size > f.max {
				return start, &tooLargeError{size: size, max: f.max}
			}
			if f.left = f.length; f.left == 0 {
				f.hdr = 0
				f.packets++
			}
		}
	}
	return len(b), nil
}
