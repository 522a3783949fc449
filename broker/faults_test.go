package broker_test

import (
	"errors"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"go.uber.org/goleak"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/internal/testpki"
)

// lostChan returns a connection-lost handler and the channel it reports to.
func lostChan() (func(error), <-chan error) {
	ch := make(chan error, 1)
	return func(err error) { ch <- err }, ch
}

func awaitLost(t *testing.T, who string, ch <-chan error) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitLimit):
		t.Fatalf("%s: connection-lost handler did not fire within %v", who, waitLimit)
	}
}

// dialCode connects and returns the CONNACK return code and error.
func dialCode(t *testing.T, b *broker.Broker, id string) (byte, error) {
	t.Helper()
	_, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: id})
	return tok.ReturnCode(), err
}

func TestRefuseNext(t *testing.T) {
	b := startBroker(t, broker.Options{})
	for _, code := range []byte{0, 6, 0x80} {
		if err := b.RefuseNext(code); err == nil {
			t.Errorf("RefuseNext(%d) succeeded", code)
		}
	}

	if err := b.RefuseNext(5); err != nil {
		t.Fatal(err)
	}
	if rc, err := dialCode(t, b, "first"); rc != 5 || err == nil {
		t.Errorf("first connect after RefuseNext(5): return code %d, error %v; want 5 and an error", rc, err)
	}
	if rc, err := dialCode(t, b, "second"); rc != 0 || err != nil {
		t.Errorf("second connect: return code %d, error %v; want 0, nil", rc, err)
	}

	// Queued refusals apply in order, one CONNECT each.
	for _, code := range []byte{5, 3, 1} {
		if err := b.RefuseNext(code); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []byte{5, 3, 1, 0} {
		id := "queued" + strconv.Itoa(i)
		if rc, err := dialCode(t, b, id); rc != want || (err == nil) != (want == 0) {
			t.Errorf("%s: return code %d, error %v; want %d", id, rc, err, want)
		}
	}
	if got := b.Clients(); !slices.Equal(got, []string{"queued3", "second"}) {
		t.Errorf("Clients() = %q, want only the accepted clients", got)
	}
}

// TestRefuseNextMQTT5 checks the reason code an MQTT 5 client gets.
func TestRefuseNextMQTT5(t *testing.T) {
	b := startBroker(t, broker.Options{})
	if err := b.RefuseNext(5); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
	// CONNECT, MQTT 5, clean start, keepalive 30, no properties, id "v5".
	connect := []byte{0x10, 15, 0, 4, 'M', 'Q', 'T', 'T', 5, 2, 0, 30, 0, 0, 2, 'v', '5'}
	if _, err := conn.Write(connect); err != nil {
		t.Fatal(err)
	}
	typ, body, err := readPacket(conn)
	if err != nil || typ != 0x20 || len(body) < 2 || body[1] != 0x87 {
		t.Fatalf("answer %#x % x (error %v), want CONNACK with reason 0x87", typ, body, err)
	}
	// Then the broker closes the connection.
	if n, err := conn.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read after refusal: %d bytes, error %v; want EOF", n, err)
	}
}

func TestDenySubscribeAtRunTime(t *testing.T) {
	b := startBroker(t, broker.Options{})
	for _, bad := range []string{"", "a/#/b", "a/b#", "a/+b"} {
		if err := b.DenySubscribe(bad); err == nil || !strings.Contains(err.Error(), strconv.Quote(bad)) {
			t.Errorf("DenySubscribe(%q): error %v, want one naming the filter", bad, err)
		}
	}

	msgs := make(chan mqtt.Message, 10)
	sub, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "sub", onMessage: func(m mqtt.Message) { msgs <- m }})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect: %d %v", tok.ReturnCode(), err)
	}
	before := sub.SubscribeMultiple(map[string]byte{"secret/a": 1, "public/a": 1}, nil)
	await(t, "subscribe before deny", before)

	if err := b.DenySubscribe("secret/#"); err != nil {
		t.Fatal(err)
	}
	after := sub.SubscribeMultiple(map[string]byte{"secret/b": 1, "secret/#": 1, "public/b": 1}, nil)
	await(t, "subscribe after deny", after)
	want := map[string]byte{"secret/b": 0x80, "secret/#": 0x80, "public/b": 1}
	got := after.(*mqtt.SubscribeToken).Result()
	for f, code := range want {
		if got[f] != code {
			t.Errorf("SUBACK for %q = %#x, want %#x", f, got[f], code)
		}
	}
	if got, want := b.Subscriptions("sub"), []string{"public/a", "public/b", "secret/a"}; !slices.Equal(got, want) {
		t.Errorf("Subscriptions(sub) = %q, want %q", got, want)
	}

	// The subscription made before the deny no longer delivers: the
	// denied message goes first, so it would arrive before the allowed one.
	pub := mustDial(t, b, "pub")
	await(t, "publish secret", pub.Publish("secret/a", 1, false, "hidden"))
	await(t, "publish public", pub.Publish("public/a", 1, false, "visible"))
	if m := receive(t, msgs); m.Topic() != "public/a" {
		t.Errorf("first delivery on %s %q, want public/a", m.Topic(), m.Payload())
	}
}

