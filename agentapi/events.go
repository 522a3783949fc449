package agentapi

// Events connects the modules that carry traffic to those who watch it
// (the test runner waits for a message to reach the agent before it lets
// virtual time move), and counts inbound messages the script never saw so
// that nothing is lost silently, failed connects and lost connections (for
// run --fail-on). Loop only.
type Events struct {
	inbound    []func(topic string)
	sent       []func(topic string)
	lost       []func()
	subscribed []func(filters []string)
	opened     []func()
	closed     []func()
	live       int // connections open and not being closed by the script

	connectFailures int // connects whose onconnect got a non-zero code
	lostCount       int // connections that ended without the script asking

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

// OnSubscribed makes fn see the filters of every subscription the broker
// granted, before the script's callback (the messages retained on them
// are on their way).
func (ev *Events) OnSubscribed(fn func(filters []string)) {
	ev.subscribed = append(ev.subscribed, fn)
}

// Subscribed reports granted filters (see OnSubscribed).
func (ev *Events) Subscribed(filters []string) {
	for _, fn := range ev.subscribed {
		fn(filters)
	}
}

// Opened counts a connection that is now open (its CONNACK accepted it)
// and runs the OnOpened functions; Closed counts one that is no longer
// (lost, or closed by the script: it does not wait for its close to
// finish). Live is how many are open, so an observer knows whether a
// connection will still report its loss.
func (ev *Events) Opened() {
	ev.live++
	for _, fn := range ev.opened {
		fn()
	}
}

// OnOpened makes fn run whenever a connection becomes open, before the
// script's onconnect callback.
func (ev *Events) OnOpened(fn func()) { ev.opened = append(ev.opened, fn) }

// Closed: see Opened. It runs the OnClosed functions.
func (ev *Events) Closed() {
	ev.live--
	for _, fn := range ev.closed {
		fn()
	}
}

// OnClosed makes fn run whenever a connection stops being open, lost or
// closed by the script.
func (ev *Events) OnClosed(fn func()) { ev.closed = append(ev.closed, fn) }

// Live: see Opened.
func (ev *Events) Live() int { return ev.live }

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
	ev.lostCount++
	for _, fn := range ev.lost {
		fn()
	}
}

// ConnectFailed counts a connect whose onconnect callback gets a non-zero
// code (a refused, failed or rate-limited connect).
func (ev *Events) ConnectFailed() { ev.connectFailures++ }

// ConnectFailures is the number of ConnectFailed calls so far.
func (ev *Events) ConnectFailures() int { return ev.connectFailures }

// LostConnections is the number of Lost calls so far.
func (ev *Events) LostConnections() int { return ev.lostCount }

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
