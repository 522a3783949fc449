package broker_test

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/internal/testpki"
)

// TestConnectTimeout: a connection that has not delivered a whole CONNECT
// within Options.ConnectTimeout is closed, whatever it is doing; one that
// connected in time stays open.
func TestConnectTimeout(t *testing.T) {
	const timeout = 500 * time.Millisecond
	pki, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := startBroker(t, broker.Options{ConnectTimeout: timeout,
		TLS: &broker.TLSOptions{CertFile: pki.CertFile, KeyFile: pki.KeyFile}})
	connect := rawConnect{level: 4, id: "slow", keepalive: 30, will: &rawWill{topic: "w", payload: strings.Repeat("p", 100)}}.bytes()

	cases := map[string]func() (net.Conn, error){
		"idle": func() (net.Conn, error) { return net.Dial("tcp", b.Addr()) },
		"half a CONNECT": func() (net.Conn, error) {
			c, err := net.Dial("tcp", b.Addr())
			if err == nil {
				_, err = c.Write(connect[:len(connect)/2])
			}
			return c, err
		},
		"fixed header only": func() (net.Conn, error) {
			c, err := net.Dial("tcp", b.Addr())
			if err == nil {
				_, err = c.Write(connect[:2])
			}
			return c, err
		},
		"trickling a CONNECT": func() (net.Conn, error) {
			c, err := net.Dial("tcp", b.Addr())
			if err == nil {
				go func() { // a byte every 50 ms: 10 s for the whole CONNECT
					for _, by := range connect {
						if _, err := c.Write([]byte{by}); err != nil {
							return
						}
						time.Sleep(50 * time.Millisecond)
					}
				}()
			}
			return c, err
		},
		"TLS, no handshake": func() (net.Conn, error) { return net.Dial("tcp", b.TLSAddr()) },
		"TLS, no CONNECT": func() (net.Conn, error) {
			c, err := tls.Dial("tcp", b.TLSAddr(), pki.ClientTLSConfig())
			if err == nil {
				err = c.Handshake()
			}
			return c, err
		},
	}
	var wg sync.WaitGroup
	for name, open := range cases {
		wg.Go(func() {
			start := time.Now()
			c, err := open()
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			defer c.Close()
			closed, data := closedWithin(c, waitLimit)
			elapsed := time.Since(start)
			switch {
			case !closed:
				t.Errorf("%s: still open after %v", name, waitLimit)
			case len(data) > 0:
				t.Errorf("%s: received % x", name, data)
			case elapsed < timeout || elapsed > timeout+2*time.Second:
				t.Errorf("%s: closed after %v, want %v to %v", name, elapsed, timeout, timeout+2*time.Second)
			}
		})
	}
	// A client that connects in time keeps its connection past the
	// timeout (with a keepalive and without one).
	c30, _ := connectRaw(t, b.Addr(), rawConnect{level: 4, id: "keepalive30", keepalive: 30})
	c0, _ := connectRaw(t, b.Addr(), rawConnect{level: 5, id: "keepalive0"})
	wg.Wait() // the timeout has passed for those too
	c30.ping()
	c0.ping()
}

