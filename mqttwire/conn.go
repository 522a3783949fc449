package mqttwire

import (
	"bufio"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"
)

// ErrClosed is the error of a write on a connection that has been closed
// or is ending.
var ErrClosed = errors.New("the connection is closed")

// Handler receives what a started Conn reads. Its functions run on the
// Conn's reader goroutine, one at a time and in order; they must not
// block (hand the work to the loop).
type Handler struct {
	// Packet gets each packet read.
	Packet func(pk packets.Packet)
	// Closed is called once, after the last Packet, when the connection
	// has ended: err is nil when Close or End ended it, else what ended it
	// (io.EOF when the peer closed it, a *MalformedError, a
	// *TooLargeError, a write or read error). The done functions of writes
	// still queued may run after it.
	Closed func(err error)
}

// Conn is one MQTT connection. Before Start, WriteNow and ReadNow work on
// it synchronously (a client's CONNECT and CONNACK); after Start, a reader
// goroutine hands each packet to the Handler and Send queues writes for a
// writer goroutine, so no caller ever waits on the network. Methods are
// safe for concurrent use unless they say otherwise.
type Conn struct {
	nc          net.Conn
	br          *bufio.Reader
	limit       int
	sendTimeout time.Duration
	version     atomic.Uint32

	lastSent, lastRead atomic.Int64 // unix nanoseconds

	mu      sync.Mutex
	queue   []write
	ending  bool // End: close once the queue is written
	closed  bool
	failure error // the first error that ended the connection
	// halfClosed: End has shut the write side; the reader ends the
	// connection when the peer closes its side (or lingerLimit passes).
	halfClosed bool
	wake       chan struct{}
	readerDone chan struct{}
	wg         sync.WaitGroup
	started    bool
}

// lingerLimit bounds how long End waits, after its last write, for the
// peer to close its side. Closing a socket at once would make the system
// answer data still arriving with a reset, which can destroy the last
// packets written (a DISCONNECT) before the peer reads them.
const lingerLimit = 2 * time.Second

type write struct {
	handed func() // called just before the bytes go to the socket (SendHanded)
	b      []byte
	done   func(error)
}

// Options configure a Conn.
type Options struct {
	// Version decodes packets until a CONNECT names another; 0 means 4
	// (MQTT 3.1.1).
	Version byte
	// Limit bounds an inbound packet's remaining length; 0 means MQTT's own.
	Limit int
	// SendTimeout bounds each write; 0 means none. A write that times out
	// ends the connection.
	SendTimeout time.Duration
}

// NewConn wraps nc. The Conn owns nc from now on.
func NewConn(nc net.Conn, o Options) *Conn {
	c := &Conn{nc: nc, br: bufio.NewReaderSize(nc, 16<<10), limit: o.Limit, sendTimeout: o.SendTimeout,
		wake: make(chan struct{}, 1), readerDone: make(chan struct{})}
	if o.Version == 0 {
		o.Version = Version311
	}
	c.version.Store(uint32(o.Version))
	now := time.Now().UnixNano()
	c.lastSent.Store(now)
	c.lastRead.Store(now)
	return c
}

// SetVersion sets the protocol version later packets are decoded with (a
// server learns it from the CONNECT).
func (c *Conn) SetVersion(v byte) { c.version.Store(uint32(v)) }

// RemoteAddr is the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// LastSent and LastRead are when a packet was last written and read (the
// Conn's creation before any), for keepalive.
func (c *Conn) LastSent() time.Time { return time.Unix(0, c.lastSent.Load()) }

// LastRead: see LastSent.
func (c *Conn) LastRead() time.Time { return time.Unix(0, c.lastRead.Load()) }

// WriteNow encodes and writes pk at once, waiting at most timeout (0: no
// limit). Before Start only.
func (c *Conn) WriteNow(pk *packets.Packet, timeout time.Duration) error {
	b, err := Encode(pk)
	if err != nil {
		return err
	}
	if timeout > 0 {
		_ = c.nc.SetWriteDeadline(time.Now().Add(timeout))
		defer func() { _ = c.nc.SetWriteDeadline(time.Time{}) }()
	}
	if _, err := c.nc.Write(b); err != nil {
		return err
	}
	c.lastSent.Store(time.Now().UnixNano())
	return nil
}

// ReadNow reads one packet, waiting at most timeout (0: no limit). Before
// Start only. Errors are ReadPacket's, or a net.Error whose Timeout() is
// true.
func (c *Conn) ReadNow(timeout time.Duration) (packets.Packet, error) {
	if timeout > 0 {
		_ = c.nc.SetReadDeadline(time.Now().Add(timeout))
		defer func() { _ = c.nc.SetReadDeadline(time.Time{}) }()
	}
	pk, err := ReadPacket(c.br, byte(c.version.Load()), c.limit)
	if err == nil {
		c.lastRead.Store(time.Now().UnixNano())
	}
	return pk, err
}

