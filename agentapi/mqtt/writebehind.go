package mqtt

import (
	"net"
	"runtime"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Writes to the broker are combined. paho writes each packet with its own
// Write call from its one writer goroutine, a system call per message:
// for a QoS 0 publish about as much CPU as the rest of its path. Here a
// Write appends the packet to the connection's pending bytes and returns;
// a flusher goroutine, started when bytes are pending and none runs,
// writes everything pending in one call and repeats until nothing is
// left, then ends. While one system call is under way the packets paho
// writes meanwhile gather for the next, so a burst costs a few calls.
//
// What a Write's success means changes accordingly: the packet is queued
// in this process, as a successful write meant it was queued in the
// kernel. A QoS 0 publish's callback says 0 once its packet is queued.
// Order is kept (one buffer, one flusher at a time). A failed flush is
// sticky: every later Write returns the error, and so does paho's reader
// (woken at once), which makes paho report the loss. Pending bytes are
// bounded by maxPending: a Write beyond it waits for room, as paho's
// writer waited in the system call before (agenthost sets no write
// deadline on paho; a deadline set on the connection would apply to the
// flusher's system call).
//
// Close flushes what is pending first, for at most closeFlush (paho closes
// right after writing DISCONNECT, and a DISCONNECT that never left would
// make the broker publish the will); abort closes at once (the host
// dropping a connection: the will is wanted then).

// maxPending bounds the bytes waiting for the flusher.
const maxPending = 64 << 10

// closeFlush bounds how long Close waits for pending bytes.
const closeFlush = 2 * time.Second

type writeBehind struct {
	mu       sync.Mutex
	drained  *sync.Cond // broadcast when a flush ends or fails
	buf      []byte     // pending, in order
	spare    []byte     // the buffer the flusher wrote last, for reuse
	err      error      // the first failed flush; sticky
	flushing bool       // a flusher goroutine runs
	aborted  bool       // abort was called: Close does not wait
	// viaPaho counts the publishes, subscribes and unsubscribes handed to
	// paho and not yet written: while there are any, a QoS 0 publish goes
	// through paho too, behind them (publish0).
	viaPaho int
}

// lock takes mu, making the condition variable on a connection's first
// write.
func (w *writeBehind) lock() {
	w.mu.Lock()
	if w.drained == nil {
		w.drained = sync.NewCond(&w.mu)
	}
}

// appendable returns the pending bytes, to append to: the buffer the
// flusher wrote last, reused, when none are pending. Under mu.
func (w *writeBehind) appendable() []byte {
	if w.buf == nil {
		w.buf, w.spare = w.spare[:0], nil
	}
	return w.buf
}

func (c *trackedConn) Write(p []byte) (int, error) {
	w := &c.wb
	w.lock()
	for w.err == nil && len(w.buf) >= maxPending {
		w.drained.Wait()
	}
	if w.err != nil || c.closed.Load() {
		err := w.err
		if err == nil {
			err = net.ErrClosed // what is pending is still written
		}
		w.mu.Unlock()
		return 0, err
	}
	w.buf = append(w.appendable(), p...)
	if w.viaPaho > 0 && len(p) > 0 {
		switch p[0] >> 4 {
		case pktPublish, pktSubscribe, pktUnsubscribe:
			w.viaPaho-- // paho writes the packets handed to it in order
		}
	}
	c.startFlush(len(p) > 0 && p[0]>>4 == pktPuback)
	return len(p), nil
}

// startFlush starts the flusher unless it runs, and unlocks. Under wb.mu.
// ack: the first packet is a PUBACK (see flush).
func (c *trackedConn) startFlush(ack bool) {
	w := &c.wb
	start := !w.flushing
	w.flushing = true
	w.mu.Unlock()
	if start {
		go c.flush(ack)
	}
}

// MQTT control packet types counted by viaPaho (the high nibble of a
// packet's first byte).
const (
	pktPublish     = 3
	pktPuback      = 4
	pktSubscribe   = 8
	pktUnsubscribe = 10
)

// toPaho counts a PUBLISH, SUBSCRIBE or UNSUBSCRIBE about to be handed to
// paho on this connection (nil: none yet), and returns c for
// handedToPaho. Loop only.
func (c *trackedConn) toPaho() *trackedConn {
	if c != nil {
		c.wb.mu.Lock()
		c.wb.viaPaho++
		c.wb.mu.Unlock()
	}
	return c
}

// handedToPaho returns tok, the token of a request just counted by
// conn.toPaho, and takes the count back if paho refused the request
// without writing it (not connected, no message ids left): else QoS 0
// publishes on this connection would wait for a packet that never
// comes, and go through paho for good. Loop only.
func handedToPaho(conn *trackedConn, tok paho.Token) paho.Token {
	if conn != nil && tokenDone(tok) {
		if code := errCode(tok.Error()); code == codeDisconnected || code == codeNoMessageIDs {
			conn.wb.mu.Lock()
			if conn.wb.viaPaho > 0 {
				conn.wb.viaPaho--
			}
			conn.wb.mu.Unlock()
		}
	}
	return tok
}

// writtenToken is the token of a QoS 0 publish publish0 took: complete,
// without error. One per module.
type writtenToken struct{ done chan struct{} }

func newWrittenToken() writtenToken {
	t := writtenToken{done: make(chan struct{})}
	close(t.done)
	return t
}

func (t writtenToken) Wait() bool                     { return true }
func (t writtenToken) WaitTimeout(time.Duration) bool { return true }
func (t writtenToken) Done() <-chan struct{}          { return t.done }
func (t writtenToken) Error() error                   { return nil }

// publish0 appends a QoS 0 PUBLISH of topic and payload to the pending
// bytes, as paho's writer would have written it, and reports whether it
// did. It does not when that could change what the broker sees or make
// the caller wait: while a publish, subscribe or unsubscribe handed to
// paho earlier is not yet written (it would be overtaken), when the
// buffer is full (paho's Publish waits, with its own timeout), or when
// the connection failed or is closed (paho reports that). Then the caller
// hands the message to paho. Loop only.
//
// A QoS 0 publish needs nothing of paho's state — no packet id, no
// acknowledgement, no store — and going round paho saves its token, two
// goroutine hand-offs and a select with a timer per message.
func (c *trackedConn) publish0(topic string, payload []byte, retain bool) bool {
	rl := 2 + len(topic) + len(payload)
	if rl > maxRemainingLength {
		return false // paho refuses it with its own error
	}
	w := &c.wb
	w.lock()
	if w.viaPaho > 0 || len(w.buf) >= maxPending || w.err != nil || c.closed.Load() {
		w.mu.Unlock()
		return false
	}
	w.buf = appendPublish0(w.appendable(), topic, payload, retain)
	c.startFlush(false)
	return true
}

// appendPublish0 appends to b a QoS 0 PUBLISH packet (MQTT 3.1 and 3.1.1
// encode it alike): fixed header with the retain flag, remaining length,
// topic name, payload. rl must be at most maxRemainingLength.
func appendPublish0(b []byte, topic string, payload []byte, retain bool) []byte {
	h := byte(pktPublish << 4)
	if retain {
		h |= 1
	}
	b = append(b, h)
	for rl := 2 + len(topic) + len(payload); ; {
		d := byte(rl & 0x7f)
		rl >>= 7
		if rl == 0 {
			b = append(b, d)
			break
		}
		b = append(b, d|0x80)
	}
	b = append(b, byte(len(topic)>>8), byte(len(topic)))
	b = append(b, topic...)
	return append(b, payload...)
}

// flush writes the pending bytes until none are left. Its own goroutine,
// one at a time per connection.
func (c *trackedConn) flush(ack bool) {
	w := &c.wb
	if ack {
		// paho acknowledges each message of a burst the broker sent as it
		// dispatches it: one scheduling round lets the next few join this
		// write (inbound QoS 1: 12 % less CPU per message).
		runtime.Gosched()
	}
	w.mu.Lock()
	for len(w.buf) > 0 && w.err == nil {
		out := w.buf
		w.buf = nil
		w.drained.Broadcast() // a Write waiting for room can fill the next buffer meanwhile
		w.mu.Unlock()
		_, err := c.Conn.Write(out)
		w.mu.Lock()
		if err != nil {
			w.err = err
			if !c.closed.Load() {
				c.failed.Store(true)
			}
			// Closing the socket wakes paho's reader; its Read returns this
			// error (fill), not "use of closed network connection", which
			// paho takes for its own deliberate close and reports nothing.
			c.Conn.Close()
		}
		if cap(out) <= maxPending {
			w.spare = out[:0]
		}
		w.drained.Broadcast()
	}
	w.flushing = false
	if w.err == nil && len(w.buf) == 0 {
		w.buf, w.spare = nil, nil // an idle connection holds no buffer
	}
	w.drained.Broadcast()
	w.mu.Unlock()
}

// Close closes the connection once the pending bytes are written (at most
// closeFlush), and removes it from the module's set.
func (c *trackedConn) Close() error {
	c.closed.Store(true)
	c.once.Do(func() {
		c.m.connMu.Lock()
		delete(c.m.conns, c)
		c.m.connMu.Unlock()
	})
	w := &c.wb
	w.mu.Lock()
	if w.flushing && !w.aborted {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(closeFlush))
		for w.flushing {
			w.drained.Wait()
		}
	}
	w.mu.Unlock()
	return c.Conn.Close()
}

// abort closes the connection at once, dropping the pending bytes.
func (c *trackedConn) abort() error {
	c.wb.mu.Lock()
	c.wb.aborted = true
	c.wb.mu.Unlock()
	return c.Close()
}

// writeErr is the error of the failed flush, if one failed. Any goroutine.
func (c *trackedConn) writeErr() error {
	c.wb.mu.Lock()
	defer c.wb.mu.Unlock()
	return c.wb.err
}
