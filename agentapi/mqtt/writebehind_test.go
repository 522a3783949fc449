package mqtt

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/netpair"
)

// tcpPair returns the two ends of a loopback TCP connection, the first
// wrapped as the module wraps a broker connection.
func tcpPair(t *testing.T) (*trackedConn, net.Conn) {
	t.Helper()
	c, peer := netpair.TCP(t)
	ctx, cancel := context.WithCancel(context.Background())
	m := &Module{ctx: ctx, cancel: cancel, conns: map[*trackedConn]bool{}}
	tc := &trackedConn{Conn: c, m: m, guard: &wireGuard{}}
	m.conns[tc] = true
	t.Cleanup(func() { tc.abort(); cancel() })
	return tc, peer
}

// tightPair is tcpPair with small socket buffers: the kernel holds far
// less than the write buffer, so a peer that reads nothing soon blocks
// the flusher.
func tightPair(t *testing.T) (*trackedConn, net.Conn) {
	t.Helper()
	tc, peer := tcpPair(t)
	if err := tc.Conn.(*net.TCPConn).SetWriteBuffer(4096); err != nil {
		t.Fatal(err)
	}
	if err := peer.(*net.TCPConn).SetReadBuffer(4096); err != nil {
		t.Fatal(err)
	}
	return tc, peer
}

// TestWritesAreCombinedInOrder: packets written one Write each arrive
// whole and in order, also beyond maxPending (the writer waits for the
// flusher), and an idle connection keeps no buffer.
func TestWritesAreCombinedInOrder(t *testing.T) {
	tc, peer := tcpPair(t)
	var want bytes.Buffer
	got := make(chan []byte, 1)
	const total = 4 * maxPending
	go func() {
		b, _ := io.ReadAll(io.LimitReader(peer, total))
		got <- b
	}()
	for i := 0; want.Len() < total; i++ {
		p := bytes.Repeat([]byte{byte(i)}, 1+i%97)
		if want.Len()+len(p) > total {
			p = p[:total-want.Len()]
		}
		want.Write(p)
		if n, err := tc.Write(p); n != len(p) || err != nil {
			t.Fatalf("write %d: %d, %v", i, n, err)
		}
	}
	if b := <-got; !bytes.Equal(b, want.Bytes()) {
		t.Fatalf("the peer read %d bytes, not the %d written in order", len(b), want.Len())
	}
	// The flusher has written everything: wait for it to end.
	tc.wb.mu.Lock()
	for tc.wb.flushing {
		tc.wb.drained.Wait()
	}
	idle := tc.wb.buf == nil && tc.wb.spare == nil
	tc.wb.mu.Unlock()
	if !idle {
		t.Error("an idle connection still holds a write buffer")
	}
}

// TestCloseWritesWhatIsPending: Close returns after the bytes written
// before it have left (paho closes right after DISCONNECT); abort does
// not wait for a peer that reads nothing.
func TestCloseWritesWhatIsPending(t *testing.T) {
	tc, peer := tcpPair(t)
	// More than the kernel's socket buffers hold, written before the peer
	// reads a byte: at Close most of it is still pending here.
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB
	got := make(chan []byte, 1)
	accepted := make(chan int, 1)
	closed := make(chan error, 1)
	go func() {
		n := 0
		for off := 0; off < len(data) && !tc.stuck(); off += 1000 {
			// Until the flusher is blocked: then pending bytes wait here.
			k, err := tc.Write(data[off:min(off+1000, len(data))])
			if err != nil {
				t.Errorf("write at %d: %v", off, err)
				break
			}
			n += k
		}
		accepted <- n
		closed <- tc.Close()
	}()
	written := <-accepted
	go func() {
		b, _ := io.ReadAll(peer)
		got <- b
	}()
	b := <-got
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	tc.wb.mu.Lock()
	pending := len(tc.wb.buf)
	tc.wb.mu.Unlock()
	if pending != 0 || len(b) == 0 || !bytes.Equal(b, data[:len(b)]) {
		t.Fatalf("the peer read %d bytes (a prefix of what was written: %v), %d left pending after Close",
			len(b), bytes.Equal(b, data[:len(b)]), pending)
	}
	if len(b) != written {
		t.Errorf("the peer read %d bytes of the %d written before Close", len(b), written)
	}
	if _, err := tc.Write([]byte("x")); err == nil {
		t.Error("a Write after Close succeeded")
	}

}

