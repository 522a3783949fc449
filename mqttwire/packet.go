// Package mqttwire reads and writes MQTT 3.1 and 3.1.1 packets on a
// network connection, with mochi-mqtt's packets package as the codec. It
// is the transport under the packet-level dialects of the agent API (the
// NodeMCU client, MqttConnection) and the test runner's fake brokers: they
// decide what to send and what a packet means; this package only frames,
// encodes, decodes and moves bytes, on goroutines of its own.
package mqttwire

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/mochi-mqtt/server/v2/packets"
)

// Protocol versions this package speaks: MQTT 3.1 ("MQIsdp") and 3.1.1
// ("MQTT"). Their packets differ only in CONNECT, which names its own.
const (
	Version31  byte = 3
	Version311 byte = 4
)

// MaxRemaining is the largest remaining length MQTT can express.
const MaxRemaining = 268435455

// maxString is the longest string or binary field MQTT can carry.
const maxString = 65535

// TypeNames are the packet types' names as MqttConnection spells them,
// indexed by type (1 CONNECT ... 14 DISCONNECT).
var TypeNames = [...]string{
	packets.Connect: "connect", packets.Connack: "connack", packets.Publish: "publish",
	packets.Puback: "puback", packets.Pubrec: "pubrec", packets.Pubrel: "pubrel", packets.Pubcomp: "pubcomp",
	packets.Subscribe: "subscribe", packets.Suback: "suback", packets.Unsubscribe: "unsubscribe",
	packets.Unsuback: "unsuback", packets.Pingreq: "pingreq", packets.Pingresp: "pingresp",
	packets.Disconnect: "disconnect",
}

// TypeName names a packet type ("connack"), or "type N" for one MQTT 3.1.1
// does not have.
func TypeName(t byte) string {
	if int(t) < len(TypeNames) && TypeNames[t] != "" {
		return TypeNames[t]
	}
	return fmt.Sprintf("type %d", t)
}

// TooLargeError is the error of a packet whose remaining length is over
// the reader's limit. The packet is not read; for a PUBLISH, Topic holds
// its topic (read so that the refusal can name it).
type TooLargeError struct {
	Type  byte
	Qos   byte
	Size  int // remaining length, bytes
	Limit int
	Topic string
}

// PayloadSize is the size of a too large PUBLISH's payload.
func (e *TooLargeError) PayloadSize() int {
	n := e.Size - 2 - len(e.Topic)
	if e.Qos > 0 {
		n -= 2
	}
	return n
}

func (e *TooLargeError) Error() string {
	s := fmt.Sprintf("%s packet of %d bytes, more than the limit of %d", TypeName(e.Type), e.Size, e.Limit)
	if e.Topic != "" {
		s = fmt.Sprintf("%s on %s: %d bytes, more than the limit of %d", TypeName(e.Type), e.Topic, e.Size, e.Limit)
	}
	return s
}

// MalformedError is the error of bytes that are not a valid MQTT 3.1.1
// packet. The stream cannot be resynchronised after one.
type MalformedError struct {
	Type byte // 0 when the fixed header itself was bad
	Err  error
}

func (e *MalformedError) Error() string {
	if e.Type == 0 {
		return "malformed packet: " + e.Err.Error()
	}
	return fmt.Sprintf("malformed %s packet: %v", TypeName(e.Type), e.Err)
}

func (e *MalformedError) Unwrap() error { return e.Err }

