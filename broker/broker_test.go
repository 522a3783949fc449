package broker_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
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

// TestMain fails the package if any goroutine (broker's or paho's) is
// still running once all tests have finished.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitLimit bounds every wait for an event; reaching it fails the test.
const waitLimit = 10 * time.Second

func startBroker(t *testing.T, opts broker.Options) *broker.Broker {
	t.Helper()
	b, err := broker.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

type clientOpts struct {
	url        string
	id         string
	user, pass string
	tls        *tls.Config
	onLost     func(error)
	onMessage  func(mqtt.Message) // messages not claimed by a Subscribe callback
	willTopic  string             // if set, a QoS 1 will with willPayload
	willMsg    string
}

// dial connects a paho MQTT 3.1.1 client and returns it with its connect
// token (already completed) and the token's error. A connected client is
// disconnected when the test ends.
func dial(t *testing.T, o clientOpts) (mqtt.Client, *mqtt.ConnectToken, error) {
	t.Helper()
	po := mqtt.NewClientOptions().
		AddBroker(o.url).
		SetClientID(o.id).
		SetProtocolVersion(4).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetCleanSession(true).
		SetConnectTimeout(waitLimit).
		SetOrderMatters(true)
	if o.user != "" {
		po.SetUsername(o.user)
		po.SetPassword(o.pass)
	}
	if o.tls != nil {
		po.SetTLSConfig(o.tls)
	}
	if o.onLost != nil {
		po.SetConnectionLostHandler(func(_ mqtt.Client, err error) { o.onLost(err) })
	}
	if o.willTopic != "" {
		po.SetWill(o.willTopic, o.willMsg, 1, false)
	}
	if o.onMessage != nil {
		po.SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) { o.onMessage(m) })
	}
	c := mqtt.NewClient(po)
	tok := c.Connect()
	if !tok.WaitTimeout(waitLimit) {
		t.Fatalf("connect %s: no CONNACK within %v", o.id, waitLimit)
	}
	if tok.Error() == nil {
		t.Cleanup(func() { c.Disconnect(100) })
	}
	return c, tok.(*mqtt.ConnectToken), tok.Error()
}

// mustDial is dial for clients that must be accepted.
func mustDial(t *testing.T, b *broker.Broker, id string) mqtt.Client {
	t.Helper()
	c, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: id})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect %s: return code %d, error %v", id, tok.ReturnCode(), err)
	}
	return c
}

func await(t *testing.T, what string, tok mqtt.Token) {
	t.Helper()
	if !tok.WaitTimeout(waitLimit) {
		t.Fatalf("%s: not acknowledged within %v", what, waitLimit)
	}
	if err := tok.Error(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// subscribe subscribes and returns a channel receiving the messages.
func subscribe(t *testing.T, c mqtt.Client, filter string, qos byte, buffer int) <-chan mqtt.Message {
	t.Helper()
	ch := make(chan mqtt.Message, buffer)
	tok := c.Subscribe(filter, qos, func(_ mqtt.Client, m mqtt.Message) { ch <- m })
	await(t, "subscribe "+filter, tok)
	if got := tok.(*mqtt.SubscribeToken).Result()[filter]; got != qos {
		t.Fatalf("subscribe %s: granted %#x, want %#x", filter, got, qos)
	}
	return ch
}

func receive(t *testing.T, ch <-chan mqtt.Message) mqtt.Message {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(waitLimit):
		t.Fatalf("no message within %v", waitLimit)
		return nil
	}
}

func TestStartDefaultsToLoopbackFreePort(t *testing.T) {
	b := startBroker(t, broker.Options{})
	host, port, err := net.SplitHostPort(b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if host != "127.0.0.1" || port == "0" || port == "" {
		t.Errorf("Addr() = %q, want 127.0.0.1:<free port>", b.Addr())
	}
	if b.TLSAddr() != "" {
		t.Errorf("TLSAddr() = %q without TLS options", b.TLSAddr())
	}
}

func TestConnectWithoutUsers(t *testing.T) {
	b := startBroker(t, broker.Options{})
	_, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "anon"})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("return code %d, error %v; want 0, nil", tok.ReturnCode(), err)
	}
	_, tok, err = dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "anyuser", user: "who", pass: "ever"})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("with credentials: return code %d, error %v; want 0, nil", tok.ReturnCode(), err)
	}
	if got := b.Stats().ClientsConnected; got != 2 {
		t.Errorf("ClientsConnected = %d, want 2", got)
	}
}