func TestDropClientPublishesWill(t *testing.T) {
	b := startBroker(t, broker.Options{})
	watcher := mustDial(t, b, "watcher")
	wills := subscribe(t, watcher, "wills/#", 1, 1)
	onLost, lost := lostChan()
	if _, tok, err := dial(t, clientOpts{
		url: "tcp://" + b.Addr(), id: "victim", onLost: onLost,
		willTopic: "wills/victim", willMsg: "gone",
	}); err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect victim: %d %v", tok.ReturnCode(), err)
	}

	if n := b.DropClient("victim"); n != 1 {
		t.Fatalf("DropClient(victim) = %d, want 1", n)
	}
	awaitLost(t, "victim", lost)
	if m := receive(t, wills); m.Topic() != "wills/victim" || string(m.Payload()) != "gone" {
		t.Errorf("will = %s %q, want wills/victim \"gone\"", m.Topic(), m.Payload())
	}
	// DropClient returns once the broker is done with the client.
	if got := b.Clients(); !slices.Equal(got, []string{"watcher"}) {
		t.Errorf("Clients() after drop = %q, want [watcher]", got)
	}
	if n := b.DropClient("victim"); n != 0 {
		t.Errorf("second DropClient(victim) = %d, want 0", n)
	}
	if n := b.DropClient("nobody"); n != 0 {
		t.Errorf("DropClient(nobody) = %d, want 0", n)
	}
}

// dialPrivileged connects a client with the broker's privileged login.
func dialPrivileged(t *testing.T, b *broker.Broker, o clientOpts) mqtt.Client {
	t.Helper()
	if o.url == "" {
		o.url = "tcp://" + b.Addr()
	}
	o.user, o.pass = b.PrivilegedLogin()
	c, tok, err := dial(t, o)
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect privileged %s: return code %d, error %v", o.id, tok.ReturnCode(), err)
	}
	return c
}

func TestDropAllSparesPrivilegedClient(t *testing.T) {
	pki, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := startBroker(t, broker.Options{TLS: &broker.TLSOptions{CertFile: pki.CertFile, KeyFile: pki.KeyFile}})
	lost := map[string]<-chan error{}
	clients := map[string]mqtt.Client{}
	const driverID = "driver"
	for _, o := range []clientOpts{
		{url: "tcp://" + b.Addr(), id: "a"},
		{url: "ssl://" + b.TLSAddr(), id: "b", tls: pki.ClientTLSConfig()},
		{url: "tcp://" + b.Addr(), id: "agenthost-test-x"}, // an id is no privilege
		{url: "tcp://" + b.Addr(), id: driverID},
	} {
		var onLost func(error)
		onLost, lost[o.id] = lostChan()
		o.onLost = onLost
		if o.id == driverID {
			clients[o.id] = dialPrivileged(t, b, o)
			continue
		}
		c, tok, err := dial(t, o)
		if err != nil || tok.ReturnCode() != 0 {
			t.Fatalf("connect %s: %d %v", o.id, tok.ReturnCode(), err)
		}
		clients[o.id] = c
	}
	driver := clients[driverID]
	if got, want := b.Clients(), []string{"a", "agenthost-test-x", "b"}; !slices.Equal(got, want) {
		t.Errorf("Clients() = %q, want %q", got, want)
	}

	if n := b.DropClient(""); n != 3 {
		t.Fatalf("DropClient(\"\") = %d, want 3", n)
	}
	awaitLost(t, "a", lost["a"])
	awaitLost(t, "b (TLS)", lost["b"])
	awaitLost(t, "agenthost-test-x", lost["agenthost-test-x"])
	if got := b.Clients(); len(got) != 0 {
		t.Errorf("Clients() = %q, want none", got)
	}
	// The privileged client still works; its own round trip also orders
	// after any connection-lost event it could have had.
	msgs := subscribe(t, driver, "driver/echo", 1, 1)
	await(t, "publish", driver.Publish("driver/echo", 1, false, "alive"))
	if m := receive(t, msgs); string(m.Payload()) != "alive" {
		t.Errorf("driver got %q", m.Payload())
	}
	select {
	case err := <-lost[driverID]:
		t.Errorf("privileged client lost its connection: %v", err)
	default:
	}
	// Named explicitly, the privileged client is dropped.
	if n := b.DropClient(driverID); n != 1 {
		t.Errorf("DropClient(%s) = %d, want 1", driverID, n)
	}
	awaitLost(t, driverID, lost[driverID])
}

