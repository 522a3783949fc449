package broker

import (
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Message is a PUBLISH the broker received from a client.
type Message struct {
	ClientID string
	Topic    string
	Payload  []byte // a copy: the observer may keep it
	QoS      byte
	Retain   bool
}

// observeHook passes every received PUBLISH to the registered observers.
// mochi calls it on the publishing client's goroutine.
type observeHook struct {
	mqtt.HookBase
	mu        sync.Mutex
	next      int
	observers map[int]func(Message)
}

func (h *observeHook) ID() string { return "agenthost-observe" }

func (h *observeHook) Provides(b byte) bool { return b == mqtt.OnPublished }

func (h *observeHook) OnPublished(cl *mqtt.Client, pk packets.Packet) {
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
		QoS: pk.FixedHeader.Qos, Retain: pk.FixedHeader.Retain}
	for _, fn := range fns {
		fn(m)
	}
}

// OnPublish registers fn to see every message a client publishes, once
// the broker has accepted it. fn runs on the publisher's connection
// goroutine: it must not block (hand the message over and return). The
// returned function unregisters fn. Any goroutine.
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
