package broker_test

import (
	"slices"
	"testing"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/agenthost/agenthost/broker"
)

// TestPrivilegedLogin: the privileged login connects whatever
// Options.Users says, is random per broker, cannot be forged, and makes
// its client (not an id prefix) exempt from faults.
func TestPrivilegedLogin(t *testing.T) {
	b := startBroker(t, broker.Options{Users: map[string]string{"alice": "pw"}})
	user, pass := b.PrivilegedLogin()
	if len(user) < 20 || len(pass) < 20 || user == pass {
		t.Fatalf("PrivilegedLogin() = %q, %q: want two distinct random strings", user, pass)
	}
	other := startBroker(t, broker.Options{})
	if u, p := other.PrivilegedLogin(); u == user || p == pass {
		t.Errorf("two brokers share a privileged user name or password")
	}
	addr := "tcp://" + b.Addr()

	for _, tc := range []struct {
		name, user, pass string
		code             byte
	}{
		{"no credentials", "", "", 4},
		{"privileged user, wrong password", user, "pw", 4},
		{"privileged user, other broker's password", user, func() string { _, p := other.PrivilegedLogin(); return p }(), 4},
		{"other broker's login", func() string { u, _ := other.PrivilegedLogin(); return u }(), pass, 4},
		{"configured user", "alice", "pw", 0},
	} {
		_, tok, _ := dial(t, clientOpts{url: addr, id: "outsider", user: tc.user, pass: tc.pass})
		if tok.ReturnCode() != tc.code {
			t.Errorf("%s: CONNACK code %d, want %d", tc.name, tok.ReturnCode(), tc.code)
		}
	}

	// A queued refusal is not used up by the privileged client.
	if err := b.RefuseNext(3); err != nil {
		t.Fatal(err)
	}
	driver := dialPrivileged(t, b, clientOpts{id: "agenthost-driver"})
	if _, tok, _ := dial(t, clientOpts{url: addr, id: "alice1", user: "alice", pass: "pw"}); tok.ReturnCode() != 3 {
		t.Errorf("the connect after the privileged one: code %d, want the queued 3", tok.ReturnCode())
	}
	// MQTT 5 too.
	priv5, _ := connectRaw(t, b.Addr(), rawConnect{level: 5, id: "driver5", user: user, pass: pass, keepalive: 30})
	priv5.ping()

	// Nobody can take over the privileged client's session.
	if _, tok, _ := dial(t, clientOpts{url: addr, id: "agenthost-driver", user: "alice", pass: "pw"}); tok.ReturnCode() != 2 {
		t.Errorf("taking over the privileged client's id: code %d, want 2 (identifier rejected)", tok.ReturnCode())
	}
	msgs := subscribe(t, driver, "echo", 1, 1)
	await(t, "publish", driver.Publish("echo", 1, false, "alive"))
	if m := receive(t, msgs); string(m.Payload()) != "alive" {
		t.Errorf("driver got %q", m.Payload())
	}

	// Only topic x: the observer may still be told of the "echo" publish
	// above, whose hook can run after its PUBACK and delivery.
	observed := make(chan broker.Message, 2)
	defer b.OnPublish(func(m broker.Message) {
		if m.Topic == "x" {
			observed <- m
		}
	})()
	alice := mustDialUser(t, b, "alice2", "alice", "pw")
	await(t, "alice publish", alice.Publish("x", 0, false, "a"))
	await(t, "driver publish", driver.Publish("x", 0, false, "d"))
	want := map[string]broker.Message{
		"alice2":           {ClientID: "alice2", Topic: "x", Payload: []byte("a")},
		"agenthost-driver": {ClientID: "agenthost-driver", Topic: "x", Payload: []byte("d"), Privileged: true},
	}
	for range 2 {
		if m := <-observed; !sameMessage(m, want[m.ClientID]) {
			t.Errorf("observed %+v, want %+v", m, want[m.ClientID])
		}
	}

	if got := b.Clients(); !slices.Equal(got, []string{"alice2", "outsider"}) {
		t.Errorf("Clients() = %q, want [alice2 outsider]", got)
	}
	if n := b.DropClient(""); n != 2 {
		t.Errorf("DropClient(\"\") = %d, want 2 (all but the privileged clients)", n)
	}
	priv5.ping()
	await(t, "driver still connected", driver.Publish("echo", 1, false, "still"))
}

func mustDialUser(t *testing.T, b *broker.Broker, id, user, pass string) mqtt.Client {
	t.Helper()
	c, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: id, user: user, pass: pass})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect %s: code %d, error %v", id, tok.ReturnCode(), err)
	}
	return c
}
