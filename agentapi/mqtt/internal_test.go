package mqtt

import (
	"bytes"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/rawbroker"
	paho "github.com/eclipse/paho.mqtt.golang"
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

// TestPingTimeoutIsASocketLoss pins paho's wording for a broker that stops
// answering PINGREQ: the loss it reports must map to -1 (the connection
// failed), not -4 (a badly framed packet), though the socket itself never
// failed. (Through a script the keepalive is at least 30 s; here paho runs
// with 1 s.)
func TestPingTimeoutIsASocketLoss(t *testing.T) {
	srv := rawbroker.Start(t, func(c *rawbroker.Conn) {
		if _, err := c.Accept(0); err != nil {
			return
		}
		for { // read PINGREQs and never answer
			if _, err := c.ReadPacket(); err != nil {
				return
			}
		}
	})
	m := New(Options{})
	defer m.cancel()
	var conn *trackedConn
	lost := make(chan error, 1)
	o := paho.NewClientOptions().AddBroker(srv.URL()).SetClientID("ping").SetProtocolVersion(4).
		SetKeepAlive(time.Second).SetPingTimeout(300 * time.Millisecond).SetAutoReconnect(false).
		SetCustomOpenConnectionFn(func(uri *url.URL, o paho.ClientOptions) (net.Conn, error) {
			tc, err := m.open(uri, o)
			conn = tc
			return tc, err
		}).
		SetConnectionLostHandler(func(_ paho.Client, err error) { lost <- err })
	pc := paho.NewClient(o)
	if tok := pc.Connect(); tok.Wait() && tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer pc.Disconnect(0)
	start := time.Now()
	err := <-lost
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("the loss was reported after %v; keepalive 1 s + ping timeout 0.3 s", el)
	}
	if !strings.Contains(err.Error(), pahoPingTimeout) {
		t.Errorf("paho reported %q; lostReason looks for %q", err, pahoPingTimeout)
	}
	if r := lostReason(conn, err); r != lostSocket {
		t.Errorf("lostReason = %d, want %d", r, lostSocket)
	}
}
