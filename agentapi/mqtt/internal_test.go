package mqtt

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// TestUndeliveredMessagesAreCounted: messages that reach the host but not
// the script are counted by reason and reported when the run ends.
func TestUndeliveredMessagesAreCounted(t *testing.T) {
	var out syncBuffer
	a := startAgent(t, `var c = mqtt.createclient();`, "127.0.0.1:1", &out)
	msg := &fakeMessage{topic: "t", payload: []byte("x")}
	a.onLoop(func() {
		c := a.client()
		c.state = stateConnected
		for i := 0; i < 3; i++ {
			c.deliverMessage(c.gen, msg) // no onmessage handler
		}
		c.deliverMessage(c.gen-1, msg) // from an earlier connection
	})
	a.close()
	for _, want := range []string{
		"WARNING: 3 inbound message(s) not delivered to the script: no onmessage handler was registered",
		"WARNING: 1 inbound message(s) not delivered to the script: it arrived after its connection had ended",
	} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	if d := a.env.Events.Dropped(); len(d) != 2 || d[0].Count != 3 || d[1].Count != 1 {
		t.Fatalf("Dropped() = %v", d)
	}
}

// TestLossBeforeConnectResultKeepsItsReason: a loss reported before the
// connect result (paho's goroutines race) is delivered after onconnect(0)
// with its own reason, not as -1.
func TestLossBeforeConnectResultKeepsItsReason(t *testing.T) {
	var out syncBuffer
	a := startAgent(t, `var c = mqtt.createclient();
c.onconnect(function (rc) { server.log("connect " + rc); });
c.onconnectionlost(function (r) { server.log("lost " + r); });`, "127.0.0.1:1", &out)
	a.onLoop(func() {
		c := a.client()
		c.state = stateConnecting
		c.deliverLost(c.gen, lostBadPacket) // arrives first
		c.deliverConnect(c.gen, codeSuccess)
	})
	a.close()
	if got := out.String(); !strings.Contains(got, "[Agent] connect 0\n") || !strings.Contains(got, "[Agent] lost -4\n") {
		t.Fatalf("output:\n%s", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the loop and the test goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