func TestConnectCredentials(t *testing.T) {
	b := startBroker(t, broker.Options{Users: map[string]string{"alice": "s3cret", "bob": "pw"}})
	cases := []struct {
		name, user, pass string
		want             byte
	}{
		{"wrong password", "alice", "wrong", 4},
		{"other user's password", "alice", "pw", 4},
		{"unknown user", "mallory", "s3cret", 4},
		{"no credentials", "", "", 4},
		{"right credentials", "alice", "s3cret", 0},
		{"second user", "bob", "pw", 0},
	}
	// No subtests: accepted clients stay connected until the end.
	for i, tc := range cases {
		_, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "c" + strconv.Itoa(i), user: tc.user, pass: tc.pass})
		if got := tok.ReturnCode(); got != tc.want {
			t.Errorf("%s: return code = %d, want %d (error %v)", tc.name, got, tc.want, err)
		}
		if (err == nil) != (tc.want == 0) {
			t.Errorf("%s: error = %v with return code %d", tc.name, err, tok.ReturnCode())
		}
	}
	if got := b.Stats().ClientsConnected; got != 2 {
		t.Errorf("ClientsConnected = %d, want 2 (refused clients must not count)", got)
	}
}

func TestDenySubscribe(t *testing.T) {
	b := startBroker(t, broker.Options{DenySubscribe: []string{"private/#", "admin/+"}})
	// paho calls a Subscribe callback once per matching filter of the
	// client, so use the default handler to see each delivery exactly once.
	msgs := make(chan mqtt.Message, 10)
	sub, tok, err := dial(t, clientOpts{url: "tcp://" + b.Addr(), id: "sub", onMessage: func(m mqtt.Message) { msgs <- m }})
	if err != nil || tok.ReturnCode() != 0 {
		t.Fatalf("connect: %d %v", tok.ReturnCode(), err)
	}
	filters := map[string]byte{
		"private/secret": 1, // covered by private/#
		"private/#":      2, // equal to a deny filter
		"admin/x":        0, // covered by admin/+
		"admin/#":        1, // wider than admin/+: allowed
		"public/+":       1, // allowed
		"#":              2, // allowed, but private/... is not delivered through it
	}
	stok := sub.SubscribeMultiple(filters, nil)
	await(t, "subscribe", stok)
	want := map[string]byte{
		"private/secret": 0x80,
		"private/#":      0x80,
		"admin/x":        0x80,
		"admin/#":        1,
		"public/+":       1,
		"#":              2,
	}
	got := stok.(*mqtt.SubscribeToken).Result()
	for f, code := range want {
		if got[f] != code {
			t.Errorf("SUBACK for %q = %#x, want %#x", f, got[f], code)
		}
	}

	// Delivery: the denied message is published first, the allowed one
	// second; MQTT keeps one publisher's order, so once the second has
	// arrived the first would have arrived before it.
	pub := mustDial(t, b, "pub")
	await(t, "publish private", pub.Publish("private/secret", 1, false, "hidden"))
	await(t, "publish public", pub.Publish("public/a", 1, false, "visible"))
	if m := receive(t, msgs); m.Topic() != "public/a" || string(m.Payload()) != "visible" {
		t.Errorf("first delivery = %s %q, want public/a \"visible\"", m.Topic(), m.Payload())
	}
	select {
	case m := <-msgs:
		t.Errorf("unexpected extra delivery %s %q", m.Topic(), m.Payload())
	default:
	}
}