// TestPendingConnectionsBounded: while MaxPendingConnections accepted
// connections have not sent CONNECT, further connections are closed at
// once (a warning is logged, once); when the pending ones time out,
// clients connect again.
func TestPendingConnectionsBounded(t *testing.T) {
	const timeout, pending = 2 * time.Second, 4
	logs := &recordingHandler{}
	b := startBroker(t, broker.Options{ConnectTimeout: timeout, MaxPendingConnections: pending, Logger: slog.New(logs)})
	var conns []net.Conn
	start := time.Now()
	for range pending + 6 {
		c, err := net.Dial("tcp", b.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	// The kernel hands connections over in order: the first ones fill
	// the pending slots.
	for i, c := range conns[pending:] {
		if closed, _ := closedWithin(c, timeout/2); !closed {
			t.Errorf("connection %d beyond the bound still open after %v", pending+i, timeout/2)
		}
	}
	refused := dialRaw(t, b.Addr())
	refused.send(rawConnect{level: 4, id: "during", keepalive: 30}.bytes())
	if data := refused.readUntilClosed(timeout / 2); len(data) != 0 {
		t.Errorf("a CONNECT while the bound is reached got % x, want the connection closed", data)
	}
	for i, c := range conns[:pending] {
		if closed, _ := closedWithin(c, waitLimit); !closed {
			t.Errorf("pending connection %d still open", i)
		}
	}
	if elapsed := time.Since(start); elapsed < timeout {
		t.Errorf("pending connections closed after %v, before the %v timeout", elapsed, timeout)
	}
	c, _ := connectRaw(t, b.Addr(), rawConnect{level: 4, id: "after", keepalive: 30})
	c.ping()
	warnings := 0
	for _, r := range logs.records() {
		if strings.Contains(r.Message, "too many connections have not sent CONNECT") {
			warnings++
		}
	}
	if warnings != 1 {
		t.Errorf("%d warnings about pending connections, want 1", warnings)
	}
}

// publishOfSize builds a PUBLISH on topic of exactly size bytes and
// returns it with its payload's length.
func publishOfSize(t *testing.T, level byte, topic string, qos byte, id uint16, size int) ([]byte, int) {
	t.Helper()
	empty := len(publishPacket(level, topic, qos, id, false, nil))
	for n := size - empty; n >= 0; n-- { // the length field may grow with the payload
		if p := publishPacket(level, topic, qos, id, false, make([]byte, n)); len(p) == size {
			return p, n
		}
	}
	t.Fatalf("no PUBLISH of %d bytes on %q", size, topic)
	return nil, 0
}

// TestMaxPacketSize: a client announcing a packet larger than
// MaxPacketSize is disconnected before the body is read (MQTT 5 clients
// get DISCONNECT 0x95), its will is published, and packets sent before
// it are processed; a packet of exactly the limit is delivered, and the
// privileged client is exempt.
func TestMaxPacketSize(t *testing.T) {
	const max = 1024
	b := startBroker(t, broker.Options{MaxPacketSize: max})
	got := make(chan mqtt.Message, 100)
	watcher, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "watcher", onMessage: func(m mqtt.Message) { got <- m }})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect watcher: %v", err)
	}
	await(t, "subscribe", watcher.SubscribeMultiple(map[string]byte{"big/#": 1, "wills/#": 1}, nil))
	expectDelivered := func(t *testing.T, topic string, size int) {
		t.Helper()
		select {
		case m := <-got:
			if m.Topic() != topic || len(m.Payload()) != size {
				t.Errorf("delivered %s with %d bytes, want %s with %d", m.Topic(), len(m.Payload()), topic, size)
			}
		case <-time.After(waitLimit):
			t.Fatalf("%s not delivered", topic)
		}
	}

	for _, level := range []byte{4, 5} {
		t.Run(fmt.Sprintf("level %d", level), func(t *testing.T) {
			c, connack := connectRaw(t, b.Addr(), rawConnect{level: level, id: fmt.Sprintf("c%d", level), keepalive: 30,
				will: &rawWill{topic: "wills/c" + strconv.Itoa(int(level)), payload: "cut"}})
			if level == 5 && !bytes.Contains(connack, []byte{0x27, 0, 0, max >> 8, max & 0xFF}) {
				t.Errorf("CONNACK % x does not announce a maximum packet size of %d", connack, max)
			}
			exact, n := publishOfSize(t, level, "big/exact", 1, 1, max)
			c.send(exact)
			checkAck(t, 4, "PUBACK", c.expect(pkPuback)[:2], 1)
			expectDelivered(t, "big/exact", n)

			// A PUBLISH that fits, then one a byte too large, in one write:
			// the first is processed, then the connection ends.
			fits, n := publishOfSize(t, level, "big/fits", 1, 2, 100)
			over, _ := publishOfSize(t, level, "big/over", 1, 3, max+1)
			c.send(fits, over)
			checkAck(t, 4, "PUBACK", c.expect(pkPuback)[:2], 2)
			data := c.readUntilClosed(waitLimit)
			if level == 5 {
				if first, body, err := readPacket(bytes.NewReader(data)); err != nil || first != pkDisconnect || len(body) < 1 || body[0] != 0x95 {
					t.Errorf("received % x, want DISCONNECT 0x95", data)
				}
			} else if len(data) != 0 {
				t.Errorf("received % x, want the connection closed without a word", data)
			}
			expectDelivered(t, "big/fits", n)
			select { // the will was published, and nothing from big/over
			case m := <-got:
				if m.Topic() != "wills/c"+strconv.Itoa(int(level)) {
					t.Errorf("delivered %s, want the will", m.Topic())
				}
			case <-time.After(waitLimit):
				t.Fatal("will not delivered")
			}
		})
	}

	t.Run("100 MB announced, nothing allocated", func(t *testing.T) {
		c, _ := connectRaw(t, b.Addr(), rawConnect{level: 4, id: "huge", keepalive: 30})
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c.send(append([]byte{pkPublish | 2}, varint(100<<20)...))
		if data := c.readUntilClosed(waitLimit); len(data) != 0 {
			t.Errorf("received % x", data)
		}
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 10<<20 {
			t.Errorf("the broker allocated %d MiB for a packet it refused", grew>>20)
		}
	})
	t.Run("remaining length of 5 bytes", func(t *testing.T) {
		for _, level := range []byte{4, 5} {
			c, _ := connectRaw(t, b.Addr(), rawConnect{level: level, id: "five", keepalive: 30})
			c.send([]byte{pkPublish, 0x80, 0x80, 0x80, 0x80, 0x01})
			data := c.readUntilClosed(waitLimit)
			if first, body, err := readPacket(bytes.NewReader(data)); level == 5 && (err != nil || first != pkDisconnect || len(body) < 1 || body[0] != 0x81) {
				t.Errorf("level 5 received % x, want DISCONNECT 0x81 (malformed packet)", data)
			} else if level < 5 && len(data) != 0 {
				t.Errorf("level %d received % x", level, data)
			}
		}
	})
	t.Run("CONNECT too large", func(t *testing.T) {
		c := dialRaw(t, b.Addr())
		c.send(rawConnect{level: 4, id: "bigwill", keepalive: 30, will: &rawWill{topic: "w", payload: strings.Repeat("x", max)}}.bytes())
		if data := c.readUntilClosed(waitLimit); len(data) != 0 {
			t.Errorf("received % x, want the connection closed without CONNACK", data)
		}
	})
	t.Run("privileged client exempt", func(t *testing.T) {
		driver := dialPrivileged(t, b, clientOpts{id: "driver"})
		await(t, "big publish", driver.Publish("big/driver", 1, false, make([]byte, 4*max)))
		expectDelivered(t, "big/driver", 4*max)
	})
}

