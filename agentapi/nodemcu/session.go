package nodemcu

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/mqttwire"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
	"github.com/mochi-mqtt/server/v2/packets"
)

// errKeepalive ends a connection whose broker did not answer a PINGREQ.
var errKeepalive = errors.New("the broker did not answer the keepalive PINGREQ before the next one was due")

// session is one accepted connection of a client. Loop only, except the
// fields marked otherwise.
type session struct {
	c    *client
	gen  int
	wire *mqttwire.Conn
	// pingOut is set while a PINGREQ waits for its PINGRESP (keepalive
	// and reader goroutines).
	pingOut atomic.Bool
	done    chan struct{} // closed when the session ends, stops keepalive
	ended   bool
	cut     bool // the host is dropping the connection (a limit): ignore what follows

	nextID   uint16
	inflight map[uint16]*request // our publishes, subscribes and unsubscribes
	inbound2 map[uint16]bool     // QoS 2 messages received, waiting for PUBREL
	// handing holds QoS 0 publishes queued but not yet handed to the
	// socket; a connection that ends first never hands them, so end()
	// releases them. Loop only.
	handing map[*scriptvm.Op]bool
}

// request is a packet of ours waiting for the broker's acknowledgement;
// virtual time stands still meanwhile.
type request struct {
	kind  byte   // PUBLISH, SUBSCRIBE, UNSUBSCRIBE
	qos   byte   // of a PUBLISH
	topic string // of a PUBLISH
	op    *scriptvm.Op
	guard *time.Timer // NodeMCU's timeout on the acknowledgement
}

// startSession starts reading and writing an accepted connection. Loop
// only.
func (c *client) startSession(w *mqttwire.Conn) *session {
	s := &session{c: c, gen: c.gen, wire: w, done: make(chan struct{}),
		inflight: map[uint16]*request{}, inbound2: map[uint16]bool{}, handing: map[*scriptvm.Op]bool{}}
	hold := c.hold
	w.Start(mqttwire.Handler{
		Packet: func(pk packets.Packet) {
			if pk.FixedHeader.Type == packets.Pingresp {
				s.pingOut.Store(false)
				return
			}
			hold.Post(func() { s.received(pk) })
		},
		Closed: func(err error) { hold.Post(func() { s.lost(err) }) },
	})
	if c.keepalive > 0 {
		c.m.wg.Add(1)
		go s.keepalive(time.Duration(c.keepalive) * time.Second)
	}
	return s
}

// keepalive sends a PINGREQ whenever nothing was sent for the keepalive
// period, and ends the connection when the next one is due before the
// last was answered. It looks once a second, as NodeMCU does, or four
// times a period for periods under 4 s. Its own goroutine, on wall time
// (the broker's clock).
func (s *session) keepalive(period time.Duration) {
	defer s.c.m.wg.Done()
	t := time.NewTicker(min(period/4, time.Second))
	defer t.Stop()
	ping := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pingreq}}
	for {
		select {
		case <-s.done:
			return
		case <-s.c.m.ctx.Done():
			return
		case <-t.C:
		}
		if time.Since(s.wire.LastSent()) < period {
			continue
		}
		if s.pingOut.Load() {
			s.wire.Fail(errKeepalive)
			return
		}
		s.pingOut.Store(true)
		p := ping
		_ = s.wire.Send(&p, nil)
	}
}

// send writes pk; the connection's end reports a failure. Loop only.
func (s *session) send(pk packets.Packet) {
	_ = s.wire.Send(&pk, nil)
}

// received handles one packet from the broker. Loop only.
func (s *session) received(pk packets.Packet) {
	c := s.c
	if s.ended || s.cut {
		if pk.FixedHeader.Type == packets.Publish {
			c.m.env.Events.Inbound(pk.TopicName)
			c.m.env.Events.Drop("it arrived after its NodeMCU client's connection had ended")
		}
		return
	}
	switch pk.FixedHeader.Type {
	case packets.Publish:
		s.message(pk)
	case packets.Puback:
		s.acknowledged(pk.PacketID, packets.Publish, 1)
	case packets.Pubrec:
		if r := s.inflight[pk.PacketID]; r != nil && r.kind == packets.Publish && r.qos == 2 {
			s.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pubrel}, PacketID: pk.PacketID})
		}
	case packets.Pubcomp:
		s.acknowledged(pk.PacketID, packets.Publish, 2)
	case packets.Suback:
		s.acknowledged(pk.PacketID, packets.Subscribe, 0)
	case packets.Unsuback:
		s.acknowledged(pk.PacketID, packets.Unsubscribe, 0)
	case packets.Pubrel:
		delete(s.inbound2, pk.PacketID)
		s.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pubcomp}, PacketID: pk.PacketID})
	case packets.Pingreq:
		s.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pingresp}})
	}
}

