package broker

import (
	"sync"

	"github.com/agenthost/agenthost/mqtttopic"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Message is a PUBLISH the broker received from a client, or a will it
// published for one.
type Message struct {
	ClientID string // the publisher, or the client whose will it is
	Topic    string
	Payload  []byte // a copy: the observer may keep it
	QoS      byte
	Retain   bool
	// Will marks a will message, published by the broker when the
	// client's connection ended without DISCONNECT (or with MQTT 5's
	// "disconnect with will message").
	Will bool
	// Privileged marks a message of the client logged in with
	// Broker.PrivilegedLogin.
	Privileged bool
	// Dropped marks a PUBLISH the broker read and dropped, unrouted and
	// unretained: one to a reserved topic ($SYS..., $share...). It has
	// reached the broker all the same.
	Dropped bool
}

// observeHook passes every received PUBLISH, and every will published,
// to the registered observers. mochi calls it on the goroutine of the
// publishing (or departing) client, or for delayed MQTT 5 wills on its
// housekeeping goroutine.
type observeHook struct {
	mqtt.HookBase
	priv      login // to mark privileged clients' messages
	mu        sync.Mutex
	next      int
	observers map[int]func(Message)
}

func (h *observeHook) ID() string { return "agenthost-observe" }

func (h *observeHook) Provides(b byte) bool { return b == mqtt.OnPublished || b == mqtt.OnWillSent }

func (h *observeHook) OnPublished(cl *mqtt.Client, pk packets.Packet) {
	h.report(cl, pk, false, false)
}

// dropped reports a PUBLISH that protocolHook drops (Message.Dropped).
func (h *observeHook) dropped(cl *mqtt.Client, pk packets.Packet) {
	h.report(cl, pk, false, true)
}

// OnWillSent reports a will; one on a reserved topic was dropped by
// protocolHook.OnWill (its topic emptied) and is not reported.
func (h *observeHook) OnWillSent(cl *mqtt.Client, pk packets.Packet) {
	if pk.TopicName != "" {
		h.report(cl, pk, true, false)
	}
}

func (h *observeHook) report(cl *mqtt.Client, pk packets.Packet, will, dropped bool) {
	h.mu.Lock()
	fns := make([]func(Message), 0, len(h.observers))
	for _, fn := range h.observers {
		fns = append(fns, fn)
	}
	h.mu.Unlock()
	if len(fns) == 0 {
		return
	}
	m := Message{ClientID: cl.ID, Topic: pk.TopicName, Payload: append([]byte(nil), pk.Payload...),
		QoS: pk.FixedHeader.Qos, Retain: pk.FixedHeader.Retain, Will: will, Privileged: h.priv.holds(cl), Dropped: dropped}
	for _, fn := range fns {
		fn(m)
	}
}

// OnPublish registers fn to see every message a client publishes, once
// the broker has accepted it, and every will the broker publishes (Will
// set, ClientID naming the client whose will it is). A PUBLISH to a
// reserved topic, which the broker drops, is reported with Dropped set;
// a will on one is not reported. fn runs
// on a connection goroutine (or mochi's housekeeping goroutine, for a
// delayed MQTT 5 will): it must not block (hand the message over and
// return). The returned function unregisters fn. Any goroutine.
func (b *Broker) OnPublish(fn func(Message)) (unregister func()) {
	h := b.observe
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.next
	h.next++
	h.observers[id] = fn
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.observers, id)
	}
}

// RetainedTopics returns the topic of each retained message that a new
// subscription to filters would be sent now (a topic once even when
// several filters match it). Test drivers use it to know which messages
// are on their way to a client that just subscribed. Any goroutine.
func (b *Broker) RetainedTopics(filters []string) []string {
	seen := map[string]bool{}
	var topics []string
	for _, f := range filters {
		for _, pk := range b.srv.Topics.Messages(stripShare(f)) {
			t := pk.TopicName
			if seen[t] || !mqtttopic.Match(stripShare(f), t) || reservedTopic(t) || b.policy.denied(t) {
				continue
			}
			seen[t] = true
			topics = append(topics, t)
		}
	}
	return topics
}
