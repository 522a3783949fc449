package mqttconn

import (
	"strings"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/mqttwire"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/mochi-mqtt/server/v2/packets"
)

// How writes hold the virtual clock. A packet that asks for an answer
// (CONNECT, SUBSCRIBE, a QoS 1 publish...) is a round trip: virtual time
// stands still from the write until the answer arrives on the connection,
// the connection ends, or answerLimit of wall time has passed (a peer that
// never answers must not freeze the clock). Other packets hold it until
// they are written. A fake broker's packets wait for the agent instead (see
// watch.go).

// answerLimit bounds how long an unanswered request holds virtual time.
const answerLimit = 10 * time.Second

// answerWait is one request waiting for its answer.
type answerWait struct {
	typ   byte   // the answer's packet type
	id    uint16 // its packet id; 0 for CONNACK and PINGRESP
	op    *scriptvm.Op
	guard *time.Timer
}

// answerTo is the packet type that answers pk, and whether it carries pk's
// id; 0 when nothing answers it.
func answerTo(pk *packets.Packet) (byte, bool) {
	switch pk.FixedHeader.Type {
	case packets.Connect:
		return packets.Connack, false
	case packets.Pingreq:
		return packets.Pingresp, false
	case packets.Subscribe:
		return packets.Suback, true
	case packets.Unsubscribe:
		return packets.Unsuback, true
	case packets.Pubrec:
		return packets.Pubrel, true
	case packets.Pubrel:
		return packets.Pubcomp, true
	case packets.Publish:
		switch pk.FixedHeader.Qos {
		case 1:
			return packets.Puback, true
		case 2:
			return packets.Pubrec, true
		}
	}
	return 0, false
}

// answered ends the wait that pk answers, if any. Loop only.
func (c *Conn) answered(pk packets.Packet) {
	for i, w := range c.waits {
		if w.typ == pk.FixedHeader.Type && (w.id == 0 || w.id == pk.PacketID) {
			c.waits = append(c.waits[:i], c.waits[i+1:]...)
			w.guard.Stop()
			w.op.End()
			return
		}
	}
}

func (c *Conn) endWaits() {
	for _, w := range c.waits {
		w.guard.Stop()
		w.op.End()
	}
	c.waits = nil
}

// limited reports whether the agent's outbound limiter counts pk (the
// requests the imp's limit counts: connect, publish, subscribe and
// unsubscribe), and what to call it in reports.
func limited(pk *packets.Packet) (kind, subject string, ok bool) {
	switch pk.FixedHeader.Type {
	case packets.Connect:
		return "connect", pk.Connect.ClientIdentifier, true
	case packets.Publish:
		return "publish", pk.TopicName, true
	case packets.Subscribe, packets.Unsubscribe:
		topics := make([]string, len(pk.Filters))
		for i, f := range pk.Filters {
			topics[i] = f.Filter
		}
		return mqttwire.TypeName(pk.FixedHeader.Type), strings.Join(topics, ","), true
	}
	return "", "", false
}

// send writes pk for method, in order with the connection's other writes;
// the agent's requests first pass the outbound limiter. It returns false
// (after emitting 'error') when pk is not sent.
func (c *Conn) send(method string, pk packets.Packet) bool {
	if c.state != stateOpen || c.ended {
		what := "is closed"
		switch {
		case c.state == stateOpen: // ended by the script, 'close' not yet emitted
			what = "was ended (end() or destroy())"
		case c.state == stateDialing:
			what = "is not connected yet (wait for 'connected')"
		}
		c.invalid(method, "the connection %s; the packet was not sent", what)
		return false
	}
	if _, err := mqttwire.Encode(&pk); err != nil {
		c.invalid(method, "%v", err)
		return false
	}
	kind, subject, isLimited := limited(&pk)
	if c.agent() && isLimited {
		it := &outItem{pk: pk}
		c.out = append(c.out, it)
		code := c.env.Limits.Outbound(kind, subject, func() {
			it.ready = true
			c.flush()
		})
		if code != 0 {
			for i, x := range c.out {
				if x == it {
					c.out = append(c.out[:i], c.out[i+1:]...)
					break
				}
			}
			errObj := newError(c.env.Runtime, "MqttConnection."+method+": the outbound rate limit's buffer is full (limits.mqtt_outbound); the packet was not sent", code)
			if !c.events.emit(c.env.Loop, c.obj, "error", errObj) {
				panic(errObj)
			}
			return false
		}
		return true
	}
	if len(c.out) > 0 {
		c.out = append(c.out, &outItem{pk: pk, ready: true})
		return true
	}
	c.write(pk)
	return true
}

// flush writes the queued packets that are ready, up to the first that
// still waits for the limiter. Loop only.
func (c *Conn) flush() {
	for len(c.out) > 0 && c.out[0].ready {
		pk := c.out[0].pk
		c.out = c.out[1:]
		if c.state != stateOpen || c.ended {
			if _, _, isLimited := limited(&pk); isLimited {
				c.env.Log.StatusWarn("MqttConnection: a " + mqttwire.TypeName(pk.FixedHeader.Type) +
					" released by the outbound rate limit was not sent: the connection had closed or been ended")
			}
			continue
		}
		c.write(pk)
	}
}

// write hands pk to the writer, keeping virtual time still as described
// above. Loop only, on an open connection.
func (c *Conn) write(pk packets.Packet) {
	env := c.env
	op := env.Loop.Begin(scriptvm.Busy)
	typ, withID := answerTo(&pk)
	isPublish := pk.FixedHeader.Type == packets.Publish
	topic := pk.TopicName
	if typ != 0 {
		w := &answerWait{typ: typ, op: env.Loop.Begin(scriptvm.Busy)}
		if withID {
			w.id = pk.PacketID
		}
		wop := w.op
		w.guard = time.AfterFunc(answerLimit, func() { wop.Complete(nil) })
		c.waits = append(c.waits, w)
	} else if c.agentEvents != nil {
		c.agentEvents.expect(&pk)
	}
	err := c.wire.Send(&pk, func(err error) {
		op.Complete(func() {
			if err == nil && isPublish && c.agent() {
				env.Events.Sent(topic)
			}
		})
	})
	if err != nil {
		op.End() // the connection is ending: its 'close' is on the way
	}
}

// packetID reads a messageId option: an integer from 1 to 65535.
func (c *Conn) packetID(method string, o *opts, required bool) (uint16, bool) {
	v := o.get("messageId")
	if agentapi.IsAbsent(v) && !required {
		return 0, true
	}
	n, ok := agentapi.IntArg(v)
	if !ok || n < 1 || n > 65535 {
		c.invalid(method, "options.messageId must be an integer from 1 to 65535, got %s", agentapi.Describe(v))
		return 0, false
	}
	return uint16(n), true
}