// Start starts the reader and writer goroutines. Call it once.
func (c *Conn) Start(h Handler) {
	c.mu.Lock()
	c.started = true
	c.mu.Unlock()
	c.wg.Add(2)
	go c.readLoop(h)
	go c.writeLoop()
}

// Send encodes pk and queues it; done, if not nil, is called on the writer
// goroutine with the write's result (nil once the bytes are written;
// ErrClosed, or what ended the connection, when they never will be). An
// encoding error is returned at once and nothing is queued; so is
// ErrClosed on a connection that has ended or is ending (done is then not
// called).
func (c *Conn) Send(pk *packets.Packet, done func(error)) error {
	return c.enqueue(pk, write{done: done})
}

// SendHanded queues pk like Send, and calls handed just before its bytes
// go to the socket, on the writer goroutine: anything the peer sends in
// answer is read after handed has run, so a caller that reports "sent"
// from handed can never be overtaken by the answer. A write that then
// fails ends the connection (see Closed).
func (c *Conn) SendHanded(pk *packets.Packet, handed func()) error {
	return c.enqueue(pk, write{handed: handed})
}

// enqueue encodes pk into w and queues it for the writer goroutine.
func (c *Conn) enqueue(pk *packets.Packet, w write) error {
	b, err := Encode(pk)
	if err != nil {
		return err
	}
	w.b = b
	c.mu.Lock()
	if c.closed || c.ending {
		c.mu.Unlock()
		return ErrClosed
	}
	c.queue = append(c.queue, w)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return nil
}

// End ends the connection once the writes queued so far have been written
// (a graceful close, e.g. after a DISCONNECT): it shuts the write side and
// closes when the peer has closed its side, or after two seconds. Closed
// then gets nil. Idempotent.
func (c *Conn) End() {
	c.mu.Lock()
	c.ending = true
	started := c.started
	c.mu.Unlock()
	if !started {
		c.Close()
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Close ends the connection now: queued writes are dropped (their done
// gets ErrClosed). Idempotent.
func (c *Conn) Close() { c.fail(nil) }

// Fail ends the connection now, as Close does, with err as the reason the
// Handler's Closed gets (unless it had already ended).
func (c *Conn) Fail(err error) { c.fail(err) }

// Wait returns once the goroutines have ended (at once if Start was not
// called).
func (c *Conn) Wait() { c.wg.Wait() }

// fail ends the connection with err (nil: closed on purpose), keeping the
// first reason.
func (c *Conn) fail(err error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.failure = err
	c.mu.Unlock()
	_ = c.nc.Close()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Conn) readLoop(h Handler) {
	defer c.wg.Done()
	defer close(c.readerDone)
	for {
		pk, err := ReadPacket(c.br, byte(c.version.Load()), c.limit)
		if err != nil {
			c.mu.Lock()
			half := c.halfClosed
			c.mu.Unlock()
			if half {
				err = nil // the end End asked for
			}
			c.fail(err)
			break
		}
		c.lastRead.Store(time.Now().UnixNano())
		if h.Packet != nil {
			h.Packet(pk)
		}
	}
	c.mu.Lock()
	failure := c.failure
	c.mu.Unlock()
	if h.Closed != nil {
		h.Closed(failure)
	}
}

// linger shuts the write side, if the connection can, and waits for the
// reader to see the peer close (or lingerLimit to pass). Writer goroutine.
func (c *Conn) linger() {
	cw, ok := c.nc.(interface{ CloseWrite() error })
	if !ok {
		return
	}
	// Marked first: the peer may answer the shutdown before CloseWrite
	// returns, and the reader must take that for the end End asked for.
	c.setHalfClosed(true)
	if cw.CloseWrite() != nil {
		c.setHalfClosed(false)
		return
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(lingerLimit))
	<-c.readerDone
}

func (c *Conn) setHalfClosed(v bool) {
	c.mu.Lock()
	c.halfClosed = v
	c.mu.Unlock()
}

func (c *Conn) writeLoop() {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		if c.closed {
			pending := c.queue
			c.queue = nil
			failure := c.failure
			c.mu.Unlock()
			if failure == nil {
				failure = ErrClosed
			}
			for _, w := range pending {
				if w.done != nil {
					w.done(failure)
				}
			}
			return
		}
		if len(c.queue) == 0 {
			ending := c.ending
			c.mu.Unlock()
			if ending {
				c.linger()
				c.fail(nil)
				continue
			}
			<-c.wake
			continue
		}
		w := c.queue[0]
		c.queue[0] = write{}
		c.queue = c.queue[1:]
		c.mu.Unlock()
		if c.sendTimeout > 0 {
			_ = c.nc.SetWriteDeadline(time.Now().Add(c.sendTimeout))
		}
		if w.handed != nil {
			w.handed()
		}
		_, err := c.nc.Write(w.b)
		if err == nil {
			c.lastSent.Store(time.Now().UnixNano())
		} else {
			c.fail(err)
			c.mu.Lock()
			if c.failure != nil {
				err = c.failure
			} else {
				err = ErrClosed
			}
			c.mu.Unlock()
		}
		if w.done != nil {
			w.done(err)
		}
	}
}