func TestQoSRoundTrip(t *testing.T) {
	b := startBroker(t, broker.Options{})
	for _, qos := range []byte{1, 2} {
		t.Run(fmt.Sprintf("qos%d", qos), func(t *testing.T) {
			topic := fmt.Sprintf("rt/q%d", qos)
			sub := mustDial(t, b, fmt.Sprintf("sub%d", qos))
			msgs := subscribe(t, sub, topic, qos, 1)
			pub := mustDial(t, b, fmt.Sprintf("pub%d", qos))
			payload := fmt.Sprintf("hello at qos %d", qos)
			await(t, "publish", pub.Publish(topic, qos, false, payload))
			m := receive(t, msgs)
			if m.Topic() != topic || string(m.Payload()) != payload || m.Qos() != qos || m.Retained() {
				t.Errorf("got topic %q payload %q qos %d retained %v; want %q %q %d false",
					m.Topic(), m.Payload(), m.Qos(), m.Retained(), topic, payload, qos)
			}
		})
	}
}

func TestRetainedDeliveredToLaterSubscriber(t *testing.T) {
	b := startBroker(t, broker.Options{})
	pub := mustDial(t, b, "pub")
	await(t, "publish", pub.Publish("state/door", 1, true, "open"))
	// The PUBACK is sent after the message is retained, so a subscriber
	// connecting now must get it.
	sub := mustDial(t, b, "late")
	m := receive(t, subscribe(t, sub, "state/+", 1, 1))
	if m.Topic() != "state/door" || string(m.Payload()) != "open" || !m.Retained() {
		t.Errorf("got %s %q retained=%v, want state/door \"open\" retained=true", m.Topic(), m.Payload(), m.Retained())
	}
}

func TestBinaryPayload(t *testing.T) {
	b := startBroker(t, broker.Options{})
	payload := []byte{0x00, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x00, '\n'}
	for i := 0; i < 256; i++ {
		payload = append(payload, byte(i))
	}
	sub := mustDial(t, b, "sub")
	msgs := subscribe(t, sub, "bin", 1, 1)
	pub := mustDial(t, b, "pub")
	await(t, "publish", pub.Publish("bin", 1, false, payload))
	if got := receive(t, msgs).Payload(); !bytes.Equal(got, payload) {
		t.Errorf("payload changed in transit:\n got % x\nwant % x", got, payload)
	}
}

func TestManyQoS1MessagesNoDrops(t *testing.T) {
	const n = 20000
	b := startBroker(t, broker.Options{})
	sub := mustDial(t, b, "sub")
	msgs := subscribe(t, sub, "load/#", 1, n)
	pub := mustDial(t, b, "pub")

	// Publish without waiting for each PUBACK, so that many messages are
	// in flight at once.
	toks := make([]mqtt.Token, n)
	for i := range toks {
		toks[i] = pub.Publish("load/seq", 1, false, strconv.Itoa(i))
	}
	for i, tok := range toks {
		await(t, "publish "+strconv.Itoa(i), tok)
	}
	if st := b.Stats(); st.MessagesDropped != 0 || st.InflightDropped != 0 {
		t.Fatalf("broker dropped messages while publishing: %+v", st)
	}

	seen := make([]bool, n)
	deadline := time.After(30 * time.Second)
	for got := 0; got < n; got++ {
		select {
		case m := <-msgs:
			i, err := strconv.Atoi(string(m.Payload()))
			if err != nil || i < 0 || i >= n || seen[i] {
				t.Fatalf("bad or duplicate message %q", m.Payload())
			}
			seen[i] = true
		case <-deadline:
			st := b.Stats()
			t.Fatalf("received %d of %d messages; stats %+v", got, n, st)
		}
	}
	st := b.Stats()
	if st.MessagesDropped != 0 || st.InflightDropped != 0 {
		t.Errorf("broker dropped messages: %+v", st)
	}
	if st.MessagesReceived < n || st.MessagesSent < n {
		t.Errorf("counters too low for %d messages: %+v", n, st)
	}
}