func TestClientsAndSubscriptions(t *testing.T) {
	b := startBroker(t, broker.Options{DenySubscribe: []string{"no/#"}})
	if got := b.Clients(); len(got) != 0 {
		t.Errorf("Clients() on a fresh broker = %q", got)
	}
	alpha := mustDial(t, b, "alpha")
	mustDial(t, b, "zeta")
	mustDial(t, b, "mid")
	exempt := dialPrivileged(t, b, clientOpts{id: "x"})
	if got, want := b.Clients(), []string{"alpha", "mid", "zeta"}; !slices.Equal(got, want) {
		t.Errorf("Clients() = %q, want %q", got, want)
	}

	tok := alpha.SubscribeMultiple(map[string]byte{"b/#": 1, "a/+": 0, "$share/g/c": 1, "no/x": 1}, nil)
	await(t, "subscribe", tok)
	if got, want := b.Subscriptions("alpha"), []string{"$share/g/c", "a/+", "b/#"}; !slices.Equal(got, want) {
		t.Errorf("Subscriptions(alpha) = %q, want %q", got, want)
	}
	await(t, "unsubscribe", alpha.Unsubscribe("a/+"))
	if got, want := b.Subscriptions("alpha"), []string{"$share/g/c", "b/#"}; !slices.Equal(got, want) {
		t.Errorf("Subscriptions(alpha) after unsubscribe = %q, want %q", got, want)
	}
	subscribe(t, exempt, "drv", 1, 1)
	if got := b.Subscriptions("x"); !slices.Equal(got, []string{"drv"}) {
		t.Errorf("Subscriptions(exempt) = %q, want [drv]", got)
	}
	if got := b.Subscriptions("zeta"); got == nil || len(got) != 0 {
		t.Errorf("Subscriptions(zeta) = %#v, want empty and non-nil", got)
	}
	if got := b.Subscriptions("nobody"); got != nil {
		t.Errorf("Subscriptions(nobody) = %#v, want nil", got)
	}
	if n := b.DropClient("mid"); n != 1 {
		t.Fatalf("DropClient(mid) = %d", n)
	}
	if got, want := b.Clients(), []string{"alpha", "zeta"}; !slices.Equal(got, want) {
		t.Errorf("Clients() after dropping mid = %q, want %q", got, want)
	}
	if got := b.Subscriptions("mid"); got != nil {
		t.Errorf("Subscriptions(mid) after drop = %#v, want nil", got)
	}
}

