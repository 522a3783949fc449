package broker_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"syscall"
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
	// so such a delivery would wait, until the write timeout closed the
	// connection, rather than be dropped (TestStalledQoS1SubscriberIsDisconnected).
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

// TestStalledQoS1SubscriberIsDisconnected: a QoS 1 subscriber that stops
// reading holds up the deliveries of a publisher it shares a topic with
// (mochi takes the delivery's packet id under the lock its blocked writer
// holds) only until the write timeout closes its connection. The healthy
// QoS 1 subscriber of the same topic then gets every message, in order,
// soon after; the stalled client's will is published. The stalled client
// keeps sending PINGREQs, with keepalive 0: it would otherwise stay
// connected for ever.
func TestStalledQoS1SubscriberIsDisconnected(t *testing.T) {
	const writeTimeout, n = 500 * time.Millisecond, 2000
	b := startBroker(t, broker.Options{WriteTimeout: writeTimeout})

	wills := make(chan string, 4)
	watcher, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "watcher",
		onMessage: func(m mqtt.Message) { wills <- m.Topic() + " " + string(m.Payload()) }})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect watcher: %v", err)
	}
	await(t, "subscribe will/#", watcher.Subscribe("will/#", 1, nil))

	stalled, _ := connectRaw(t, b.Addr(), rawConnect{level: 4, id: "stalled",
		will: &rawWill{topic: "will/stalled", payload: "gone", qos: 1}})
	if tc, ok := stalled.Conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(16 << 10) // fill up sooner than Linux's autotuned 32 MiB
	}
	stalled.send(subscribePacket(4, 1, "flood"))
	if ack := stalled.expect(pkSuback); !bytes.Equal(ack, []byte{0, 1, 1}) {
		t.Fatalf("SUBACK % x, want 00 01 01", ack)
	}

	// Like a paho client, whose pinger is not held up by a full socket,
	// the stalled client keeps sending PINGREQs (with keepalive 0, which
	// to mochi means "no deadline").
	pinging := make(chan struct{})
	stopPings := make(chan struct{})
	defer func() { close(stopPings); <-pinging }()
	go func() {
		defer close(pinging)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopPings:
				return
			case <-tick.C:
				if _, err := stalled.Conn.Write([]byte{pkPingreq, 0}); err != nil {
					return
				}
			}
		}
	}()

	got := make(chan int, n)
	healthy, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "healthy",
		onMessage: func(m mqtt.Message) {
			p := string(m.Payload())
			seq, _ := strconv.Atoi(p[:strings.IndexByte(p, ' ')])
			got <- seq
		}})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect healthy: %v", err)
	}
	await(t, "subscribe flood", healthy.Subscribe("flood", 1, nil))
	pub := mustDial(t, b, "pub")

	// 2,000 messages of 8 KiB, 16 MiB in all: more than the stalled
	// client's socket buffers hold, so its writer blocks.
	pad := strings.Repeat("x", 8<<10)
	start := time.Now()
	toks := make(chan mqtt.Token, n)
	go func() { // Publish blocks while the broker does not read the publisher
		defer close(toks)
		for i := range n {
			toks <- pub.Publish("flood", 1, false, strconv.Itoa(i)+" "+pad)
		}
	}()

	// Every message reaches the healthy subscriber, in order, within the
	// write timeout and a margin for the 16 MiB to pass.
	const margin = 4 * time.Second
	limit := time.NewTimer(writeTimeout + margin)
	defer limit.Stop()
	var willAt time.Duration
	for i := 0; i < n; {
		select {
		case seq := <-got:
			if seq != i {
				t.Fatalf("healthy subscriber's message %d is %d", i, seq)
			}
			i++
		case w := <-wills:
			if w != "will/stalled gone" {
				t.Fatalf("will %q, want \"will/stalled gone\"", w)
			}
			willAt = time.Since(start)
		case <-limit.C:
			t.Fatalf("the healthy subscriber got %d of %d messages in %v (stats %+v)", i, n, writeTimeout+margin, b.Stats())
		}
	}
	all := time.Since(start)
	for tok := range toks {
		await(t, "publish", tok)
	}
	if willAt == 0 {
		select {
		case w := <-wills:
			if w != "will/stalled gone" {
				t.Fatalf("will %q, want \"will/stalled gone\"", w)
			}
			willAt = time.Since(start)
		case <-time.After(waitLimit):
			t.Fatalf("no will from the stalled client within %v", waitLimit)
		}
	}
	t.Logf("healthy subscriber had all %d messages after %v; the stalled client's will came after %v", n, all, willAt)
	// The write that blocks starts after the first publish; it is ended
	// no sooner than nine tenths of the timeout later.
	if lo, hi := writeTimeout*9/10, writeTimeout+margin; willAt < lo || willAt > hi {
		t.Errorf("stalled client disconnected %v after the first publish, want from %v to %v", willAt, lo, hi)
	}
	if all < writeTimeout*9/10 {
		t.Errorf("healthy subscriber had every message after %v, before the stalled client's write could time out (%v): was the stalled client's socket ever full?", all, writeTimeout)
	}
	if st := b.Stats(); st.ClientsConnected != 3 {
		t.Errorf("%d clients connected, want 3 (watcher, healthy, pub)", st.ClientsConnected)
	}

	// The stalled client reads again: it finds what the sockets held, then
	// the end of the stream. (A larger receive buffer lets the few MiB
	// come quickly.)
	if tc, ok := stalled.Conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(8 << 20)
	}
	if err := stalled.SetReadDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
	drained, err := io.Copy(io.Discard, stalled.Conn)
	t.Logf("the stalled client read %d bytes, then %v", drained, err)
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("stalled client's connection: %v, want it closed", err)
	}
}
