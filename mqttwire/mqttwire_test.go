package mqttwire

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/netpair"
	"github.com/mochi-mqtt/server/v2/packets"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func pkt(t byte) packets.Packet { return packets.Packet{FixedHeader: packets.FixedHeader{Type: t}} }

// TestEveryPacketRoundTrips encodes each of the 14 MQTT 3.1.1 packet types
// and reads it back with the same fields.
func TestEveryPacketRoundTrips(t *testing.T) {
	connect := pkt(packets.Connect)
	connect.ProtocolVersion = 4
	connect.Connect = packets.ConnectParams{ProtocolName: []byte("MQTT"), ClientIdentifier: "c1", Keepalive: 30, Clean: true,
		WillFlag: true, WillTopic: "w/t", WillPayload: []byte("bye"), WillQos: 1, WillRetain: true,
		UsernameFlag: true, Username: []byte("u"), PasswordFlag: true, Password: []byte{0, 1, 0xff}}
	connect31 := pkt(packets.Connect)
	connect31.ProtocolVersion = 3
	connect31.Connect = packets.ConnectParams{ProtocolName: []byte("MQIsdp"), ClientIdentifier: "old", Keepalive: 5}
	connack := pkt(packets.Connack)
	connack.ReasonCode, connack.SessionPresent = 5, true
	publish := pkt(packets.Publish)
	publish.FixedHeader.Qos, publish.FixedHeader.Retain, publish.FixedHeader.Dup = 2, true, true
	publish.TopicName, publish.PacketID, publish.Payload = "a/b", 7, []byte{0, 0xfe, 'x'}
	publish0 := pkt(packets.Publish)
	publish0.TopicName, publish0.Payload = "q0", []byte{}
	subscribe := pkt(packets.Subscribe)
	subscribe.PacketID = 9
	subscribe.Filters = packets.Subscriptions{{Filter: "a/#", Qos: 1}, {Filter: "+/b", Qos: 2}}
	suback := pkt(packets.Suback)
	suback.PacketID, suback.ReasonCodes = 9, []byte{1, 0x80}
	unsubscribe := pkt(packets.Unsubscribe)
	unsubscribe.PacketID = 10
	unsubscribe.Filters = packets.Subscriptions{{Filter: "a/#"}, {Filter: "x"}}
	cases := []packets.Packet{connect, connect31, connack, publish, publish0, subscribe, suback, unsubscribe}
	for _, typ := range []byte{packets.Puback, packets.Pubrec, packets.Pubrel, packets.Pubcomp, packets.Unsuback} {
		p := pkt(typ)
		p.PacketID = 65535
		cases = append(cases, p)
	}
	for _, typ := range []byte{packets.Pingreq, packets.Pingresp, packets.Disconnect} {
		cases = append(cases, pkt(typ))
	}
	seen := map[byte]bool{}
	for _, want := range cases {
		in := want
		b, err := Encode(&in)
		if err != nil {
			t.Fatalf("%s: %v", TypeName(want.FixedHeader.Type), err)
		}
		got, err := ReadPacket(bufio.NewReader(bytes.NewReader(b)), 4, 0)
		if err != nil {
			t.Fatalf("%s: %v", TypeName(want.FixedHeader.Type), err)
		}
		seen[got.FixedHeader.Type] = true
		w := in // Encode set the fixed header's flags and remaining length
		w.ProtocolVersion = got.ProtocolVersion
		if want.FixedHeader.Type == packets.Connect && got.ProtocolVersion != want.ProtocolVersion {
			t.Fatalf("connect version %d, want %d", got.ProtocolVersion, want.ProtocolVersion)
		}
		if want.FixedHeader.Type == packets.Suback {
			w.ReasonCodes = want.ReasonCodes
		}
		if !reflect.DeepEqual(norm(got), norm(w)) {
			t.Fatalf("%s:\n got %+v\nwant %+v", TypeName(want.FixedHeader.Type), norm(got), norm(w))
		}
	}
	if len(seen) != 14 {
		t.Fatalf("%d packet types round-tripped, want 14", len(seen))
	}
}