// TestAbortDoesNotWait: abort (the host cutting a client off) closes at
// once, though the flusher is blocked on a peer that reads nothing, and
// the Write waiting behind a full buffer fails instead of hanging.
func TestAbortDoesNotWait(t *testing.T) {
	tc, _ := tightPair(t)
	writeErr := make(chan error, 1)
	chunk := make([]byte, 16<<10)
	go func() {
		for {
			if _, err := tc.Write(chunk); err != nil {
				writeErr <- err
				return
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !tc.full() {
		if time.Now().After(deadline) {
			t.Fatal("the write buffer never filled behind a peer that reads nothing")
		}
		time.Sleep(time.Millisecond) // polled: no event marks a blocked system call
	}
	// The writer keeps writing, but pending bytes stay bounded: a Write
	// that finds the buffer full waits.
	tc.wb.mu.Lock()
	pending := len(tc.wb.buf)
	tc.wb.mu.Unlock()
	if pending >= maxPending+len(chunk) {
		t.Errorf("%d bytes pending behind a blocked flusher, want less than %d", pending, maxPending+len(chunk))
	}
	start := time.Now()
	done := make(chan struct{})
	go func() { _ = tc.abort(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeFlush / 2):
		t.Fatalf("abort waited for pending bytes (%s so far)", time.Since(start))
	}
	select {
	case err := <-writeErr:
		if err == nil {
			t.Error("the blocked Write returned no error")
		}
	case <-time.After(closeFlush / 2):
		t.Fatal("a Write blocked behind the full buffer still waits after abort")
	}
}

// full reports whether the write buffer is full behind a flusher that has
// not come back: the next Write waits.
func (c *trackedConn) full() bool {
	c.wb.mu.Lock()
	defer c.wb.mu.Unlock()
	return c.wb.flushing && len(c.wb.buf) >= maxPending
}

// stuck reports whether the flusher is blocked: a full buffer is
// pending behind a system call that does not return.
func (c *trackedConn) stuck() bool {
	c.wb.mu.Lock()
	defer c.wb.mu.Unlock()
	return c.wb.flushing && len(c.wb.buf) >= maxPending/2
}

// TestFailedFlushIsSticky: once the peer is gone, writing fails, every
// later Write returns the error, the socket is closed (so paho's reader
// reports the loss) and the failure is the socket's (onconnectionlost -1).
func TestFailedFlushIsSticky(t *testing.T) {
	tc, peer := tcpPair(t)
	peer.(*net.TCPConn).SetLinger(0) // close with RST
	peer.Close()
	var err error
	deadline := time.Now().Add(10 * time.Second)
	for err == nil && time.Now().Before(deadline) {
		_, err = tc.Write(make([]byte, 1024))
	}
	if err == nil {
		t.Fatal("writes to a reset connection kept succeeding")
	}
	if _, err2 := tc.Write([]byte("y")); !errors.Is(err2, err) && err2.Error() != err.Error() {
		t.Errorf("the next Write returned %v, want the same %v", err2, err)
	}
	if !tc.failed.Load() {
		t.Error("the failure is not recorded as the socket's")
	}
	if _, rerr := tc.Read(make([]byte, 1)); rerr == nil || strings.Contains(rerr.Error(), "use of closed network connection") {
		t.Errorf("a Read after the failed flush returned %v: paho would report no loss", rerr)
	}
}

// TestFailedFlushWakesTheReader: a flush that fails while the peer keeps
// the connection open (here: paho's write deadline passes while the peer
// reads nothing) ends the Read paho's reader is blocked in, with the
// write's error — not "use of closed network connection", which paho
// takes for its own close and does not report — so the loss is reported.
func TestFailedFlushWakesTheReader(t *testing.T) {
	tc, _ := tightPair(t)
	readErr := make(chan error, 1)
	go func() {
		_, err := tc.Read(make([]byte, 16))
		readErr <- err
	}()
	if err := tc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	var werr error
	chunk := make([]byte, 16<<10)
	for werr == nil {
		_, werr = tc.Write(chunk)
	}
	select {
	case rerr := <-readErr:
		if rerr == nil || rerr.Error() != werr.Error() {
			t.Errorf("the blocked Read returned %v, want the write's error %v", rerr, werr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the blocked Read was not woken by the failed flush")
	}
	if !tc.failed.Load() {
		t.Error("the failure is not recorded as the socket's (onconnectionlost would say -4, not -1)")
	}
}

// TestCloseGivesUpAfterCloseFlush: Close sends what is pending for at
// most closeFlush (the README's 2 s): to a peer that reads nothing it
// returns after about that long, neither at once nor much later.
func TestCloseGivesUpAfterCloseFlush(t *testing.T) {
	tc, _ := tightPair(t)
	go func() {
		chunk := make([]byte, 16<<10)
		for {
			if _, err := tc.Write(chunk); err != nil {
				return
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !tc.full() {
		if time.Now().After(deadline) {
			t.Fatal("the write buffer never filled behind a peer that reads nothing")
		}
		time.Sleep(time.Millisecond) // polled: no event marks a blocked system call
	}
	start := time.Now()
	_ = tc.Close()
	if el := time.Since(start); el < closeFlush*9/10 || el > closeFlush+time.Second {
		t.Errorf("Close returned after %v, want about %v", el, closeFlush)
	}
}
