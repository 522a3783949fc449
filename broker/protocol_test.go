package broker_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/agenthost/agenthost/broker"
)

// reservedTopics are topics clients may not publish to: mochi's $SYS
// prefix (any case, as mochi compares it) and shared-subscription names.
var reservedTopics = []string{"$SYS/test/x", "$sys/x", "$SYSTEM/x", "$share/g/x", "$SHARE/g/x"}

// TestReservedTopicPublishesAreAcknowledgedNotDelivered: a PUBLISH to a
// reserved topic completes its QoS flow, as mosquitto 2.0 does (MQTT 3.x:
// PUBACK, or PUBREC/PUBREL/PUBCOMP; MQTT 5: PUBACK or PUBREC with 0x87 "not
// authorized"), and reaches no subscriber or retained store; observers see
// it marked Dropped.
func TestReservedTopicPublishesAreAcknowledgedNotDelivered(t *testing.T) {
	b := startBroker(t, broker.Options{})
	var mu sync.Mutex
	var observed []string
	defer b.OnPublish(func(m broker.Message) {
		mu.Lock()
		defer mu.Unlock()
		if m.Dropped {
			observed = append(observed, "dropped:"+m.Topic)
		} else {
			observed = append(observed, m.Topic)
		}
	})()

	got := make(chan string, 100)
	watcher, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "watcher",
		onMessage: func(m mqtt.Message) {
			if !strings.HasPrefix(m.Topic(), "$SYS/broker/") { // mochi's own
				got <- m.Topic()
			}
		}})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect watcher: %v", err)
	}
	filters := map[string]byte{"#": 1, "$SYS/#": 1, "$sys/#": 1, "$SYSTEM/#": 1, "$share/w/#": 1, "$share/g/#": 1, "$SHARE/g/#": 1}
	await(t, "subscribe", watcher.SubscribeMultiple(filters, nil))

	for _, level := range []byte{3, 4, 5} {
		t.Run(fmt.Sprintf("level %d", level), func(t *testing.T) {
			c, _ := connectRaw(t, b.Addr(), rawConnect{level: level, id: fmt.Sprintf("pub%d", level), keepalive: 30})
			id := uint16(0)
			for _, topic := range reservedTopics {
				for _, retain := range []bool{false, true} {
					c.send(publishPacket(level, topic, 0, 0, retain, []byte("q0")))

					id++
					c.send(publishPacket(level, topic, 1, id, retain, []byte("q1")))
					ack := c.expect(pkPuback)
					checkAck(t, level, topic+" QoS 1 PUBACK", ack, id)

					id++
					c.send(publishPacket(level, topic, 2, id, retain, []byte("q2")))
					rec := c.expect(pkPubrec)
					checkAck(t, level, topic+" QoS 2 PUBREC", rec, id)
					if level < 5 {
						c.send(packet(pkPubrel, []byte{byte(id >> 8), byte(id)}))
						comp := c.expect(pkPubcomp)
						if len(comp) != 2 || comp[0] != byte(id>>8) || comp[1] != byte(id) {
							t.Errorf("%s: PUBCOMP % x, want packet id %d", topic, comp, id)
						}
					}
				}
			}
			c.ping() // the QoS 0 publishes have been processed too
		})
	}

	// A later subscriber gets no retained message either.
	late, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "late",
		onMessage: func(m mqtt.Message) {
			if !strings.HasPrefix(m.Topic(), "$SYS/broker/") {
				got <- "late:" + m.Topic()
			}
		}})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect late: %v", err)
	}
	await(t, "subscribe late", late.SubscribeMultiple(filters, nil))

	await(t, "publish done", watcher.Publish("done", 1, false, "x"))
	var topics []string
	for len(topics) < 2 {
		select {
		case topic := <-got:
			topics = append(topics, topic)
		case <-time.After(waitLimit):
			t.Fatalf("got %q, want the control message twice", topics)
		}
	}
	if slices.Sort(topics); !slices.Equal(topics, []string{"done", "late:done"}) {
		t.Errorf("subscribers received %q, want only the control message [done late:done]", topics)
	}
	mu.Lock()
	defer mu.Unlock()
	// Observers see each dropped PUBLISH, marked, so that a watcher knows it
	// reached the broker; only the control message as delivered.
	var want []string
	for range []byte{3, 4, 5} {
		for _, topic := range reservedTopics {
			for range 6 { // QoS 0, 1, 2, each without and with retain
				want = append(want, "dropped:"+topic)
			}
		}
	}
	want = append(want, "done")
	if !slices.Equal(observed, want) {
		t.Errorf("observers saw %q, want %q", observed, want)
	}
}