func TestTLS(t *testing.T) {
	pki, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := startBroker(t, broker.Options{TLS: &broker.TLSOptions{CertFile: pki.CertFile, KeyFile: pki.KeyFile}})
	host, port, err := net.SplitHostPort(b.TLSAddr())
	if err != nil || host != "127.0.0.1" || port == "0" || b.TLSAddr() == b.Addr() {
		t.Fatalf("TLSAddr() = %q (Addr %q), want 127.0.0.1 on its own free port", b.TLSAddr(), b.Addr())
	}

	for _, h := range []string{"127.0.0.1", "localhost"} {
		url := "ssl://" + net.JoinHostPort(h, port)
		c, tok, err := dial(t, clientOpts{url: url, id: "tls-" + h, tls: pki.ClientTLSConfig()})
		if err != nil || tok.ReturnCode() != 0 {
			t.Fatalf("%s: return code %d, error %v; want 0, nil", url, tok.ReturnCode(), err)
		}
		// Round trip over TLS.
		msgs := subscribe(t, c, "tls/"+h, 1, 1)
		await(t, "publish", c.Publish("tls/"+h, 1, false, "over tls"))
		if m := receive(t, msgs); string(m.Payload()) != "over tls" {
			t.Errorf("payload %q", m.Payload())
		}
	}

	other, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := dial(t, clientOpts{url: "ssl://" + b.TLSAddr(), id: "tls-wrong-ca", tls: other.ClientTLSConfig()})
	var unknownCA x509.UnknownAuthorityError
	if err == nil || !errors.As(err, &unknownCA) {
		t.Errorf("connect trusting an unrelated CA: error %v (return code %d), want unknown authority", err, tok.ReturnCode())
	}

	// Plain MQTT on the TLS port must not work either.
	if _, _, err := dial(t, clientOpts{url: "tcp://" + b.TLSAddr(), id: "plain-on-tls"}); err == nil {
		t.Error("plain MQTT connection to the TLS listener succeeded")
	}
}

func TestStartErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	pki, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not pem\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")

	t.Run("busy port", func(t *testing.T) {
		_, err := broker.Start(broker.Options{Listen: busy.Addr().String()})
		want := "embedded broker: listen " + busy.Addr().String() + ": address already in use"
		if err == nil || err.Error() != want {
			t.Errorf("error = %v, want %q", err, want)
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			t.Errorf("error %v does not wrap EADDRINUSE", err)
		}
	})
	t.Run("busy TLS port", func(t *testing.T) {
		_, err := broker.Start(broker.Options{TLS: &broker.TLSOptions{CertFile: pki.CertFile, KeyFile: pki.KeyFile, Listen: busy.Addr().String()}})
		if err == nil || !strings.Contains(err.Error(), "listen "+busy.Addr().String()) {
			t.Errorf("error = %v, want it to name %s", err, busy.Addr())
		}
	})
	files := []struct {
		name, cert, key, mention string
	}{
		{"missing cert", missing, pki.KeyFile, missing},
		{"garbage cert", garbage, pki.KeyFile, garbage},
		{"missing key", pki.CertFile, missing, missing},
		{"garbage key", pki.CertFile, garbage, garbage},
		{"key is a certificate", pki.CertFile, pki.CAFile, pki.CAFile},
		{"mismatched pair", pki.CAFile, pki.KeyFile, pki.CAFile},
	}
	for _, tc := range files {
		t.Run(tc.name, func(t *testing.T) {
			_, err := broker.Start(broker.Options{TLS: &broker.TLSOptions{CertFile: tc.cert, KeyFile: tc.key}})
			if err == nil || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error = %v, want it to name %s", err, tc.mention)
			}
		})
	}
	t.Run("invalid deny filter", func(t *testing.T) {
		_, err := broker.Start(broker.Options{DenySubscribe: []string{"a/#/b"}})
		if err == nil || !strings.Contains(err.Error(), `"a/#/b"`) {
			t.Errorf("error = %v, want it to name the filter", err)
		}
	})
	for _, n := range []int{-1, broker.MaxQueuedLimit + 1} {
		t.Run(fmt.Sprintf("MaxQueued %d", n), func(t *testing.T) {
			_, err := broker.Start(broker.Options{MaxQueued: n})
			want := fmt.Sprintf("embedded broker: MaxQueued %d outside 0..1048576", n)
			if err == nil || err.Error() != want {
				t.Errorf("error = %v, want %q", err, want)
			}
		})
	}
	// The failed starts must not have left the busy port's neighbours or
	// anything else bound or running; goleak in TestMain checks goroutines.
}