// message delivers a PUBLISH to on("message") and acknowledges it. As in
// NodeMCU, a QoS 2 message is delivered when it arrives, not at PUBREL.
func (s *session) message(pk packets.Packet) {
	c := s.c
	env := c.m.env
	env.Events.Inbound(pk.TopicName)
	if s.ended { // an observer of Inbound closed the client
		env.Events.Drop("it arrived after its NodeMCU client's connection had ended")
		return
	}
	if reason := env.Limits.Inbound(len(pk.Payload), pk.TopicName); reason != 0 {
		if reason == agentapi.LostOversize {
			env.Events.Drop("larger than limits.message_size (NodeMCU client offline)")
		} else {
			env.Events.Drop("over the inbound rate limit (NodeMCU client offline)")
		}
		s.cut = true
		s.wire.Fail(fmt.Errorf("an inbound message exceeded the limits"))
		return
	}
	switch pk.FixedHeader.Qos {
	case 1:
		s.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback}, PacketID: pk.PacketID})
	case 2:
		s.inbound2[pk.PacketID] = true
		s.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pubrec}, PacketID: pk.PacketID})
	}
	if c.onMessage == nil {
		env.Events.Drop("no NodeMCU \"message\" handler was registered")
		return
	}
	var payload goja.Value = goja.Null()
	if len(pk.Payload) > 0 {
		payload = env.Runtime.ToValue(strings.ToValidUTF8(string(pk.Payload), "\uFFFD"))
	}
	c.call(c.onMessage, env.Runtime.ToValue(pk.TopicName), payload)
}

// request registers a packet that waits for its acknowledgement and
// returns its id, or 0 when all 65,535 are in use. Loop only.
func (s *session) request(kind, qos byte, topic string) uint16 {
	for i := 0; i < 65535; i++ {
		s.nextID++
		if s.nextID == 0 {
			s.nextID = 1
		}
		if s.inflight[s.nextID] == nil {
			id := s.nextID
			r := &request{kind: kind, qos: qos, topic: topic, op: s.c.m.env.Loop.Begin(scriptvm.Busy)}
			hold := s.c.hold
			r.guard = time.AfterFunc(s.c.m.opts.Timeout, func() {
				hold.Post(func() { s.unacknowledged(id, r) })
			})
			s.inflight[id] = r
			return id
		}
	}
	return 0
}

// acknowledged completes the request id of kind (and, for a publish, of
// qos) and calls its callback slot; an acknowledgement of nothing pending
// is ignored, as NodeMCU does. Loop only.
func (s *session) acknowledged(id uint16, kind, qos byte) {
	r := s.inflight[id]
	if r == nil || r.kind != kind || kind == packets.Publish && r.qos != qos {
		return
	}
	delete(s.inflight, id)
	r.guard.Stop()
	r.op.End()
	c := s.c
	switch kind {
	case packets.Publish:
		c.m.env.Events.Sent(r.topic)
		c.call(c.onPuback)
	case packets.Subscribe:
		c.call(c.onSuback)
	case packets.Unsubscribe:
		c.call(c.onUnsuback)
	}
}

// unacknowledged drops a request the broker did not acknowledge in time:
// as on NodeMCU its callback is never called. Loop only.
func (s *session) unacknowledged(id uint16, r *request) {
	if s.inflight[id] != r {
		return
	}
	delete(s.inflight, id)
	r.op.End()
	want := map[byte]string{packets.Subscribe: "SUBACK", packets.Unsubscribe: "UNSUBACK"}[r.kind]
	if r.kind == packets.Publish {
		want = map[byte]string{1: "PUBACK", 2: "PUBCOMP"}[r.qos]
	}
	s.c.m.env.Log.StatusWarn(fmt.Sprintf("%s: no %s for message %d within %s: dropped; its callback will not be called",
		s.c.name(), want, id, s.c.m.opts.Timeout))
}

// end ends the session's requests (no callbacks) and its keepalive, and
// reports the connection closed (Events.Closed). Loop only.
func (s *session) end() {
	if s.ended {
		return
	}
	s.ended = true
	close(s.done)
	s.c.m.env.Events.Closed()
	for id, r := range s.inflight {
		r.guard.Stop()
		r.op.End()
		delete(s.inflight, id)
	}
	for op := range s.handing {
		op.End()
		delete(s.handing, op)
	}
}

// disconnect sends DISCONNECT and closes the connection once it is
// written (close()); until then the loop is busy, so that a run does not
// end with the DISCONNECT unsent (the broker would publish the will).
// Loop only.
func (s *session) disconnect() {
	s.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Disconnect}})
	s.wire.End()
	s.end()
	m := s.c.m
	op := m.env.Loop.Begin(scriptvm.Busy)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		s.wire.Wait()
		op.Complete(nil)
	}()
}

// lost handles the end of the connection. Unless close() ended it, the
// client goes offline: with autoreconnect it connects again, silently;
// otherwise on("offline") is called. Loop only.
func (s *session) lost(err error) {
	c := s.c
	if s.ended || s.gen != c.gen || c.state != stateConnected {
		s.end()
		return
	}
	s.end()
	env := c.m.env
	if err != nil && !errors.Is(err, io.EOF) {
		env.Log.StatusWarn(fmt.Sprintf("%s: connection to %s lost: %v", c.name(), c.addr(), err))
	}
	// Observers hear of the loss last: they may run script code at once
	// (the test runner settles its promises), which must find the client's
	// state changed and its callback run.
	if c.auto {
		c.retryLater()
	} else {
		c.idle()
		c.call(c.onOffline)
	}
	env.Events.Lost()
}