// norm drops the empty-versus-nil differences of decoded packets.
func norm(p packets.Packet) packets.Packet {
	if len(p.Payload) == 0 {
		p.Payload = nil
	}
	if len(p.Filters) == 0 {
		p.Filters = nil
	}
	if len(p.ReasonCodes) == 0 {
		p.ReasonCodes = nil
	}
	for _, b := range []*[]byte{&p.Connect.Username, &p.Connect.Password, &p.Connect.WillPayload} {
		if len(*b) == 0 {
			*b = nil
		}
	}
	return p
}

func TestEncodeChecksWhatTheCodecWouldTruncate(t *testing.T) {
	long := strings.Repeat("x", 65536)
	p := pkt(packets.Publish)
	p.TopicName = long
	if _, err := Encode(&p); err == nil || !strings.Contains(err.Error(), "the topic is 65536 bytes") {
		t.Fatalf("long topic: %v", err)
	}
	p = pkt(packets.Publish)
	p.TopicName, p.FixedHeader.Qos = "t", 1
	if _, err := Encode(&p); err == nil || !strings.Contains(err.Error(), "messageId") {
		t.Fatalf("qos 1 without id: %v", err)
	}
	p = pkt(packets.Subscribe)
	p.Filters = packets.Subscriptions{{Filter: "a"}}
	if _, err := Encode(&p); err == nil || !strings.Contains(err.Error(), "subscribe needs a messageId") {
		t.Fatalf("subscribe without id: %v", err)
	}
	p = pkt(packets.Connect)
	p.Connect.ProtocolName, p.ProtocolVersion = []byte("MQTT"), 4
	p.Connect.PasswordFlag, p.Connect.Password = true, []byte(long)
	if _, err := Encode(&p); err == nil || !strings.Contains(err.Error(), "the password is 65536 bytes") {
		t.Fatalf("long password: %v", err)
	}
	p = pkt(15)
	if _, err := Encode(&p); err == nil {
		t.Fatal("type 15 encoded")
	}
	// The fixed flags are set whatever the caller left in the header.
	p = pkt(packets.Pubrel)
	p.PacketID, p.FixedHeader.Retain = 3, true
	b, err := Encode(&p)
	if err != nil || b[0] != 0x62 {
		t.Fatalf("pubrel first byte % x (%v), want 62", b, err)
	}
}

func TestReadRefusesMalformedPackets(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"type 0", []byte{0x00, 0x00}, "packet type 0 does not exist"},
		{"type 15", []byte{0xf0, 0x00}, "packet type 15 does not exist"},
		{"qos 3 publish", []byte{0x36, 0x00}, "malformed publish packet"},
		{"flags on a puback", []byte{0x41, 0x02, 0, 1}, "malformed puback packet"},
		{"connack too long", []byte{0x20, 0x03, 0, 0, 0}, "remaining length 3, want 2"},
		{"pingresp with a body", []byte{0xd0, 0x01, 0}, "remaining length 1, want 0"},
		{"subscribe without filters", []byte{0x82, 0x02, 0, 1}, "no topic filters"},
		{"length over 4 bytes", []byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}, "variable byte integer"},
		{"mqtt 5 connect", append([]byte{0x10, 0x0d, 0, 4, 'M', 'Q', 'T', 'T', 5, 2, 0, 0, 0}, 0, 0), "only MQTT 3.1"},
		{"topic not utf-8", []byte{0x30, 0x04, 0, 2, 0xff, 0xfe}, "invalid utf-8"},
	} {
		_, err := ReadPacket(bufio.NewReader(bytes.NewReader(c.in)), 4, 0)
		var me *MalformedError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a MalformedError containing %q", c.name, err, c.want)
		}
	}
	if _, err := ReadPacket(bufio.NewReader(bytes.NewReader(nil)), 4, 0); err != io.EOF {
		t.Fatalf("empty: %v, want io.EOF", err)
	}
	if _, err := ReadPacket(bufio.NewReader(bytes.NewReader([]byte{0x30, 0x05, 0, 1})), 4, 0); err != io.ErrUnexpectedEOF {
		t.Fatalf("cut: %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestReadStopsAtTheLimitAndNamesTheTopic(t *testing.T) {
	p := pkt(packets.Publish)
	p.TopicName, p.Payload = "big/one", make([]byte, 100)
	b, _ := Encode(&p)
	_, err := ReadPacket(bufio.NewReader(bytes.NewReader(b)), 4, 50)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Topic != "big/one" || tl.Size != 109 || tl.Limit != 50 || tl.PayloadSize() != 100 {
		t.Fatalf("%v (%+v)", err, tl)
	}
	if !strings.Contains(err.Error(), "publish on big/one: 109 bytes, more than the limit of 50") {
		t.Fatal(err)
	}
	// At the limit it is read.
	if _, err := ReadPacket(bufio.NewReader(bytes.NewReader(b)), 4, 109); err != nil {
		t.Fatal(err)
	}
}

type recorder struct {
	mu     sync.Mutex
	got    []packets.Packet
	closed chan error
}

func newRecorder() *recorder { return &recorder{closed: make(chan error, 1)} }

func (r *recorder) handler() Handler {
	return Handler{
		Packet: func(pk packets.Packet) { r.mu.Lock(); r.got = append(r.got, pk); r.mu.Unlock() },
		Closed: func(err error) { r.closed <- err },
	}
}

func (r *recorder) types() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, p := range r.got {
		out = append(out, TypeName(p.FixedHeader.Type))
	}
	return out
}

