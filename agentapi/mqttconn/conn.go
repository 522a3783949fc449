package mqttconn

import (
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/mqttwire"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Side says which end of an MQTT connection a Conn is.
type Side int

const (
	// ClientSide is the agent's end: mqtt.createConnection. Its traffic
	// counts against the agent's MQTT limits and is reported to
	// agentapi.Events.
	ClientSide Side = iota
	// ServerSide is a fake broker's end in a test: what it sends and
	// receives is the test's, not the agent's.
	ServerSide
)

type connState int

const (
	stateDialing connState = iota
	stateOpen
	stateClosed
)

// Conn is one MqttConnection: a JS object whose methods write one packet
// each and whose events are the packets read, over an mqttwire.Conn. All
// methods and fields are loop only.
type Conn struct {
	env   *agentapi.Env
	side  Side
	obj   *goja.Object
	state connState
	wire  *mqttwire.Conn
	// hold keeps the loop alive while the connection is open; the reader
	// hands packets to the loop through it.
	hold     *scriptvm.Op
	events   emitter
	encoding string // of publish payloads; "" gives blobs
	where    string // where the script created it, for unhandled errors
	// ended is set when the script closed the connection (end, destroy).
	ended bool
	// live is set while an agent-side connection counts as open in
	// agentapi.Events (from open until the script closes it or it ends).
	live bool
	// out holds writes waiting, in order, for the outbound limiter.
	out []*outItem
	// waits are requests whose answer keeps virtual time still.
	waits   []*answerWait
	onClose func() // the owner's bookkeeping, run once when closed
	// agentEvents is set for a ServerSide conn whose writes wait for the
	// agent's reaction (see watch.go).
	agentEvents *agentWatch
	// onPublish, on a ServerSide conn, sees the topic of each PUBLISH read.
	onPublish func(topic string)
}

type outItem struct {
	pk    packets.Packet
	ready bool
}

// newConn makes the Conn and its object; where names the script location
// that created it.
func newConn(env *agentapi.Env, side Side, where string) *Conn {
	c := &Conn{env: env, side: side, where: where}
	c.obj = env.Runtime.NewObject()
	c.eventMethods(c.obj)
	c.packetMethods(c.obj)
	return c
}

// Object is the connection's JS object.
func (c *Conn) Object() *goja.Object { return c.obj }

// agent reports whether the connection is the agent's own (counted and
// reported).
func (c *Conn) agent() bool { return c.side == ClientSide }

// open starts reading and writing nc. Loop only.
func (c *Conn) open(nc net.Conn) {
	c.wire = mqttwire.NewConn(nc, mqttwire.Options{Limit: c.inboundLimit()})
	c.state = stateOpen
	if c.agent() {
		c.live = true
		c.env.Events.Opened()
	}
	if c.hold == nil {
		c.hold = c.env.Loop.Begin(scriptvm.Hold)
	}
	hold := c.hold
	c.wire.Start(mqttwire.Handler{
		Packet: func(pk packets.Packet) { hold.Post(func() { c.received(pk) }) },
		Closed: func(err error) { hold.Complete(func() { c.closed(err) }) },
	})
}

// inboundLimit bounds what the agent's side reads: a PUBLISH over
// message_size is refused after its topic is read, not buffered whole.
func (c *Conn) inboundLimit() int {
	if !c.agent() {
		return 0
	}
	if n := c.env.Limits.MessageSize(); n > 0 {
		return int(n) + 2 + 65535 + 2 // payload, topic length, topic, packet id
	}
	return 0
}

// received handles one packet read. Loop only.
func (c *Conn) received(pk packets.Packet) {
	env := c.env
	typ := pk.FixedHeader.Type
	if c.state != stateOpen {
		if c.agent() && typ == packets.Publish {
			env.Events.Inbound(pk.TopicName)
			env.Events.Drop("it arrived after its MqttConnection had been closed")
		}
		return
	}
	if typ == packets.Publish && c.agent() {
		env.Events.Inbound(pk.TopicName)
		if c.state != stateOpen { // an observer of Inbound closed it
			env.Events.Drop("it arrived after its MqttConnection had been closed")
			return
		}
		if reason := env.Limits.Inbound(len(pk.Payload), pk.TopicName); reason != 0 {
			c.limitDrop(reason)
			return
		}
	}
	if typ == packets.Connect && c.side == ServerSide {
		c.wire.SetVersion(pk.ProtocolVersion)
	}
	if typ == packets.Publish && c.onPublish != nil {
		c.onPublish(pk.TopicName)
	}
	c.answered(pk)
	name := mqttwire.TypeName(typ)
	if !c.events.emit(env.Loop, c.obj, name, c.packetValue(pk)) && typ == packets.Publish && c.agent() {
		env.Events.Drop("no 'publish' listener was registered on the MqttConnection")
	}
}

// limitDrop drops the agent's connection for an inbound limit (reason is
// agentapi.LostOversize or LostInboundRate): the socket is closed at once,
// and 'error' (code reason) then 'close' are emitted.
func (c *Conn) limitDrop(reason int) {
	if reason == agentapi.LostOversize {
		c.env.Events.Drop("larger than limits.message_size (MqttConnection closed)")
	} else {
		c.env.Events.Drop("over the inbound rate limit (MqttConnection closed)")
	}
	msg := "MqttConnection: an inbound message exceeded limits.message_size; the connection was closed"
	if reason == agentapi.LostInboundRate {
		msg = "MqttConnection: inbound messages exceeded limits.mqtt_inbound; the connection was closed"
	}
	c.wire.Close()
	c.fail(newError(c.env.Runtime, msg, reason))
	c.finish()
}

// closed handles the end of the connection (from the reader). Loop only.
func (c *Conn) closed(err error) {
	if c.state == stateClosed {
		return
	}
	var tl *mqttwire.TooLargeError
	switch {
	case err == nil || errors.Is(err, io.EOF):
	case errors.As(err, &tl) && c.agent() && tl.Type == packets.Publish:
		c.env.Events.Inbound(tl.Topic)
		c.env.Limits.Inbound(tl.PayloadSize(), tl.Topic) // records and logs the refusal
		c.fail(newError(c.env.Runtime, "MqttConnection: an inbound message exceeded limits.message_size; the connection was closed", agentapi.LostOversize))
		c.env.Events.Drop("larger than limits.message_size (MqttConnection closed)")
	default:
		c.fail(newError(c.env.Runtime, "MqttConnection: "+err.Error(), nil))
	}
	c.finish()
}

// finish ends the connection's state and emits 'close'. Loop only.
func (c *Conn) finish() {
	if c.state == stateClosed {
		return
	}
	wasOpen := c.state == stateOpen
	c.state = stateClosed
	c.notLive()
	if c.hold != nil {
		c.hold.End()
	}
	c.endWaits()
	for _, it := range c.out {
		if !it.ready && it.pk.FixedHeader.Type != 0 {
			c.env.Log.StatusWarn(fmt.Sprintf("MqttConnection: a %s waiting for the outbound rate limit was not sent: the connection closed",
				mqttwire.TypeName(it.pk.FixedHeader.Type)))
		}
	}
	c.out = nil
	if c.onClose != nil {
		c.onClose()
		c.onClose = nil
	}
	c.events.emit(c.env.Loop, c.obj, "close")
	// Observers hear of the loss last: they may run script code at once
	// (the test runner settles its promises).
	if c.agent() && wasOpen && !c.ended {
		c.env.Events.Lost()
	}
}

// fail emits 'error' with errObj from network events: with no listener it
// is reported as an uncaught error of the script (the agent goes on).
func (c *Conn) fail(errObj *goja.Object) {
	if c.events.emit(c.env.Loop, c.obj, "error", errObj) {
		return
	}
	se := &scriptvm.ScriptError{Kind: "Error",
		Message: fmt.Sprintf("Uncaught %s (an 'error' event with no listener, on the MqttConnection created at %s)",
			c.env.Loop.Text(errObj), c.where)}
	c.env.Loop.Report(se)
}

// invalid emits 'error' for a method called with invalid arguments, as
// the seed's MqttConnection does; with no listener the error is thrown to
// the caller. It returns false, the method's result.
func (c *Conn) invalid(method, format string, args ...any) goja.Value {
	errObj := newError(c.env.Runtime, fmt.Sprintf("MqttConnection.%s: ", method)+fmt.Sprintf(format, args...), nil)
	if !c.events.emit(c.env.Loop, c.obj, "error", errObj) {
		panic(errObj)
	}
	return c.env.Runtime.ToValue(false)
}

// notLive reports an agent-side connection no longer open to
// agentapi.Events, once. Loop only.
func (c *Conn) notLive() {
	if c.live {
		c.live = false
		c.env.Events.Closed()
	}
}

// shut closes the connection at the script's request: gracefully after
// the queued writes (end) or at once (destroy). Loop only.
func (c *Conn) shut(graceful bool) {
	c.ended = true
	c.notLive()
	switch c.state {
	case stateOpen:
		if c.agentEvents != nil {
			c.agentEvents.expectLoss()
		}
		if graceful {
			c.wire.End()
		} else {
			c.wire.Close()
		}
	case stateDialing:
		c.finish()
	}
}
