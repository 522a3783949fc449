package mqttconn

import (
	"net"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
	"github.com/mochi-mqtt/server/v2/packets"
)

// agentReactionLimit bounds how long a fake broker's packet holds virtual
// time waiting for the agent to react.
const agentReactionLimit = 5 * time.Second

// agentWatch keeps virtual time still while a fake broker's packet is on
// its way to the agent: a QoS 0 PUBLISH until the agent's loop has it
// (agentapi.Events' Inbound), a DISCONNECT or a closed connection until
// the agent has seen its connection end (Lost), each for at most
// agentReactionLimit. Packets that ask for an answer wait for the answer
// instead (send.go). Loop only.
type agentWatch struct {
	loop    *scriptvm.Loop
	inbound []*reaction
	losses  []*reaction
}

type reaction struct {
	topic string
	op    *scriptvm.Op
	guard *time.Timer
}

func newAgentWatch(env *agentapi.Env) *agentWatch {
	w := &agentWatch{loop: env.Loop}
	env.Events.OnInbound(w.arrived)
	env.Events.OnLost(w.lost)
	return w
}

func (w *agentWatch) wait(topic string) *reaction {
	r := &reaction{topic: topic, op: w.loop.Begin(scriptvm.Busy)}
	op := r.op
	r.guard = time.AfterFunc(agentReactionLimit, func() { op.Complete(nil) })
	return r
}

func (r *reaction) done() {
	r.guard.Stop()
	r.op.End()
}

// expect notes a packet the fake broker is writing to the agent.
func (w *agentWatch) expect(pk *packets.Packet) {
	switch {
	case pk.FixedHeader.Type == packets.Publish && pk.FixedHeader.Qos == 0:
		w.inbound = append(w.inbound, w.wait(pk.TopicName))
	case pk.FixedHeader.Type == packets.Disconnect:
		w.expectLoss()
	}
}

// expectLoss notes that the fake broker is ending a connection.
func (w *agentWatch) expectLoss() { w.losses = append(w.losses, w.wait("")) }

func (w *agentWatch) arrived(topic string) {
	for i, r := range w.inbound {
		if r.topic == topic {
			w.inbound = append(w.inbound[:i], w.inbound[i+1:]...)
			r.done()
			return
		}
	}
}

func (w *agentWatch) lost() {
	for _, r := range w.losses {
		r.done()
	}
	w.losses = nil
}

func (w *agentWatch) close() {
	for _, r := range append(w.inbound, w.losses...) {
		r.done()
	}
	w.inbound, w.losses = nil, nil
}

// Server makes the server side of the connections a test's fake broker
// accepts: each is an MqttConnection whose events are what the agent sent
// and whose methods answer it. Nothing it sends or receives counts against
// the agent's limits or is reported as the agent's traffic.
type Server struct {
	env   *agentapi.Env
	watch *agentWatch
	conns map[*Conn]bool
	// onPublish sees the topic of each PUBLISH the agent sends, first.
	onPublish func(topic string)
}

// NewServer returns a Server for env's runtime; onPublish, if not nil, is
// called with the topic of every PUBLISH a connection reads, before the
// connection's 'publish' event. Loop only.
func NewServer(env *agentapi.Env, onPublish func(topic string)) *Server {
	return &Server{env: env, watch: newAgentWatch(env), conns: map[*Conn]bool{}, onPublish: onPublish}
}

// Accept wraps nc, a connection the fake broker accepted, and returns its
// MqttConnection object, already reading. Loop only.
func (s *Server) Accept(nc net.Conn) *goja.Object {
	c := newConn(s.env, ServerSide, "the fake broker's connection from "+nc.RemoteAddr().String())
	c.agentEvents = s.watch
	c.onPublish = s.onPublish
	s.conns[c] = true
	c.onClose = func() { delete(s.conns, c) }
	c.open(nc)
	return c.obj
}

// Close closes every connection and waits for their goroutines. Call it
// from the loop, or after the loop has stopped.
func (s *Server) Close() {
	for c := range s.conns {
		c.endWaits()
		c.wire.Close()
		c.wire.Wait()
		if c.hold != nil {
			c.hold.End()
		}
	}
	s.conns = map[*Conn]bool{}
	s.watch.close()
}