func waitClosed(t *testing.T, r *recorder) error {
	t.Helper()
	select {
	case err := <-r.closed:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("connection did not end")
		return nil
	}
}

// TestSendEndDeliversInOrderThenCloses: writes queued before End reach the
// peer in order, each done sees nil, the peer then reads EOF, and the
// local Closed gets nil (ended on purpose).
func TestSendEndDeliversInOrderThenCloses(t *testing.T) {
	a, b := netpair.TCP(t)
	ca, cb := NewConn(a, Options{}), NewConn(b, Options{})
	ra, rb := newRecorder(), newRecorder()
	ca.Start(ra.handler())
	cb.Start(rb.handler())
	var dones []error
	var mu sync.Mutex
	for i := 1; i <= 50; i++ {
		p := pkt(packets.Puback)
		p.PacketID = uint16(i)
		if err := ca.Send(&p, func(err error) { mu.Lock(); dones = append(dones, err); mu.Unlock() }); err != nil {
			t.Fatal(err)
		}
	}
	d := pkt(packets.Disconnect)
	if err := ca.Send(&d, nil); err != nil {
		t.Fatal(err)
	}
	ca.End()
	if err := ca.Send(&d, nil); err != ErrClosed {
		t.Fatalf("send after End: %v, want ErrClosed", err)
	}
	if err := waitClosed(t, rb); err != io.EOF {
		t.Fatalf("peer ended with %v, want io.EOF", err)
	}
	if err := waitClosed(t, ra); err != nil {
		t.Fatalf("local end: %v, want nil", err)
	}
	ca.Wait()
	cb.Close()
	cb.Wait()
	types := rb.types()
	if len(types) != 51 || types[50] != "disconnect" {
		t.Fatalf("peer read %d packets (%q...)", len(types), types[:min(3, len(types))])
	}
	for i, p := range rb.got[:50] {
		if p.PacketID != uint16(i+1) {
			t.Fatalf("packet %d has id %d", i, p.PacketID)
		}
	}
	if len(dones) != 50 {
		t.Fatalf("%d done calls", len(dones))
	}
	for _, e := range dones {
		if e != nil {
			t.Fatal(e)
		}
	}
}