// TestLargePublishesReleaseMemory: a 100 MB PUBLISH is refused at its
// fixed header (the broker's peak memory does not grow by its size), and
// publishes just within the default limit leave no memory behind once
// delivered.
func TestLargePublishesReleaseMemory(t *testing.T) {
	b := startBroker(t, broker.Options{})
	got := make(chan int, 100)
	watcher, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "watcher", onMessage: func(m mqtt.Message) { got <- len(m.Payload()) }})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect watcher: %v", err)
	}
	await(t, "subscribe", watcher.Subscribe("big", 1, nil))

	// 100 MB streamed in 64 KiB writes from one buffer: only the broker
	// could make the peak grow.
	c, _ := connectRaw(t, b.Addr(), rawConnect{level: 4, id: "huge", keepalive: 30})
	resetPeakRSS(t)
	peak0 := memStatus(t, "VmHWM")
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	const huge = 100 << 20
	hdr := publishPacket(4, "big", 1, 1, false, nil)
	c.send(append([]byte{hdr[0]}, varint(len(hdr)-2+huge)...), hdr[2:])
	chunk := make([]byte, 64<<10)
	sent := 0
	for ; sent < huge; sent += len(chunk) {
		if _, err := c.Write(chunk); err != nil {
			break
		}
	}
	if closed, data := closedWithin(c, waitLimit); !closed || len(data) > 0 || sent >= huge {
		t.Errorf("after %d of %d MB sent, the connection is closed: %v, having received % x; want it closed, unanswered, early",
			sent>>20, huge>>20, closed, data)
	}
	runtime.ReadMemStats(&ms1)
	if alloc := ms1.TotalAlloc - ms0.TotalAlloc; alloc > 10<<20 {
		t.Errorf("%d MiB allocated while refusing a 100 MB PUBLISH", alloc>>20)
	}
	// The kernel updates the peak lazily: a later reading may even be lower.
	grew := int64(memStatus(t, "VmHWM")) - int64(peak0)
	t.Logf("peak RSS grew by %d KiB for a refused 100 MB PUBLISH", grew>>10)
	if grew > 32<<20 {
		t.Errorf("peak RSS grew by %d MiB for a refused 100 MB PUBLISH", grew>>20)
	}

	const n, size = 40, 256 << 10
	settle := func() (heap, rss uint64) {
		runtime.GC()
		runtime.GC() // a second cycle also empties sync.Pools
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc, memStatus(t, "VmRSS")
	}
	pub, _ := connectRaw(t, b.Addr(), rawConnect{level: 4, id: "pub", keepalive: 30})
	heap0, rss0 := settle()
	payload := make([]byte, size)
	for i := range n {
		pub.send(publishPacket(4, "big", 1, uint16(i+1), false, payload))
		pub.expect(pkPuback)
	}
	for range n {
		select {
		case l := <-got:
			if l != size {
				t.Fatalf("delivered %d bytes, want %d", l, size)
			}
		case <-time.After(waitLimit):
			t.Fatal("not all messages delivered")
		}
	}
	heap1, rss1 := settle()
	t.Logf("%d MiB published: heap %d -> %d KiB, RSS %d -> %d KiB", n*size>>20, heap0>>10, heap1>>10, rss0>>10, rss1>>10)
	if heap1 > heap0+1<<20 {
		t.Errorf("heap grew from %d to %d KiB after %d MiB of delivered messages", heap0>>10, heap1>>10, n*size>>20)
	}
	if rss1 > rss0+16<<20 {
		t.Errorf("RSS grew from %d to %d MiB after %d MiB of delivered messages", rss0>>20, rss1>>20, n*size>>20)
	}
}

// memStatus returns a "kB" field of /proc/self/status, in bytes.
func memStatus(t *testing.T, field string) uint64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// resetPeakRSS resets VmHWM to the current RSS (Linux clear_refs).
func resetPeakRSS(t *testing.T) {
	t.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS: %v", err)
	}
}
