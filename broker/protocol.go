package broker

import (
	"bytes"
	"strings"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/agenthost/agenthost/mqtttopic"
)

// protocolHook corrects mochi where it departs from MQTT, or from what
// mosquitto 2.0 does:
//
//   - A PUBLISH to a reserved topic (see reservedTopic) is acknowledged and
//     dropped. mochi drops PUBLISHes to $SYS topics without acknowledging
//     them, so a QoS 1 or 2 publisher waits forever, and delivers
//     PUBLISHes to "$share/..." topics to shared wildcard subscribers. MQTT
//     3.x clients get the ordinary acknowledgements (PUBACK, or PUBREC then
//     PUBCOMP); MQTT 5 clients get PUBACK or PUBREC with reason code 0x87
//     "not authorized". Wills on reserved topics are dropped too.
//   - A shared subscription whose filter starts with a wildcard ("$share/g/#",
//     "$share/g/+/x") does not receive topics starting with '$'; mochi
//     applies that MQTT rule to plain subscriptions only. (Retained
//     messages, which shared subscriptions never get, are handled by
//     policyHook.OnACLCheck.)
//   - MQTT 3.x forbids a server to send DISCONNECT; mochi sends it on
//     shutdown, session take-over and some protocol errors. Those packets
//     are suppressed for MQTT 3.x clients, whose connections are then
//     simply closed; MQTT 5 clients still get them, with their reason code.
//   - MQTT 5 clients learn the broker's maximum packet size from CONNACK.
//
// mochi calls it from connection goroutines concurrently; it holds no
// mutable state.
type protocolHook struct {
	mqtt.HookBase
	maxPacket  uint32                  // advertised to MQTT 5 clients in CONNACK
	privileged func(*mqtt.Client) bool // reports the in-process privileged client
	// dropped reports a PUBLISH to a reserved topic before it is dropped.
	dropped func(*mqtt.Client, packets.Packet)
}

func (h *protocolHook) ID() string { return "agenthost-protocol" }

func (h *protocolHook) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnPacketRead, mqtt.OnSelectSubscribers, mqtt.OnWill, mqtt.OnPacketEncode}, []byte{b})
}

// reservedTopic reports whether clients may not publish to topic: topics
// starting with "$SYS" in any case (mochi's own test, so "$SYSTEM/x" is
// included; mochi publishes its statistics under "$SYS/broker/"), and
// topics whose first level is "$share" in any case, which name shared
// subscriptions rather than topics.
func reservedTopic(topic string) bool {
	return len(topic) >= len(mqtt.SysPrefix) && strings.EqualFold(topic[:len(mqtt.SysPrefix)], mqtt.SysPrefix) ||
		isShared(topic)
}

// isShared reports whether f's first level is "$share" in any case, as
// mochi's IsSharedFilter does.
func isShared(f string) bool {
	first, _, _ := strings.Cut(f, "/")
	return strings.EqualFold(first, mqtt.SharePrefix)
}

// OnPacketRead acknowledges a valid PUBLISH to a reserved topic and turns
// it into one that mochi drops without a word: mochi discards PUBLISHes to
// "$SYS" (the first check of its processPublish) before acknowledging,
// retaining or delivering them. The test of this behaviour would catch a
// mochi upgrade that changed it.
func (h *protocolHook) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Type != packets.Publish || !reservedTopic(pk.TopicName) ||
		pk.PublishValidate(h.Opts.Capabilities.TopicAliasMaximum) != packets.CodeSuccess {
		return pk, nil // invalid PUBLISHes are left to mochi, which closes the connection
	}
	if qos := pk.FixedHeader.Qos; qos > 0 {
		ack := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback}, PacketID: pk.PacketID}
		if qos == 2 {
			// For MQTT 3.x the client answers with PUBREL, which mochi
			// answers with PUBCOMP: it knows no such packet id, a reason
			// code MQTT 3.x PUBCOMPs cannot carry.
			ack.FixedHeader.Type = packets.Pubrec
		}
		if cl.Properties.ProtocolVersion >= 5 {
			ack.ReasonCode = packets.ErrNotAuthorized.Code // ends a QoS 2 flow at PUBREC
		}
		_ = cl.WritePacket(ack) // a failed write means the connection is going anyway
	}
	if h.dropped != nil {
		h.dropped(cl, pk)
	}
	pk.TopicName = mqtt.SysPrefix
	return pk, nil
}

// OnSelectSubscribers removes shared subscriptions that do not match a '$'
// topic by MQTT's rules: mochi's topic tree lets a leading wildcard of a
// shared filter match it.
func (h *protocolHook) OnSelectSubscribers(subs *mqtt.Subscribers, pk packets.Packet) *mqtt.Subscribers {
	if !strings.HasPrefix(pk.TopicName, "$") {
		return subs
	}
	for filter := range subs.Shared {
		if !mqtttopic.Match(stripShare(filter), pk.TopicName) {
			delete(subs.Shared, filter)
		}
	}
	return subs
}

// OnWill drops a will on a reserved topic, as mosquitto does: mochi
// publishes a will with an empty topic to nobody, and the observers skip
// it.
func (h *protocolHook) OnWill(_ *mqtt.Client, will mqtt.Will) (mqtt.Will, error) {
	if reservedTopic(will.TopicName) {
		will.TopicName, will.Retain = "", false
	}
	return will, nil
}

// OnPacketEncode suppresses DISCONNECT packets to MQTT 3.x clients (a
// packet larger than Mods.MaxSize is not written; the caller goes on to
// close the connection) and adds the maximum packet size to successful
// MQTT 5 CONNACKs.
func (h *protocolHook) OnPacketEncode(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	switch pk.FixedHeader.Type {
	case packets.Disconnect:
		if cl.Properties.ProtocolVersion < 5 {
			pk.Mods.MaxSize = 1
		}
	case packets.Connack:
		if cl.Properties.ProtocolVersion >= 5 && pk.ReasonCode == packets.CodeSuccess.Code && !h.privileged(cl) {
			pk.Properties.MaximumPacketSize = h.maxPacket
		}
	}
	return pk
}