// checkAck checks a PUBACK or PUBREC body: the packet id and, for MQTT 5,
// reason code 0x87.
func checkAck(t *testing.T, level byte, what string, body []byte, id uint16) {
	t.Helper()
	if len(body) < 2 || body[0] != byte(id>>8) || body[1] != byte(id) {
		t.Errorf("%s: % x, want packet id %d", what, body, id)
		return
	}
	switch {
	case level < 5 && len(body) != 2:
		t.Errorf("%s: % x, want just the packet id for MQTT 3.x", what, body)
	case level == 5 && (len(body) < 3 || body[2] != 0x87):
		t.Errorf("%s: % x, want reason code 0x87 (not authorized)", what, body)
	}
}

// TestWildcardsDoNotMatchDollarTopics: a filter starting with a wildcard
// matches no topic starting with '$' ($SYS from mochi, $foo from a client,
// live or retained), whether plain or shared, with or without deny
// filters; filters naming the '$' level do match.
func TestWildcardsDoNotMatchDollarTopics(t *testing.T) {
	cases := []struct {
		filter string
		ctl    int      // control messages it gets: retained and live, or live only when shared
		want   []string // '$' topics it gets, in order
	}{
		{"#", 2, nil}, {"+/broker/#", 2, nil}, {"+/+/+", 2, nil}, {"+/broker/uptime", 2, nil}, {"+/#", 2, nil},
		{"$share/g1/#", 1, nil}, {"$share/g2/+/broker/uptime", 1, nil}, {"$share/g3/+/#", 1, nil}, {"$share/g4/+/+/+", 1, nil},
		{"$SYS/#", 0, []string{"$SYS/broker/uptime"}},
		{"$share/g5/$SYS/broker/#", 0, []string{"$SYS/broker/uptime"}},
		{"$foo/#", 0, []string{"$foo/broker/uptime", "$foo/broker/uptime"}}, // retained, live
		{"$share/g6/$foo/+/uptime", 0, []string{"$foo/broker/uptime"}},      // live only
	}
	for _, deny := range [][]string{nil, {"private/#", "+/secret/#"}} {
		t.Run(fmt.Sprintf("deny %q", deny), func(t *testing.T) {
			b := startBroker(t, broker.Options{DenySubscribe: deny})
			pub := mustDial(t, b, "pub")
			await(t, "retain $foo", pub.Publish("$foo/broker/uptime", 1, true, "retained"))
			await(t, "retain ctl", pub.Publish("ctl/broker/uptime", 1, true, "retained"))

			got := make([]chan string, len(cases))
			for i, tc := range cases {
				ch := make(chan string, 100)
				got[i] = ch
				c, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: fmt.Sprintf("s%d", i),
					onMessage: func(m mqtt.Message) {
						if m.Topic() == "$SYS/broker/uptime" || !strings.HasPrefix(m.Topic(), "$SYS/") {
							ch <- m.Topic()
						}
					}})
				if err != nil || tok.ReturnCode() != 0 {
					t.Fatalf("connect: %v", err)
				}
				st := c.Subscribe(tc.filter, 1, nil)
				await(t, "subscribe "+tc.filter, st)
				for _, rc := range st.(*mqtt.SubscribeToken).Result() { // paho keys shared filters without their prefix
					if rc != 1 {
						t.Fatalf("subscribe %s: code %#x", tc.filter, rc)
					}
				}
			}
			// Two $SYS ticks seen live: the first tick's deliveries to
			// every subscriber were queued before anything published now.
			sys := mustDial(t, b, "sys")
			ticks := subscribe(t, sys, "$SYS/broker/uptime", 0, 100)
			first := receive(t, ticks) // retained
			for n := 0; n < 2; {
				if m := receive(t, ticks); string(m.Payload()) != string(first.Payload()) {
					first, n = m, n+1
				}
			}
			await(t, "live $foo", pub.Publish("$foo/broker/uptime", 1, false, "live"))
			await(t, "live ctl", pub.Publish("ctl/broker/uptime", 1, false, "live"))

			for i, tc := range cases {
				var topics []string
				for ctl := 0; ctl < tc.ctl || len(topics) < len(tc.want); {
					select {
					case topic := <-got[i]:
						if topic == "ctl/broker/uptime" {
							ctl++
						} else {
							topics = append(topics, topic)
						}
					case <-time.After(waitLimit):
						t.Fatalf("%s: got %q and not all of %d control messages and %q", tc.filter, topics, tc.ctl, tc.want)
					}
				}
				if !slices.Equal(topics, tc.want) {
					t.Errorf("%s received %q besides the control messages, want %q", tc.filter, topics, tc.want)
				}
			}
		})
	}
}