func TestStopRestart(t *testing.T) {
	pki, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := startBroker(t, broker.Options{TLS: &broker.TLSOptions{CertFile: pki.CertFile, KeyFile: pki.KeyFile}})
	addr, tlsAddr := b.Addr(), b.TLSAddr()

	onLostTCP, lostTCP := lostChan()
	onLostTLS, lostTLS := lostChan()
	for _, o := range []clientOpts{
		{url: "tcp://" + addr, id: "tcp1", onLost: onLostTCP},
		{url: "ssl://" + tlsAddr, id: "tls1", tls: pki.ClientTLSConfig(), onLost: onLostTLS},
	} {
		if _, tok, err := dial(t, o); err != nil || tok.ReturnCode() != 0 {
			t.Fatalf("connect %s: %d %v", o.id, tok.ReturnCode(), err)
		}
	}
	pub := mustDial(t, b, "pub0")
	await(t, "publish before stop", pub.Publish("x", 1, false, "1"))
	received := b.Stats().MessagesReceived

	if err := b.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	awaitLost(t, "tcp client", lostTCP)
	awaitLost(t, "tls client", lostTLS)
	if err := b.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if got := b.Clients(); len(got) != 0 {
		t.Errorf("Clients() after Stop = %q", got)
	}
	if st := b.Stats(); st.ClientsConnected != 0 {
		t.Errorf("ClientsConnected after Stop = %d", st.ClientsConnected)
	}
	if _, _, err := dial(t, clientOpts{url: "tcp://" + addr, id: "while-stopped"}); err == nil {
		t.Error("connect while stopped succeeded")
	}
	if c, err := net.Dial("tcp", tlsAddr); err == nil {
		c.Close()
		t.Error("TLS port accepts while stopped")
	}

	if err := b.Restart(); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	if err := b.Restart(); err != nil {
		t.Errorf("Restart of a running broker: %v", err)
	}
	if b.Addr() != addr || b.TLSAddr() != tlsAddr {
		t.Errorf("addresses changed: %s %s, want %s %s", b.Addr(), b.TLSAddr(), addr, tlsAddr)
	}
	sub, tok, err := dial(t, clientOpts{url: "ssl://" + tlsAddr, id: "tls2", tls: pki.ClientTLSConfig()})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("TLS connect after Restart: %d %v", tok.ReturnCode(), err)
	}
	msgs := subscribe(t, sub, "after/restart", 1, 1)
	pub = mustDial(t, b, "pub1")
	await(t, "publish after restart", pub.Publish("after/restart", 1, false, "flows"))
	if m := receive(t, msgs); string(m.Payload()) != "flows" {
		t.Errorf("payload %q", m.Payload())
	}
	if got, want := b.Clients(), []string{"pub1", "tls2"}; !slices.Equal(got, want) {
		t.Errorf("Clients() after Restart = %q, want %q", got, want)
	}
	if st := b.Stats(); st.ClientsConnected != 2 || st.MessagesReceived != received+1 {
		t.Errorf("Stats after Restart = %+v, want 2 clients and %d messages received", st, received+1)
	}
}

func TestRestartBusyPort(t *testing.T) {
	b := startBroker(t, broker.Options{})
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	squatter, err := net.Listen("tcp", b.Addr())
	if err != nil {
		t.Fatalf("binding the stopped broker's port: %v", err)
	}
	err = b.Restart()
	want := "embedded broker: listen " + b.Addr() + ": address already in use"
	if err == nil || err.Error() != want || !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("Restart on a busy port: %v, want %q wrapping EADDRINUSE", err, want)
	}
	squatter.Close()
	if err := b.Restart(); err != nil {
		t.Fatalf("Restart after the port was freed: %v", err)
	}
	mustDial(t, b, "back")
}

func TestCloseAfterStop(t *testing.T) {
	b, err := broker.Start(broker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	onLost, lost := lostChan()
	if _, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "c", onLost: onLost}); err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect: %d %v", tok.ReturnCode(), err)
	}
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	awaitLost(t, "c", lost)
	if err := b.Close(); err != nil {
		t.Fatalf("Close after Stop: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := b.Stop(); err != nil {
		t.Errorf("Stop after Close: %v", err)
	}
	if err := b.Restart(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Restart after Close: %v, want a 'closed' error", err)
	}
	goleak.VerifyNone(t)
}

// TestFaultsConcurrent runs the fault methods from several goroutines at
// once, for the race detector.
func TestFaultsConcurrent(t *testing.T) {
	b := startBroker(t, broker.Options{})
	dialPrivileged(t, b, clientOpts{id: "c"})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 3; g++ {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_ = b.Clients()
				_ = b.Subscriptions("c")
				_ = b.Stats()
				_ = b.DropClient("nobody")
				if err := b.DenySubscribe("deny/" + strconv.Itoa(g) + "/" + strconv.Itoa(i%10)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := 0; i < 5; i++ {
		if err := b.Stop(); err != nil {
			t.Fatal(err)
		}
		if err := b.Restart(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if rc, err := dialCode(t, b, "after"); rc != 0 || err != nil {
		t.Errorf("connect after the storm: %d %v", rc, err)
	}
}
