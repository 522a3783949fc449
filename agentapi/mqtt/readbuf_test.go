package mqtt

import (
	"bytes"
	"io"
	"net"
	"testing"

	"github.com/eclipse/paho.mqtt.golang/packets"
)

// countingConn counts the reads that reach the socket.
type countingConn struct {
	net.Conn
	r     io.Reader
	reads int
}

func (c *countingConn) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

// TestReadsAreBufferedBelowPaho: paho reads a packet's header a byte at a
// time; a burst of small PUBLISHes arriving together reaches the socket
// in one read, every packet decodes as sent, a payload larger than the
// buffer is read straight into paho's slice, and the socket's end
// reaches paho after the last packet.
func TestReadsAreBufferedBelowPaho(t *testing.T) {
	var wire bytes.Buffer
	const small = 20
	for i := 0; i < small; i++ {
		pk := packets.NewControlPacket(packets.Publish).(*packets.PublishPacket)
		pk.TopicName = "t/x"
		pk.Payload = []byte{byte(i), 1, 2, 3}
		if err := pk.Write(&wire); err != nil {
			t.Fatal(err)
		}
	}
	burst := wire.Len()
	big := packets.NewControlPacket(packets.Publish).(*packets.PublishPacket)
	big.TopicName = "t/big"
	big.Payload = bytes.Repeat([]byte{7}, 3*readBuffer)
	if err := big.Write(&wire); err != nil {
		t.Fatal(err)
	}
	// The socket returns the burst in one read, then the rest.
	sock := &countingConn{r: io.MultiReader(bytes.NewReader(wire.Bytes()[:burst]), bytes.NewReader(wire.Bytes()[burst:]))}
	tc := &trackedConn{Conn: sock, guard: &wireGuard{}}
	for i := 0; i < small; i++ {
		cp, err := packets.ReadPacket(tc)
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		if p := cp.(*packets.PublishPacket); p.TopicName != "t/x" || !bytes.Equal(p.Payload, []byte{byte(i), 1, 2, 3}) {
			t.Fatalf("packet %d: %q %v", i, p.TopicName, p.Payload)
		}
	}
	if sock.reads != 1 {
		t.Errorf("%d packets took %d socket reads, want 1", small, sock.reads)
	}
	cp, err := packets.ReadPacket(tc)
	if err != nil {
		t.Fatal(err)
	}
	if p := cp.(*packets.PublishPacket); p.TopicName != "t/big" || !bytes.Equal(p.Payload, big.Payload) {
		t.Fatalf("big packet: %q, %d bytes", p.TopicName, len(p.Payload))
	}
	if _, err := packets.ReadPacket(tc); err != io.EOF {
		t.Errorf("after the last packet: %v, want EOF", err)
	}
	if !tc.failed.Load() {
		t.Error("the socket's end is not recorded as its failure")
	}
}