// TestServerSendsDisconnectOnlyToMQTT5: MQTT 3.1 and 3.1.1 forbid a
// server to send DISCONNECT. On Close, Stop, session take-over and
// DropClient their connections are closed without a byte, while MQTT 5
// clients get DISCONNECT with a reason code (0x8B "server shutting down",
// 0x8E "session taken over"), except from DropClient, which cuts the
// socket.
func TestServerSendsDisconnectOnlyToMQTT5(t *testing.T) {
	for _, path := range []struct {
		name   string
		reason byte // in the MQTT 5 DISCONNECT; 0: none sent
	}{{"Close", 0x8B}, {"Stop", 0x8B}, {"take-over", 0x8E}, {"DropClient", 0}} {
		t.Run(path.name, func(t *testing.T) {
			b := startBroker(t, broker.Options{})
			conns := map[byte]*rawConn{}
			for _, level := range []byte{3, 4, 5} {
				conns[level], _ = connectRaw(t, b.Addr(), rawConnect{level: level, id: fmt.Sprintf("c%d", level), keepalive: 30})
			}
			switch path.name {
			case "Close":
				if err := b.Close(); err != nil {
					t.Fatal(err)
				}
			case "Stop":
				if err := b.Stop(); err != nil {
					t.Fatal(err)
				}
			case "take-over":
				for _, level := range []byte{3, 4, 5} {
					connectRaw(t, b.Addr(), rawConnect{level: level, id: fmt.Sprintf("c%d", level), keepalive: 30})
				}
			case "DropClient":
				if n := b.DropClient(""); n != 3 {
					t.Fatalf("DropClient dropped %d, want 3", n)
				}
			}
			for _, level := range []byte{3, 4, 5} {
				data := conns[level].readUntilClosed(waitLimit)
				if level < 5 || path.reason == 0 {
					if len(data) != 0 {
						t.Errorf("level %d received % x before the connection closed, want nothing", level, data)
					}
					continue
				}
				first, body, err := readPacket(bytes.NewReader(data))
				if err != nil || first != pkDisconnect || len(body) < 1 || body[0] != path.reason {
					t.Errorf("level 5 received % x, want DISCONNECT with reason %#x", data, path.reason)
				}
			}
		})
	}
}

