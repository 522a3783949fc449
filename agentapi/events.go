package agentapi

// Events connects the modules that carry traffic to those who watch it
// (the test runner waits for a message to reach the agent before it lets
// virtual time move), and counts inbound messages the script never saw so
// that nothing is lost silently. Loop only.
type Events struct {
	inbound []func(topic string)
	sent    []func(topic string)
	lost    []func()

	drops     map[string]int
	dropOrder []string
}

// OnInbound makes fn see the topic of every message that reaches the loop
// from a broker, before the limits and the script's handler.
func (ev *Events) OnInbound(fn func(topic string)) { ev.inbound = append(ev.inbound, fn) }

// OnSent makes fn see the topic of every publish the agent completed
// successfully, before the script's callback.
func (ev *Events) OnSent(fn func(topic string)) { ev.sent = append(ev.sent, fn) }

// OnLost makes fn run whenever an agent connection ends without the
// script asking for it.
func (ev *Events) OnLost(fn func()) { ev.lost = append(ev.lost, fn) }

// Inbound reports a message that reached the loop (see OnInbound).
func (ev *Events) Inbound(topic string) {
	for _, fn := range ev.inbound {
		fn(topic)
	}
}

// Sent reports a completed publish (see OnSent).
func (ev *Events) Sent(topic string) {
	for _, fn := range ev.sent {
		fn(topic)
	}
}

// Lost reports a connection that ended without the script asking.
func (ev *Events) Lost() {
	for _, fn := range ev.lost {
		fn()
	}
}

// Drop counts an inbound message the script never saw, by reason (a
// sentence such as "no onmessage handler was registered").
func (ev *Events) Drop(reason string) {
	if ev.drops == nil {
		ev.drops = map[string]int{}
	}
	if ev.drops[reason] == 0 {
		ev.dropOrder = append(ev.dropOrder, reason)
	}
	ev.drops[reason]++
}

// DropCount is the number of inbound messages dropped for one reason.
type DropCount struct {
	Reason string
	Count  int
}

// Dropped returns the drop counts in the order their reasons first
// occurred.
func (ev *Events) Dropped() []DropCount {
	out := make([]DropCount, 0, len(ev.dropOrder))
	for _, r := range ev.dropOrder {
		out = append(out, DropCount{Reason: r, Count: ev.drops[r]})
	}
	return out
}
