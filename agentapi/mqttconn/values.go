package mqttconn

import (
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/agenthost/agenthost/mqttwire"
	"github.com/dop251/goja"
	"github.com/mochi-mqtt/server/v2/packets"
)

// packetValue is the object an event passes: the fixed header's cmd, dup,
// qos, retain and length, and the fields of the packet type (see the
// README's MqttConnection section). Loop only.
func (c *Conn) packetValue(pk packets.Packet) *goja.Object {
	rt := c.env.Runtime
	o := rt.NewObject()
	fh := pk.FixedHeader
	_ = o.Set("cmd", mqttwire.TypeName(fh.Type))
	_ = o.Set("dup", fh.Dup)
	_ = o.Set("qos", int(fh.Qos))
	_ = o.Set("retain", fh.Retain)
	_ = o.Set("length", fh.Remaining)
	switch fh.Type {
	case packets.Connect:
		p := pk.Connect
		_ = o.Set("protocolId", string(p.ProtocolName))
		_ = o.Set("protocolVersion", int(pk.ProtocolVersion))
		_ = o.Set("version", string(p.ProtocolName))
		_ = o.Set("versionNum", int(pk.ProtocolVersion))
		_ = o.Set("keepalive", int(p.Keepalive))
		_ = o.Set("clientId", p.ClientIdentifier)
		_ = o.Set("clean", p.Clean)
		if p.WillFlag {
			w := rt.NewObject()
			_ = w.Set("topic", p.WillTopic)
			_ = w.Set("payload", strings.ToValidUTF8(string(p.WillPayload), "\uFFFD"))
			_ = w.Set("qos", int(p.WillQos))
			_ = w.Set("retain", p.WillRetain)
			_ = o.Set("will", w)
		}
		if p.UsernameFlag {
			_ = o.Set("username", strings.ToValidUTF8(string(p.Username), "\uFFFD"))
		}
		if p.PasswordFlag {
			_ = o.Set("password", strings.ToValidUTF8(string(p.Password), "\uFFFD"))
		}
	case packets.Connack:
		_ = o.Set("returnCode", int(pk.ReasonCode))
		_ = o.Set("sessionPresent", pk.SessionPresent)
	case packets.Publish:
		_ = o.Set("topic", pk.TopicName)
		_ = o.Set("payload", c.payload(pk.Payload))
		if fh.Qos > 0 {
			_ = o.Set("messageId", int(pk.PacketID))
		}
	case packets.Puback, packets.Pubrec, packets.Pubrel, packets.Pubcomp, packets.Unsuback:
		_ = o.Set("messageId", int(pk.PacketID))
	case packets.Subscribe:
		_ = o.Set("messageId", int(pk.PacketID))
		subs := make([]any, len(pk.Filters))
		for i, f := range pk.Filters {
			s := rt.NewObject()
			_ = s.Set("topic", f.Filter)
			_ = s.Set("qos", int(f.Qos))
			subs[i] = s
		}
		_ = o.Set("subscriptions", rt.NewArray(subs...))
	case packets.Suback:
		_ = o.Set("messageId", int(pk.PacketID))
		granted := make([]any, len(pk.ReasonCodes))
		for i, g := range pk.ReasonCodes {
			granted[i] = int(g)
		}
		_ = o.Set("granted", rt.NewArray(granted...))
	case packets.Unsubscribe:
		_ = o.Set("messageId", int(pk.PacketID))
		topics := make([]any, len(pk.Filters))
		for i, f := range pk.Filters {
			topics[i] = f.Filter
		}
		_ = o.Set("unsubscriptions", rt.NewArray(topics...))
	}
	return o
}

// payload is a publish payload as setEncoding asked: a blob by default.
func (c *Conn) payload(b []byte) goja.Value {
	rt := c.env.Runtime
	switch c.encoding {
	case "utf8":
		return rt.ToValue(strings.ToValidUTF8(string(b), "\uFFFD"))
	case "hex":
		return rt.ToValue(hex.EncodeToString(b))
	case "base64":
		return rt.ToValue(base64.StdEncoding.EncodeToString(b))
	case "latin1":
		r := make([]rune, len(b))
		for i, x := range b {
			r[i] = rune(x)
		}
		return rt.ToValue(string(r))
	}
	return c.env.Blobs.Wrap(b)
}
