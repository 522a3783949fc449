package mqtt

import (
	"bytes"
	"errors"
	"io"
	"testing"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"
)

// TestPublish0EncodesAsPaho: a QoS 0 PUBLISH written without paho is,
// byte for byte, the packet paho's own encoder writes, at every length
// where the remaining-length field grows a byte, with and without retain.
func TestPublish0EncodesAsPaho(t *testing.T) {
	for _, size := range []int{0, 1, 64, 125, 126, 127, 16380, 16381, 16383, 2097148, 2097149} {
		for _, retain := range []bool{false, true} {
			topic := "a/b"
			payload := bytes.Repeat([]byte{byte(size)}, size)
			pp := packets.NewControlPacket(packets.Publish).(*packets.PublishPacket)
			pp.TopicName, pp.Payload, pp.Retain = topic, payload, retain
			var want bytes.Buffer
			if err := pp.Write(&want); err != nil {
				t.Fatal(err)
			}
			got := appendPublish0([]byte("prefix"), topic, payload, retain)
			if !bytes.Equal(got[:6], []byte("prefix")) || !bytes.Equal(got[6:], want.Bytes()) {
				t.Errorf("payload %d bytes, retain %v: got % x…, paho writes % x…", size, retain, got[6:min(len(got), 16)], want.Bytes()[:min(want.Len(), 10)])
			}
		}
	}
}

// TestPublish0WaitsForPahosPackets: publish0 declines while a publish,
// subscribe or unsubscribe counted by toPaho is not yet written, takes
// the message again once paho has written it (whatever paho writes in
// between: acks, pings), declines on a full buffer and after a failure;
// what it writes arrives after paho's packet, as one stream.
func TestPublish0WaitsForPahosPackets(t *testing.T) {
	tc, peer := tcpPair(t)
	wire := func(p packets.ControlPacket) []byte {
		var b bytes.Buffer
		if err := p.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	if !tc.publish0("t", []byte("first"), false) {
		t.Fatal("publish0 declined on an idle connection")
	}
	var want []byte
	want = appendPublish0(want, "t", []byte("first"), false)
	for _, typ := range []byte{packets.Publish, packets.Subscribe, packets.Unsubscribe} {
		tc.toPaho()
		tc.toPaho()
		if tc.publish0("t", []byte("x"), false) {
			t.Fatalf("publish0 took a message while two packets (type %d) handed to paho were not written", typ)
		}
		pk := packets.NewControlPacket(typ)
		switch p := pk.(type) {
		case *packets.PublishPacket:
			p.TopicName, p.Qos, p.MessageID = "t", 1, 7
		case *packets.SubscribePacket:
			p.Topics, p.Qoss, p.MessageID = []string{"t"}, []byte{1}, 8
		case *packets.UnsubscribePacket:
			p.Topics, p.MessageID = []string{"t"}, 9
		}
		for _, other := range []packets.ControlPacket{packets.NewControlPacket(packets.Pingreq), packets.NewControlPacket(packets.Puback)} {
			b := wire(other)
			_, _ = tc.Write(b) // not counted: does not release the message
			want = append(want, b...)
			if tc.publish0("t", []byte("x"), false) {
				t.Fatalf("publish0 took a message after paho wrote a %T, before its counted packets", other)
			}
		}
		b := wire(pk)
		for i := 0; i < 2; i++ {
			if tc.publish0("t", []byte("x"), false) {
				t.Fatalf("publish0 took a message with %d counted packet(s) of type %d unwritten", 2-i, typ)
			}
			_, _ = tc.Write(b)
			want = append(want, b...)
		}
		if !tc.publish0("t", []byte{typ}, true) {
			t.Fatalf("publish0 declined once paho had written its packets (type %d)", typ)
		}
		want = appendPublish0(want, "t", []byte{typ}, true)
	}
	got := make([]byte, len(want))
	if _, err := io.ReadFull(peer, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the peer read % x (%v), want % x", got, err, want)
	}

	// A full buffer behind a blocked flusher: paho's Publish waits, with
	// its timeout; publish0 does not make the loop wait.
	tc.wb.mu.Lock()
	tc.wb.buf = make([]byte, maxPending)
	tc.wb.mu.Unlock()
	if tc.publish0("t", []byte("x"), false) {
		t.Error("publish0 took a message into a full buffer")
	}
	tc.wb.mu.Lock()
	tc.wb.buf = nil
	tc.wb.err = io.ErrClosedPipe
	tc.wb.mu.Unlock()
	if tc.publish0("t", []byte("x"), false) {
		t.Error("publish0 took a message after a failed flush")
	}
}

// failedToken is a paho token that completed with err.
type failedToken struct {
	writtenToken
	err error
}

func (t failedToken) Error() error { return t.err }

// TestRefusedRequestsAreUncounted: a request paho refused without writing
// it (not connected; no message ids left) no longer holds QoS 0
// publishes back; one that failed in the write, or is still under way,
// does.
func TestRefusedRequestsAreUncounted(t *testing.T) {
	tc, _ := tcpPair(t)
	pendingTok := &paho.PublishToken{} // never completes
	for _, c := range []struct {
		tok     paho.Token
		counted bool
	}{
		{failedToken{newWrittenToken(), paho.ErrNotConnected}, false},
		{failedToken{newWrittenToken(), errors.New(pahoNoMessageIDs)}, false},
		{failedToken{newWrittenToken(), errors.New("write tcp: broken pipe")}, true},
		{pendingTok, true},
	} {
		tc.wb.viaPaho = 0
		tc.toPaho()
		handedToPaho(tc, c.tok)
		if got := tc.wb.viaPaho == 1; got != c.counted {
			t.Errorf("token %T (%v): still counted %v, want %v", c.tok, c.tok.Error(), got, c.counted)
		}
	}
}