// TestObserversSeeWills: OnPublish observers see every will the broker
// publishes, marked Will and with the client id of the client whose will
// it was; wills on reserved topics are dropped (neither observed nor
// delivered), and a clean DISCONNECT publishes none.
func TestObserversSeeWills(t *testing.T) {
	b := startBroker(t, broker.Options{})
	msgs := make(chan broker.Message, 10)
	defer b.OnPublish(func(m broker.Message) { msgs <- m })()
	next := func(what string) broker.Message {
		t.Helper()
		select {
		case m := <-msgs:
			return m
		case <-time.After(waitLimit):
			t.Fatalf("%s: nothing observed within %v", what, waitLimit)
			return broker.Message{}
		}
	}
	delivered := make(chan string, 10)
	watcher, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "watcher",
		onMessage: func(m mqtt.Message) { delivered <- m.Topic() }})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect watcher: %v", err)
	}
	await(t, "subscribe", watcher.SubscribeMultiple(map[string]byte{"$SYS/will/#": 1, "done": 1}, nil))

	// Dropped by the broker (a paho client, QoS 1 will).
	if _, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "dropped", willTopic: "wills/dropped", willMsg: "bye"}); err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect: %v", err)
	}
	b.DropClient("dropped")
	want := broker.Message{ClientID: "dropped", Topic: "wills/dropped", Payload: []byte("bye"), QoS: 1, Will: true}
	if m := next("dropped"); !sameMessage(m, want) {
		t.Errorf("observed %+v, want %+v", m, want)
	}

	// The client's own socket closed without DISCONNECT (MQTT 3.1, retained QoS 0 will).
	c, _ := connectRaw(t, b.Addr(), rawConnect{level: 3, id: "vanished", keepalive: 30,
		will: &rawWill{topic: "wills/vanished", payload: "gone", retain: true}})
	c.Close()
	want = broker.Message{ClientID: "vanished", Topic: "wills/vanished", Payload: []byte("gone"), Retain: true, Will: true}
	if m := next("vanished"); !sameMessage(m, want) {
		t.Errorf("observed %+v, want %+v", m, want)
	}

	// MQTT 5 DISCONNECT with reason 0x04 "disconnect with will message".
	c, _ = connectRaw(t, b.Addr(), rawConnect{level: 5, id: "v5", keepalive: 30,
		will: &rawWill{topic: "wills/v5", payload: "asked", qos: 2}})
	c.send(packet(pkDisconnect, []byte{0x04, 0}))
	want = broker.Message{ClientID: "v5", Topic: "wills/v5", Payload: []byte("asked"), QoS: 2, Will: true}
	if m := next("v5"); !sameMessage(m, want) {
		t.Errorf("observed %+v, want %+v", m, want)
	}

	// A will on a reserved topic, and a clean DISCONNECT: no will.
	connectRaw(t, b.Addr(), rawConnect{level: 4, id: "reserved", keepalive: 30, will: &rawWill{topic: "$SYS/will/x", payload: "no", qos: 1}})
	if n := b.DropClient("reserved"); n != 1 {
		t.Fatalf("DropClient(reserved) = %d", n)
	}
	c, _ = connectRaw(t, b.Addr(), rawConnect{level: 4, id: "clean", keepalive: 30, will: &rawWill{topic: "wills/clean", payload: "no"}})
	c.send([]byte{pkDisconnect, 0})
	c.readUntilClosed(waitLimit)

	await(t, "control", watcher.Publish("done", 1, false, "x"))
	if m := next("control"); m.Topic != "done" || m.Will {
		t.Errorf("observed %+v before the control message", m)
	}
	select {
	case topic := <-delivered:
		if topic != "done" {
			t.Errorf("a $SYS/will/# subscriber received %s", topic)
		}
	case <-time.After(waitLimit):
		t.Fatal("the control message was not delivered")
	}
}

func sameMessage(a, b broker.Message) bool {
	return a.ClientID == b.ClientID && a.Topic == b.Topic && string(a.Payload) == string(b.Payload) &&
		a.QoS == b.QoS && a.Retain == b.Retain && a.Will == b.Will && a.Privileged == b.Privileged
}