// ReadPacket reads one packet from r and decodes it for protocol version
// (3 or 4; a CONNECT is decoded with the version it names). A packet whose
// remaining length is over limit (0: MaxRemaining) is not read and gives a
// *TooLargeError. It returns io.EOF when r ends between packets,
// io.ErrUnexpectedEOF when it ends inside one, a *MalformedError for bytes
// that are not a packet, or r's error.
func ReadPacket(r *bufio.Reader, version byte, limit int) (packets.Packet, error) {
	var pk packets.Packet
	hb, err := r.ReadByte()
	if err != nil {
		return pk, err
	}
	typ := hb >> 4
	if typ < packets.Connect || typ > packets.Disconnect {
		return pk, &MalformedError{Err: fmt.Errorf("packet type %d does not exist in MQTT 3.1.1 (first byte 0x%02x)", typ, hb)}
	}
	if err := pk.FixedHeader.Decode(hb); err != nil {
		return pk, &MalformedError{Type: typ, Err: err}
	}
	n, _, err := packets.DecodeLength(r)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return pk, io.ErrUnexpectedEOF
		}
		var code packets.Code
		if errors.As(err, &code) {
			return pk, &MalformedError{Type: typ, Err: err}
		}
		return pk, err
	}
	pk.FixedHeader.Remaining = n
	if limit <= 0 {
		limit = MaxRemaining
	}
	if n > limit {
		tl := &TooLargeError{Type: typ, Qos: pk.FixedHeader.Qos, Size: n, Limit: limit}
		if typ == packets.Publish {
			tl.Topic = peekTopic(r)
		}
		return pk, tl
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return pk, err
	}
	pk.ProtocolVersion = version
	if err := decode(&pk, buf); err != nil {
		return pk, &MalformedError{Type: typ, Err: err}
	}
	return pk, nil
}

// peekTopic reads the topic of a PUBLISH whose body will not be read.
func peekTopic(r *bufio.Reader) string {
	var l [2]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return ""
	}
	t := make([]byte, int(l[0])<<8|int(l[1]))
	if _, err := io.ReadFull(r, t); err != nil {
		return ""
	}
	return string(t)
}

func decode(pk *packets.Packet, buf []byte) error {
	switch pk.FixedHeader.Type {
	case packets.Connect:
		if err := pk.ConnectDecode(buf); err != nil {
			return err
		}
		if pk.ProtocolVersion != Version31 && pk.ProtocolVersion != Version311 {
			return fmt.Errorf("protocol %q version %d: only MQTT 3.1 (MQIsdp 3) and 3.1.1 (MQTT 4) are spoken here",
				pk.Connect.ProtocolName, pk.ProtocolVersion)
		}
		return nil
	case packets.Connack:
		if len(buf) != 2 {
			return fmt.Errorf("remaining length %d, want 2", len(buf))
		}
		return pk.ConnackDecode(buf)
	case packets.Publish:
		return pk.PublishDecode(buf)
	case packets.Puback:
		return pk.PubackDecode(buf)
	case packets.Pubrec:
		return pk.PubrecDecode(buf)
	case packets.Pubrel:
		return pk.PubrelDecode(buf)
	case packets.Pubcomp:
		return pk.PubcompDecode(buf)
	case packets.Subscribe:
		if err := pk.SubscribeDecode(buf); err != nil {
			return err
		}
		if len(pk.Filters) == 0 {
			return errors.New("no topic filters")
		}
		return nil
	case packets.Suback:
		return pk.SubackDecode(buf)
	case packets.Unsubscribe:
		if err := pk.UnsubscribeDecode(buf); err != nil {
			return err
		}
		if len(pk.Filters) == 0 {
			return errors.New("no topic filters")
		}
		return nil
	case packets.Unsuback:
		return pk.UnsubackDecode(buf)
	case packets.Pingreq, packets.Pingresp, packets.Disconnect:
		if len(buf) != 0 {
			return fmt.Errorf("remaining length %d, want 0", len(buf))
		}
		return nil
	}
	return fmt.Errorf("packet type %d does not exist in MQTT 3.1.1", pk.FixedHeader.Type)
}

