package device

import (
	"errors"
	"fmt"

	"github.com/agenthost/agenthost/scriptvm"
)

// MaxMessage is the largest message (name plus serialised data) either
// side may send: the imp's 256 KiB.
const MaxMessage = 256 << 10

// ErrNotConnected is Send's error while the device is disconnected.
var ErrNotConnected = errors.New("the device is not connected")

// Link is the connection between an agent and its device: two Sides that
// pass named messages, serialised (impvalue.Marshal) so that nothing but
// data crosses, in order and asynchronously (a message sent now arrives
// after the sender's current task, never inside it). Whoever plays the
// device (a device script, the test runner) attaches to Device; the agent
// module attaches to Agent. Loop only.
type Link struct {
	loop      *scriptvm.Loop
	connected bool
	Agent     *Side // the agent's end: what the device sends arrives here
	Device    *Side // the device's end
}

// Side is one end of a Link. Its handlers, set by the side's owner, run
// on the loop; nil handlers drop what they would receive.
type Side struct {
	link *Link
	peer *Side
	// OnMessage receives a message the other side sent.
	OnMessage func(name string, data []byte)
	// OnConnect and OnDisconnect see the link come up and go down.
	OnConnect, OnDisconnect func()
	// OnDrop sees a message that arrived after the link went down.
	OnDrop func(name string)
}

// NewLink returns a disconnected link driven by loop.
func NewLink(loop *scriptvm.Loop) *Link {
	l := &Link{loop: loop, Agent: &Side{}, Device: &Side{}}
	l.Agent.link, l.Device.link = l, l
	l.Agent.peer, l.Device.peer = l.Device, l.Agent
	return l
}

// Connected reports whether the link is up.
func (l *Link) Connected() bool { return l.connected }

// SetConnected brings the link up or down; each side's OnConnect or
// OnDisconnect runs after the current task (nothing happens when the state
// does not change).
func (l *Link) SetConnected(up bool) {
	if l.connected == up {
		return
	}
	l.connected = up
	for _, s := range []*Side{l.Agent, l.Device} {
		fn := s.OnDisconnect
		if up {
			fn = s.OnConnect
		}
		if fn != nil {
			l.loop.SetTimer(0, fn)
		}
	}
}

// Send queues a message to the other side: it arrives after the current
// task, after the messages sent before it. A message sent while the link
// is down is refused (ErrNotConnected); one larger than MaxMessage is
// refused with an error saying so; one still in flight when the link goes
// down is dropped (OnDrop of the receiver).
func (s *Side) Send(name string, data []byte) error {
	if size := len(name) + len(data); size > MaxMessage {
		return fmt.Errorf("the message is %d bytes serialised (name included), more than the limit of %d", size, MaxMessage)
	}
	if !s.link.connected {
		return ErrNotConnected
	}
	peer := s.peer
	s.link.loop.SetTimer(0, func() {
		switch {
		case !s.link.connected:
			if peer.OnDrop != nil {
				peer.OnDrop(name)
			}
		case peer.OnMessage != nil:
			peer.OnMessage(name, data)
		}
	})
	return nil
}
