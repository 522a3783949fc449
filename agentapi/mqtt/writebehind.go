package mqtt

import (
	"net"
	"sync"
	"time"
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
// (woken at once), which makes paho report the loss. Pending bytes are bounded by
// maxPending: a Write beyond it waits for the flusher (paho's write
// deadline, when it sets one, bounds that wait through the flusher's
// system call).
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
}

func (c *trackedConn) Write(p []byte) (int, error) {
	w := &c.wb
	w.mu.Lock()
	if w.drained == nil {
		w.drained = sync.NewCond(&w.mu)
	}
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
	if w.buf == nil {
		w.buf = w.spare[:0]
		w.spare = nil
	}
	w.buf = append(w.buf, p...)
	start := !w.flushing
	w.flushing = true
	w.mu.Unlock()
	if start {
		go c.flush()
	}
	return len(p), nil
}

// flush writes the pending bytes until none are left. Its own goroutine,
// one at a time per connection.
func (c *trackedConn) flush() {
	w := &c.wb
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