func TestCloseDisconnectsClientsAndLeaksNothing(t *testing.T) {
	pki, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	logs := &recordingHandler{}
	b, err := broker.Start(broker.Options{
		TLS:    &broker.TLSOptions{CertFile: pki.CertFile, KeyFile: pki.KeyFile},
		Logger: slog.New(logs),
	})
	if err != nil {
		t.Fatal(err)
	}
	// A connection that never sends CONNECT must not keep Close waiting.
	// It is dialled first: the kernel's accept queue is FIFO, so once the
	// clients below are connected the broker has accepted it too.
	idle, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	lost := make(chan string, 2)
	for _, c := range []clientOpts{
		{url: "tcp://" + b.Addr(), id: "tcp-client"},
		{url: "ssl://" + b.TLSAddr(), id: "tls-client", tls: pki.ClientTLSConfig()},
	} {
		id := c.id
		c.onLost = func(error) { lost <- id }
		if _, tok, err := dial(t, c); err != nil || tok.ReturnCode() != 0 {
			t.Fatalf("connect %s: %d %v", id, tok.ReturnCode(), err)
		}
	}

	closed := make(chan error, 1)
	go func() { closed <- b.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatalf("Close did not return within %v", waitLimit)
	}
	got := map[string]bool{}
	for len(got) < 2 {
		select {
		case id := <-lost:
			got[id] = true
		case <-time.After(waitLimit):
			t.Fatalf("connection-lost handler fired for %v only", got)
		}
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if c, err := net.Dial("tcp", b.Addr()); err == nil {
		c.Close()
		t.Error("TCP listener still accepts after Close")
	}
	if st := b.Stats(); st.ClientsConnected != 0 {
		t.Errorf("ClientsConnected after Close = %d", st.ClientsConnected)
	}
	// The idle connection was closed by the broker: reading hits EOF.
	if err := idle.SetReadDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
	if _, err := idle.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("idle connection read after Close: %v, want EOF/reset", err)
	}
	idle.Close()
	for _, r := range logs.records() {
		// Close waits for mochi's event loop by spotting its exit log
		// line; this warning means that no longer works.
		if strings.Contains(r.Message, "event loop exit not observed") {
			t.Errorf("logged %q", r.Message)
		}
	}
	goleak.VerifyNone(t)
}

func TestLoggerGetsOnlyWarningsFromMochi(t *testing.T) {
	logs := &recordingHandler{}
	b := startBroker(t, broker.Options{Logger: slog.New(logs)})
	mustDial(t, b, "c1") // mochi logs connections at Info
	// Make mochi warn: a second CONNECT on a connection
	// is a protocol violation mochi reports at Warn.
	conn, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	connect := []byte{0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 30, 0, 1, 'x'}
	if _, err := conn.Write(append(append([]byte{}, connect...), connect...)); err != nil {
		t.Fatal(err)
	}
	// The broker answers the first CONNECT and closes the connection
	// after the second.
	if err := conn.SetReadDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := io.ReadFull(conn, buf)
	if n != 4 || !bytes.Equal(buf[:4], []byte{0x20, 2, 0, 0}) {
		t.Fatalf("read % x before close, want CONNACK 20 02 00 00", buf[:n])
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	recs := logs.records()
	sawWarn := false
	for _, r := range recs {
		if r.Level < slog.LevelWarn && r.Message != "" && !strings.HasPrefix(r.Message, "embedded broker:") {
			t.Errorf("mochi record below Warn forwarded: %v %q", r.Level, r.Message)
		}
		if r.Level >= slog.LevelWarn && strings.Contains(r.Message, "error processing packet") {
			sawWarn = true
		}
	}
	if !sawWarn {
		t.Errorf("mochi's warning was not forwarded; got %d records", len(recs))
	}
}

// recordingHandler is a slog.Handler keeping every record, at all levels.
type recordingHandler struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }
func (h *recordingHandler) records() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), h.recs...)
}