// TestSendTimesOutOnAPeerThatStopsReading: with a small send buffer, a
// write to a peer that reads nothing times out, ends the connection and
// reports the timeout to done and Closed.
func TestSendTimesOutOnAPeerThatStopsReading(t *testing.T) {
	a, _ := netpair.TCP(t)
	_ = a.(*net.TCPConn).SetWriteBuffer(8 << 10)
	c := NewConn(a, Options{SendTimeout: 200 * time.Millisecond})
	r := newRecorder()
	c.Start(r.handler())
	p := pkt(packets.Publish)
	p.TopicName, p.Payload = "t", make([]byte, 60000)
	done := make(chan error, 200)
	start := time.Now()
	for i := 0; i < 100; i++ {
		if err := c.Send(&p, func(err error) { done <- err }); err != nil {
			break
		}
	}
	err := waitClosed(t, r)
	if !IsTimeout(err) {
		t.Fatalf("closed with %v, want a timeout", err)
	}
	if el := time.Since(start); el < 200*time.Millisecond || el > 5*time.Second {
		t.Fatalf("took %s", el)
	}
	c.Wait()
	var ok, failed int
	for len(done) > 0 {
		if <-done == nil {
			ok++
		} else {
			failed++
		}
	}
	if failed == 0 || ok+failed != 100 {
		t.Fatalf("%d written, %d failed of 100", ok, failed)
	}
}

func TestCloseDropsQueuedWritesAndReportsNil(t *testing.T) {
	a, _ := netpair.TCP(t)
	c := NewConn(a, Options{})
	r := newRecorder()
	c.Start(r.handler())
	c.Close()
	if err := waitClosed(t, r); err != nil {
		t.Fatalf("Close: %v, want nil", err)
	}
	p := pkt(packets.Pingreq)
	if err := c.Send(&p, nil); err != ErrClosed {
		t.Fatalf("send after Close: %v", err)
	}
	c.Wait()
}

func TestPeerGarbageEndsTheConnectionWithMalformed(t *testing.T) {
	a, b := netpair.TCP(t)
	c := NewConn(a, Options{})
	r := newRecorder()
	c.Start(r.handler())
	_, _ = b.Write([]byte{0xd0, 0x00, 'H', 'T', 'T', 'P'}) // a PINGRESP, then "HTTP"
	err := waitClosed(t, r)
	var me *MalformedError
	if !errors.As(err, &me) || me.Type != packets.Puback {
		t.Fatalf("%v", err)
	}
	if got := r.types(); len(got) != 1 || got[0] != "pingresp" {
		t.Fatalf("packets %q", got)
	}
	c.Wait()
}

func TestReadNowAndWriteNowBeforeStart(t *testing.T) {
	a, b := netpair.TCP(t)
	ca, cb := NewConn(a, Options{}), NewConn(b, Options{})
	p := pkt(packets.Connect)
	p.ProtocolVersion = 3
	p.Connect.ProtocolName, p.Connect.ClientIdentifier = []byte("MQIsdp"), "x"
	if err := ca.WriteNow(&p, time.Second); err != nil {
		t.Fatal(err)
	}
	got, err := cb.ReadNow(time.Second)
	if err != nil || got.ProtocolVersion != 3 || got.Connect.ClientIdentifier != "x" {
		t.Fatalf("%+v %v", got, err)
	}
	start := time.Now()
	_, err = ca.ReadNow(100 * time.Millisecond)
	if !IsTimeout(err) || time.Since(start) < 100*time.Millisecond {
		t.Fatalf("read with nothing sent: %v after %s", err, time.Since(start))
	}
	ca.Close()
	cb.Close()
}

func TestDialTellsDNSFromRefused(t *testing.T) {
	_, err := Dial(context.Background(), "tcp://no-such-host.invalid:1883", DialOptions{Timeout: 5 * time.Second})
	if err == nil || !IsDNS(err) {
		t.Fatalf("unresolvable name: %v, want a DNS error", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Dial(context.Background(), "tcp://"+addr, DialOptions{})
	if err == nil || IsDNS(err) || IsTimeout(err) {
		t.Fatalf("closed port: %v, want a refusal", err)
	}
	if _, err := Dial(context.Background(), "mqtt://"+addr, DialOptions{}); err == nil || !strings.Contains(err.Error(), "unsupported scheme") {
		t.Fatalf("bad scheme: %v", err)
	}
}
