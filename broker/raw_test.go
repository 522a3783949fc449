package broker_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// Hand-made MQTT packets, for the cases a paho client cannot produce:
// MQTT 5 and 3.1, reserved topics, half-sent or oversized packets.

// Packet types, as the high nibble of the first byte.
const (
	pkConnect    = 0x10
	pkConnack    = 0x20
	pkPublish    = 0x30
	pkPuback     = 0x40
	pkPubrec     = 0x50
	pkPubrel     = 0x62 // with its mandatory flags
	pkPubcomp    = 0x70
	pkSubscribe  = 0x82 // with its mandatory flags
	pkSuback     = 0x90
	pkPingreq    = 0xC0
	pkPingresp   = 0xD0
	pkDisconnect = 0xE0
)

// mqttStr encodes an MQTT UTF-8 string (or binary data): length, bytes.
func mqttStr(s string) []byte {
	return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...)
}

// varint encodes n as an MQTT variable byte integer.
func varint(n int) []byte {
	var out []byte
	for {
		b := byte(n % 128)
		n /= 128
		if n > 0 {
			b |= 0x80
		}
		out = append(out, b)
		if n == 0 {
			return out
		}
	}
}

// packet assembles a control packet from its first byte and body.
func packet(first byte, body ...[]byte) []byte {
	b := bytes.Join(body, nil)
	return append(append([]byte{first}, varint(len(b))...), b...)
}

// rawConnect describes a CONNECT packet.
type rawConnect struct {
	level      byte // 3 (MQTT 3.1), 4 (3.1.1) or 5
	id         string
	user, pass string // sent when user is not ""
	keepalive  uint16
	will       *rawWill
}

type rawWill struct {
	topic, payload string
	qos            byte
	retain         bool
}

func (c rawConnect) bytes() []byte {
	name := "MQTT"
	if c.level == 3 {
		name = "MQIsdp"
	}
	flags := byte(0x02) // clean session
	if c.will != nil {
		flags |= 0x04 | c.will.qos<<3
		if c.will.retain {
			flags |= 0x20
		}
	}
	if c.user != "" {
		flags |= 0xC0
	}
	vh := append(mqttStr(name), c.level, flags, byte(c.keepalive>>8), byte(c.keepalive))
	if c.level == 5 {
		vh = append(vh, 0) // no properties
	}
	vh = append(vh, mqttStr(c.id)...)
	if c.will != nil {
		if c.level == 5 {
			vh = append(vh, 0) // no will properties
		}
		vh = append(append(vh, mqttStr(c.will.topic)...), mqttStr(c.will.payload)...)
	}
	if c.user != "" {
		vh = append(append(vh, mqttStr(c.user)...), mqttStr(c.pass)...)
	}
	return packet(pkConnect, vh)
}

// publishPacket builds a PUBLISH; id is used for QoS 1 and 2.
func publishPacket(level byte, topic string, qos byte, id uint16, retain bool, payload []byte) []byte {
	first := byte(pkPublish) | qos<<1
	if retain {
		first |= 1
	}
	vh := mqttStr(topic)
	if qos > 0 {
		vh = append(vh, byte(id>>8), byte(id))
	}
	if level == 5 {
		vh = append(vh, 0) // no properties
	}
	return packet(first, vh, payload)
}

// subscribePacket subscribes to filters at QoS 1.
func subscribePacket(level byte, id uint16, filters ...string) []byte {
	vh := []byte{byte(id >> 8), byte(id)}
	if level == 5 {
		vh = append(vh, 0)
	}
	for _, f := range filters {
		vh = append(append(vh, mqttStr(f)...), 1)
	}
	return packet(pkSubscribe, vh)
}

// rawConn is a test's raw MQTT connection; every read and write fails the
// test after waitLimit.
type rawConn struct {
	t *testing.T
	net.Conn
	level byte
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
	return &rawConn{t: t, Conn: conn}
}

// connectRaw dials and connects with c, requiring CONNACK success, and
// returns the CONNACK body.
func connectRaw(t *testing.T, addr string, c rawConnect) (*rawConn, []byte) {
	t.Helper()
	rc := dialRaw(t, addr)
	rc.level = c.level
	rc.send(c.bytes())
	body := rc.expect(pkConnack)
	if len(body) < 2 || body[1] != 0 {
		t.Fatalf("CONNACK % x for %q, want success", body, c.id)
	}
	return rc, body
}

func (c *rawConn) send(pkts ...[]byte) {
	c.t.Helper()
	if _, err := c.Write(bytes.Join(pkts, nil)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// expect reads the next packet and fails unless its first byte's type
// nibble is typ's; it returns the body.
func (c *rawConn) expect(typ byte) []byte {
	c.t.Helper()
	first, body, err := readPacket(c)
	if err != nil {
		c.t.Fatalf("waiting for packet type %#x: %v", typ, err)
	}
	if first&0xF0 != typ&0xF0 {
		c.t.Fatalf("got packet %#x % x, want type %#x", first, body, typ)
	}
	return body
}

// ping sends PINGREQ and expects PINGRESP: everything sent before has
// been processed.
func (c *rawConn) ping() {
	c.t.Helper()
	c.send([]byte{pkPingreq, 0})
	c.expect(pkPingresp)
}

// readUntilClosed reads until the broker closes the connection and
// returns every byte received; it fails the test if the connection is
// still open after limit.
func (c *rawConn) readUntilClosed(limit time.Duration) []byte {
	c.t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(limit)); err != nil {
		c.t.Fatal(err)
	}
	data, err := io.ReadAll(c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.t.Fatalf("connection still open after %v (received % x)", limit, data)
	}
	return data
}

// closedWithin reports whether the broker closes conn within limit (EOF
// or reset), and what it sent before.
func closedWithin(conn net.Conn, limit time.Duration) (bool, []byte) {
	_ = conn.SetReadDeadline(time.Now().Add(limit))
	data, err := io.ReadAll(conn)
	return !errors.Is(err, os.ErrDeadlineExceeded), data
}