// TestRawProtocolCodes checks, with hand-made packets, the codes paho
// (an MQTT 3.1.1 client) cannot show: MQTT 3.1 and MQTT 5 refusals.
func TestRawProtocolCodes(t *testing.T) {
	b := startBroker(t, broker.Options{
		Users:         map[string]string{"alice": "pw"},
		DenySubscribe: []string{"private/#"},
	})
	str := func(s string) []byte { return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...) }
	connect := func(protocol string, level byte, user, pass string) []byte {
		vh := append(str(protocol), level, 0xC2, 0, 30) // user+password+clean, keepalive 30
		if level == 5 {
			vh = append(vh, 0) // no properties
		}
		vh = append(vh, str("raw"+strconv.Itoa(int(level)))...)
		vh = append(append(vh, str(user)...), str(pass)...)
		return append([]byte{0x10, byte(len(vh))}, vh...)
	}
	exchange := func(t *testing.T, conn net.Conn, out []byte) (byte, []byte) {
		t.Helper()
		if _, err := conn.Write(out); err != nil {
			t.Fatal(err)
		}
		typ, body, err := readPacket(conn)
		if err != nil {
			t.Fatalf("reading answer: %v", err)
		}
		return typ, body
	}
	dialRaw := func(t *testing.T) net.Conn {
		conn, err := net.Dial("tcp", b.Addr())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		if err := conn.SetDeadline(time.Now().Add(waitLimit)); err != nil {
			t.Fatal(err)
		}
		return conn
	}

	t.Run("MQTT 3.1 bad password gets 4", func(t *testing.T) {
		typ, body := exchange(t, dialRaw(t), connect("MQIsdp", 3, "alice", "bad"))
		if typ != 0x20 || !bytes.Equal(body, []byte{0, 4}) {
			t.Errorf("answer %#x % x, want CONNACK 00 04", typ, body)
		}
	})
	t.Run("MQTT 5 bad password gets 0x86", func(t *testing.T) {
		typ, body := exchange(t, dialRaw(t), connect("MQTT", 5, "alice", "bad"))
		if typ != 0x20 || len(body) < 2 || body[1] != 0x86 {
			t.Errorf("answer %#x % x, want CONNACK with reason 0x86", typ, body)
		}
	})
	t.Run("MQTT 5 denied filter gets 0x87", func(t *testing.T) {
		conn := dialRaw(t)
		typ, body := exchange(t, conn, connect("MQTT", 5, "alice", "pw"))
		if typ != 0x20 || len(body) < 2 || body[1] != 0 {
			t.Fatalf("answer %#x % x, want CONNACK success", typ, body)
		}
		payload := append(append(str("private/x"), 1), append(str("public/x"), 1)...)
		sub := append([]byte{0, 7, 0}, payload...) // packet id 7, no properties
		typ, body = exchange(t, conn, append([]byte{0x82, byte(len(sub))}, sub...))
		// SUBACK: packet id, properties (length 0), one reason code per filter.
		if typ != 0x90 || !bytes.Equal(body, []byte{0, 7, 0, 0x87, 1}) {
			t.Errorf("answer %#x % x, want SUBACK 00 07 00 87 01", typ, body)
		}
	})
}

// readPacket reads one MQTT control packet: its fixed-header byte and body.
func readPacket(r io.Reader) (byte, []byte, error) {
	var hdr [1]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n, shift := 0, 0
	for {
		var c [1]byte
		if _, err := io.ReadFull(r, c[:]); err != nil {
			return 0, nil, err
		}
		n |= int(c[0]&0x7f) << shift
		if c[0] < 0x80 {
			break
		}
		shift += 7
	}
	body := make([]byte, n)
	_, err := io.ReadFull(r, body)
	return hdr[0], body, err
}