// Encode encodes pk, an MQTT 3.1 or 3.1.1 packet described by its
// FixedHeader.Type and the fields that type uses, into its bytes. It sets
// the fixed-header flags that MQTT fixes (QoS 1 on PUBREL, SUBSCRIBE and
// UNSUBSCRIBE; none on the others but PUBLISH) and checks what the codec
// would otherwise truncate or refuse: strings and binary fields of at most
// 65,535 bytes, a packet id on a PUBLISH with QoS > 0, SUBSCRIBE and
// UNSUBSCRIBE ids. The error names the field.
func Encode(pk *packets.Packet) ([]byte, error) {
	fh := &pk.FixedHeader
	if err := check(pk); err != nil {
		return nil, err
	}
	switch fh.Type {
	case packets.Publish:
		if fh.Qos > 2 {
			return nil, fmt.Errorf("qos %d is not 0, 1 or 2", fh.Qos)
		}
	case packets.Pubrel, packets.Subscribe, packets.Unsubscribe:
		fh.Qos, fh.Retain = 1, false
	default:
		fh.Qos, fh.Dup, fh.Retain = 0, false, false
	}
	var buf bytes.Buffer
	var err error
	switch fh.Type {
	case packets.Connect:
		err = pk.ConnectEncode(&buf)
	case packets.Connack:
		err = pk.ConnackEncode(&buf)
	case packets.Publish:
		err = pk.PublishEncode(&buf)
	case packets.Puback:
		err = pk.PubackEncode(&buf)
	case packets.Pubrec:
		err = pk.PubrecEncode(&buf)
	case packets.Pubrel:
		err = pk.PubrelEncode(&buf)
	case packets.Pubcomp:
		err = pk.PubcompEncode(&buf)
	case packets.Subscribe:
		err = pk.SubscribeEncode(&buf)
	case packets.Suback:
		err = pk.SubackEncode(&buf)
	case packets.Unsubscribe:
		err = pk.UnsubscribeEncode(&buf)
	case packets.Unsuback:
		err = pk.UnsubackEncode(&buf)
	case packets.Pingreq:
		err = pk.PingreqEncode(&buf)
	case packets.Pingresp:
		err = pk.PingrespEncode(&buf)
	case packets.Disconnect:
		err = pk.DisconnectEncode(&buf)
	default:
		return nil, fmt.Errorf("packet type %d does not exist in MQTT 3.1.1", fh.Type)
	}
	if err != nil {
		return nil, err
	}
	if fh.Remaining > MaxRemaining {
		return nil, fmt.Errorf("the packet is %d bytes, more than MQTT's %d", fh.Remaining, MaxRemaining)
	}
	return buf.Bytes(), nil
}

// check finds the fields Encode cannot encode.
func check(pk *packets.Packet) error {
	long := func(what string, n int) error {
		if n > maxString {
			return fmt.Errorf("%s is %d bytes, more than MQTT's %d", what, n, maxString)
		}
		return nil
	}
	c := &pk.Connect
	for _, f := range []struct {
		what string
		n    int
	}{
		{"the topic", len(pk.TopicName)}, {"the protocol name", len(c.ProtocolName)},
		{"the client id", len(c.ClientIdentifier)}, {"the will topic", len(c.WillTopic)},
		{"the will payload", len(c.WillPayload)}, {"the username", len(c.Username)}, {"the password", len(c.Password)},
	} {
		if err := long(f.what, f.n); err != nil {
			return err
		}
	}
	for i, f := range pk.Filters {
		if err := long(fmt.Sprintf("topic %d", i), len(f.Filter)); err != nil {
			return err
		}
	}
	switch pk.FixedHeader.Type {
	case packets.Publish:
		if pk.FixedHeader.Qos > 0 && pk.PacketID == 0 {
			return errors.New("a QoS 1 or 2 publish needs a messageId from 1 to 65535")
		}
	case packets.Subscribe, packets.Unsubscribe:
		if pk.PacketID == 0 {
			return fmt.Errorf("a %s needs a messageId from 1 to 65535", TypeName(pk.FixedHeader.Type))
		}
	}
	return nil
}
