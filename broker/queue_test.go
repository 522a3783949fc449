package broker_test

import (
	"bytes"
	"net"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/agenthost/agenthost/broker"
)

// heapPerClient connects n idle raw MQTT 3.1.1 clients to a broker started
// with opts and returns the growth of the process's live heap per client.
// The clients and the broker are closed before it returns.
func heapPerClient(t *testing.T, opts broker.Options, n int) uint64 {
	t.Helper()
	settle := func() uint64 {
		runtime.GC()
		runtime.GC() // a second cycle also empties sync.Pools
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	b, err := broker.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer b.Close()
	before := settle()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		c, _ := connectRaw(t, b.Addr(), rawConnect{level: 4, id: "idle-" + strconv.Itoa(i)})
		conns = append(conns, c.Conn)
	}
	if got := b.Stats().ClientsConnected; got != int64(n) {
		t.Fatalf("%d clients connected, want %d", got, n)
	}
	after := settle()
	if after < before {
		return 0
	}
	return (after - before) / uint64(n)
}

// TestIdleClientsCostLittleMemory: each connected client costs the broker
// its outbound queue (8 bytes an entry, allocated up front) and a few KiB
// more. With the default MaxQueued that stays below twice the 64 KiB queue
// the documentation promises (the old 131,072-entry queues cost 1 MiB); a
// larger MaxQueued costs what it says, so the setting reaches mochi.
func TestIdleClientsCostLittleMemory(t *testing.T) {
	const n, documentedQueue = 500, 64 << 10
	per := heapPerClient(t, broker.Options{}, n)
	t.Logf("default MaxQueued %d: %d KiB of heap per idle client (%d clients)", broker.DefaultMaxQueued, per>>10, n)
	if limit := uint64(2*documentedQueue + 8<<10); per > limit {
		t.Errorf("an idle client costs %d KiB of heap, want at most %d KiB (twice its %d KiB queue + 8 KiB)",
			per>>10, limit>>10, documentedQueue>>10)
	}

	const big = 1 << 16
	per = heapPerClient(t, broker.Options{MaxQueued: big}, 50)
	t.Logf("MaxQueued %d: %d KiB of heap per idle client", big, per>>10)
	if lo, hi := uint64(8*big), uint64(8*big+2*documentedQueue+8<<10); per < lo || per > hi {
		t.Errorf("with MaxQueued %d an idle client costs %d KiB of heap, want from %d KiB (its queue) to %d KiB",
			big, per>>10, lo>>10, hi>>10)
	}
}

// TestStalledSubscriberLosesOnlyItsOwnMessages: a subscriber that stops
// reading gets at most MaxQueued messages queued (plus what the sockets
// hold); the deliveries to it that find its queue full are dropped and
// counted, while a subscriber that reads gets every message. When the
// stalled subscriber reads again it finds exactly the messages that were
// not dropped, in order, and no redelivery of the dropped ones.
func TestStalledSubscriberLosesOnlyItsOwnMessages(t *testing.T) {
	const maxQueued, maxMessages, wantDropped = 64, 50_000, 100
	b := startBroker(t, broker.Options{MaxQueued: maxQueued})

	stalled, _ := connectRaw(t, b.Addr(), rawConnect{level: 4, id: "stalled"})
	if tc, ok := stalled.Conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(16 << 10) // fill up sooner than Linux's autotuned 32 MiB
	}
	// At QoS 0: mochi takes a QoS 1 or 2 delivery's packet id under the
	// lock the client's writer holds while it is blocked on a full socket,
	// so such a delivery would wait rather than be dropped.
	stalled.send(packet(pkSubscribe, []byte{0, 1}, mqttStr("flood"), []byte{0}))
	if ack := stalled.expect(pkSuback); !bytes.Equal(ack, []byte{0, 1, 0}) {
		t.Fatalf("SUBACK % x, want 00 01 00", ack)
	}

	got := make(chan string, 1)
	reader, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "reader",
		onMessage: func(m mqtt.Message) { got <- string(m.Payload()[:strings.IndexByte(string(m.Payload()), ' ')]) }})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect reader: %v", err)
	}
	await(t, "subscribe", reader.Subscribe("flood", 1, nil))
	pub := mustDial(t, b, "pub")

	// Publish one message at a time, each received by the reader before
	// the next, until wantDropped deliveries to the stalled subscriber
	// have been dropped.
	pad := strings.Repeat("x", 1024)
	sent := 0
	for ; sent < maxMessages && b.Stats().MessagesDropped < wantDropped; sent++ {
		await(t, "publish", pub.Publish("flood", 1, false, strconv.Itoa(sent)+" "+pad))
		select {
		case s := <-got:
			if s != strconv.Itoa(sent) {
				t.Fatalf("reader got message %s, want %d", s, sent)
			}
		case <-time.After(waitLimit):
			t.Fatalf("reader did not get message %d within %v (stats %+v)", sent, waitLimit, b.Stats())
		}
	}
	st := b.Stats()
	t.Logf("%d messages sent; stats %+v", sent, st)
	if st.MessagesDropped < wantDropped || st.MessagesDropped > int64(sent-maxQueued) {
		t.Fatalf("%d deliveries dropped after %d messages, want from %d to %d", st.MessagesDropped, sent, wantDropped, sent-maxQueued)
	}
	if st.InflightDropped != 0 {
		t.Errorf("%d inflight deliveries dropped, want 0", st.InflightDropped)
	}

	// The stalled subscriber reads again: message 0 onwards without gaps,
	// as many as were not dropped, then nothing more.
	want := sent - int(st.MessagesDropped)
	if err := stalled.SetDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
	last := -1
	for i := range want {
		body := stalled.expect(pkPublish)
		topicLen := int(body[0])<<8 | int(body[1])
		payload := string(body[2+topicLen:]) // QoS 0: no packet id
		seq, err := strconv.Atoi(payload[:strings.IndexByte(payload, ' ')])
		if err != nil || seq <= last {
			t.Fatalf("stalled subscriber's message %d is %q after %d", i, payload[:min(len(payload), 20)], last)
		}
		if i < maxQueued && seq != i {
			t.Fatalf("stalled subscriber's message %d is %d: the first %d must all arrive", i, seq, maxQueued)
		}
		last = seq
	}
	stalled.ping() // PINGRESP next: no redelivery, nothing beyond the count
	if want < maxQueued {
		t.Errorf("stalled subscriber got %d messages, fewer than MaxQueued %d", want, maxQueued)
	}
	t.Logf("stalled subscriber got %d, the last being %d", want, last)
}
