package mqttconn

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/dop251/goja"
	"github.com/mochi-mqtt/server/v2/packets"
)

// opts reads one method's options object.
type opts struct {
	c      *Conn
	method string
	obj    *goja.Object // nil when no options were given
}

// options checks a method's options argument: absent or an object. Keys
// outside valid log a [Status] warning naming the valid ones.
func (c *Conn) options(method string, v goja.Value, valid ...string) (*opts, bool) {
	o := &opts{c: c, method: method}
	if agentapi.IsAbsent(v) {
		return o, true
	}
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() == "Array" {
		c.invalid(method, "argument 'options' must be an object, got %s", agentapi.Describe(v))
		return nil, false
	}
	o.obj = obj
	var unknown []string
	for _, k := range obj.Keys() {
		found := false
		for _, x := range valid {
			found = found || x == k
		}
		if !found {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		list := "none"
		if len(valid) > 0 {
			list = strings.Join(valid, ", ")
		}
		c.env.Log.StatusWarn(fmt.Sprintf("MqttConnection.%s: ignoring unknown option(s) %s; valid options are %s",
			method, strings.Join(unknown, ", "), list))
	}
	return o, true
}

func (o *opts) get(name string) goja.Value {
	if o.obj == nil {
		return goja.Undefined()
	}
	if v := o.obj.Get(name); v != nil {
		return v
	}
	return goja.Undefined()
}

func (o *opts) fail(format string, args ...any) {
	o.c.invalid(o.method, format, args...)
}

// str reads a string option; absent gives "" unless required.
func (o *opts) str(name string, required bool) (string, bool) {
	v := o.get(name)
	if agentapi.IsAbsent(v) && !required {
		return "", true
	}
	s, ok := agentapi.StringArg(v)
	if !ok {
		o.fail("options.%s must be a string, got %s", name, agentapi.Describe(v))
	}
	return s, ok
}

// bytes reads a payload option: a string, blob, ArrayBuffer or Uint8Array;
// absent gives empty.
func (o *opts) bytes(name string) ([]byte, bool) {
	v := o.get(name)
	if agentapi.IsAbsent(v) {
		return nil, true
	}
	b, ok := o.c.env.Blobs.BytesOf(v)
	if !ok {
		o.fail("options.%s must be a string, blob, ArrayBuffer or Uint8Array, got %s", name, agentapi.Describe(v))
		return nil, false
	}
	return append([]byte(nil), b...), true
}

// integer reads an integer option within [lo, hi]; absent gives def.
func (o *opts) integer(name string, lo, hi, def int64) (int64, bool) {
	v := o.get(name)
	if agentapi.IsAbsent(v) {
		return def, true
	}
	n, ok := agentapi.IntArg(v)
	if !ok || n < lo || n > hi {
		o.fail("options.%s must be an integer from %d to %d, got %s", name, lo, hi, agentapi.Describe(v))
		return 0, false
	}
	return n, true
}

// flag reads a boolean option: absent is false, anything else is its truth.
func (o *opts) flag(name string) bool {
	v := o.get(name)
	return !agentapi.IsAbsent(v) && v.ToBoolean()
}

// array reads an array option, with at least one element.
func (o *opts) array(name string) ([]goja.Value, bool) {
	v := o.get(name)
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() != "Array" {
		o.fail("options.%s must be an array, got %s", name, agentapi.Describe(v))
		return nil, false
	}
	n := int(obj.Get("length").ToInteger())
	if n < 1 || n > 65535 {
		o.fail("options.%s must hold 1 to 65535 entries, got %d", name, n)
		return nil, false
	}
	out := make([]goja.Value, n)
	for i := range out {
		out[i] = obj.Get(fmt.Sprint(i))
	}
	return out, true
}

// packetMethods installs the methods that write one packet each, and
// end, destroy and setEncoding.
func (c *Conn) packetMethods(obj *goja.Object) {
	rt := c.env.Runtime
	method := func(name string, build func(o *opts) (packets.Packet, bool), valid ...string) {
		_ = obj.Set(name, func(call goja.FunctionCall) goja.Value {
			o, ok := c.options(name, call.Argument(0), valid...)
			if !ok {
				return rt.ToValue(false)
			}
			pk, ok := build(o)
			if !ok {
				return rt.ToValue(false)
			}
			return rt.ToValue(c.send(name, pk))
		})
	}
	method("connect", c.buildConnect, "protocolId", "protocolVersion", "keepalive", "clientId", "will", "clean", "username", "password")
	method("connack", func(o *opts) (packets.Packet, bool) {
		pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connack}}
		rc, ok := o.integer("returnCode", 0, 255, 0)
		pk.ReasonCode, pk.SessionPresent = byte(rc), o.flag("sessionPresent")
		return pk, ok
	}, "returnCode", "sessionPresent")
	method("publish", c.buildPublish, "topic", "payload", "qos", "messageId", "retain", "dup")
	for _, t := range []byte{packets.Puback, packets.Pubrec, packets.Pubcomp, packets.Unsuback} {
		typ := t
		name := packetName(typ)
		method(name, func(o *opts) (packets.Packet, bool) {
			id, ok := c.packetID(name, o, true)
			return packets.Packet{FixedHeader: packets.FixedHeader{Type: typ}, PacketID: id}, ok
		}, "messageId")
	}
	method("pubrel", func(o *opts) (packets.Packet, bool) {
		id, ok := c.packetID("pubrel", o, true)
		return packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pubrel, Dup: o.flag("dup")}, PacketID: id}, ok
	}, "messageId", "dup")
	method("subscribe", c.buildSubscribe, "messageId", "dup", "subscriptions")
	method("suback", func(o *opts) (packets.Packet, bool) {
		pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Suback}}
		id, ok := c.packetID("suback", o, true)
		if !ok {
			return pk, false
		}
		pk.PacketID = id
		granted, ok := o.array("granted")
		if !ok {
			return pk, false
		}
		for i, g := range granted {
			n, isInt := agentapi.IntArg(g)
			if !isInt || n < 0 || n > 255 {
				o.fail("options.granted[%d] must be an integer from 0 to 255 (0, 1, 2 or 128 for a refusal), got %s", i, agentapi.Describe(g))
				return pk, false
			}
			pk.ReasonCodes = append(pk.ReasonCodes, byte(n))
		}
		return pk, true
	}, "messageId", "granted")
	method("unsubscribe", c.buildUnsubscribe, "messageId", "dup", "unsubscriptions")
	for _, t := range []byte{packets.Pingreq, packets.Pingresp, packets.Disconnect} {
		typ := t
		method(packetName(typ), func(*opts) (packets.Packet, bool) {
			return packets.Packet{FixedHeader: packets.FixedHeader{Type: typ}}, true
		})
	}
	_ = obj.Set("end", func(goja.FunctionCall) goja.Value { c.shut(true); return goja.Undefined() })
	_ = obj.Set("destroy", func(goja.FunctionCall) goja.Value { c.shut(false); return goja.Undefined() })
	_ = obj.Set("setEncoding", func(call goja.FunctionCall) goja.Value {
		v := call.Argument(0)
		if agentapi.IsAbsent(v) {
			c.encoding = ""
			return obj
		}
		s, _ := agentapi.StringArg(v)
		switch strings.ToLower(s) {
		case "utf8", "utf-8":
			c.encoding = "utf8"
		case "hex", "base64", "latin1":
			c.encoding = strings.ToLower(s)
		case "binary":
			c.encoding = "latin1"
		default:
			return c.invalid("setEncoding", "argument 'encoding' must be \"utf8\", \"hex\", \"base64\", \"latin1\" or null (blobs), got %s", agentapi.Describe(v))
		}
		return obj
	})
}

func packetName(t byte) string {
	names := map[byte]string{packets.Puback: "puback", packets.Pubrec: "pubrec", packets.Pubcomp: "pubcomp",
		packets.Unsuback: "unsuback", packets.Pingreq: "pingreq", packets.Pingresp: "pingresp", packets.Disconnect: "disconnect"}
	return names[t]
}

// protocols are the protocol ids and versions connect() speaks.
var protocols = map[string]int64{"MQIsdp": 3, "MQTT": 4}

func (c *Conn) buildConnect(o *opts) (packets.Packet, bool) {
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}}
	id, ok := o.str("protocolId", false)
	if !ok {
		return pk, false
	}
	ver, ok := o.integer("protocolVersion", 3, 4, 0)
	if !ok {
		return pk, false
	}
	switch {
	case id == "" && ver == 0:
		id, ver = "MQIsdp", 3
	case id == "":
		id = map[int64]string{3: "MQIsdp", 4: "MQTT"}[ver]
	case ver == 0:
		ver = protocols[id]
	}
	if protocols[id] == 0 || protocols[id] != ver {
		o.fail("protocolId %q with protocolVersion %d: use \"MQIsdp\" with 3 (MQTT 3.1) or \"MQTT\" with 4 (MQTT 3.1.1)", id, ver)
		return pk, false
	}
	pk.ProtocolVersion = byte(ver)
	pk.Connect.ProtocolName = []byte(id)
	ka, ok := o.integer("keepalive", 0, 65535, 0)
	if !ok {
		return pk, false
	}
	pk.Connect.Keepalive = uint16(ka)
	if pk.Connect.ClientIdentifier, ok = o.str("clientId", true); !ok {
		return pk, false
	}
	pk.Connect.Clean = o.flag("clean")
	if v := o.get("username"); !agentapi.IsAbsent(v) {
		s, ok := o.str("username", true)
		if !ok {
			return pk, false
		}
		pk.Connect.UsernameFlag, pk.Connect.Username = true, []byte(s)
	}
	if v := o.get("password"); !agentapi.IsAbsent(v) {
		b, ok := o.bytes("password")
		if !ok {
			return pk, false
		}
		pk.Connect.PasswordFlag, pk.Connect.Password = true, b
	}
	if v := o.get("will"); !agentapi.IsAbsent(v) {
		wobj, isObj := v.(*goja.Object)
		if !isObj {
			o.fail("options.will must be an object {topic, payload, qos, retain}, got %s", agentapi.Describe(v))
			return pk, false
		}
		w := &opts{c: c, method: "connect", obj: wobj}
		topic, ok := w.str("topic", true)
		if !ok {
			return pk, false
		}
		payload, ok := w.bytes("payload")
		if !ok {
			return pk, false
		}
		qos, ok := w.integer("qos", 0, 2, 0)
		if !ok {
			return pk, false
		}
		pk.Connect.WillFlag, pk.Connect.WillTopic, pk.Connect.WillPayload = true, topic, payload
		pk.Connect.WillQos, pk.Connect.WillRetain = byte(qos), w.flag("retain")
	}
	return pk, true
}

func (c *Conn) buildPublish(o *opts) (packets.Packet, bool) {
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish}}
	topic, ok := o.str("topic", true)
	if !ok {
		return pk, false
	}
	payload, ok := o.bytes("payload")
	if !ok {
		return pk, false
	}
	if limit := c.env.Limits.PayloadLimit(); c.agent() && int64(len(payload)) > limit {
		o.fail("the payload is %d bytes, more than the limit of %d (limits.message_size)", len(payload), limit)
		return pk, false
	}
	qos, ok := o.integer("qos", 0, 2, 0)
	if !ok {
		return pk, false
	}
	id, ok := c.packetID("publish", o, qos > 0)
	if !ok {
		return pk, false
	}
	pk.TopicName, pk.Payload, pk.PacketID = topic, payload, id
	pk.FixedHeader.Qos, pk.FixedHeader.Retain, pk.FixedHeader.Dup = byte(qos), o.flag("retain"), o.flag("dup")
	return pk, true
}

func (c *Conn) buildSubscribe(o *opts) (packets.Packet, bool) {
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Dup: o.flag("dup")}}
	id, ok := c.packetID("subscribe", o, true)
	if !ok {
		return pk, false
	}
	pk.PacketID = id
	subs, ok := o.array("subscriptions")
	if !ok {
		return pk, false
	}
	for i, s := range subs {
		sobj, isObj := s.(*goja.Object)
		if !isObj {
			o.fail("options.subscriptions[%d] must be an object {topic, qos}, got %s", i, agentapi.Describe(s))
			return pk, false
		}
		so := &opts{c: c, method: "subscribe", obj: sobj}
		topic, ok := so.str("topic", true)
		if !ok {
			return pk, false
		}
		qos, ok := so.integer("qos", 0, 2, 0)
		if !ok {
			return pk, false
		}
		pk.Filters = append(pk.Filters, packets.Subscription{Filter: topic, Qos: byte(qos)})
	}
	return pk, true
}

func (c *Conn) buildUnsubscribe(o *opts) (packets.Packet, bool) {
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Unsubscribe, Dup: o.flag("dup")}}
	id, ok := c.packetID("unsubscribe", o, true)
	if !ok {
		return pk, false
	}
	pk.PacketID = id
	topics, ok := o.array("unsubscriptions")
	if !ok {
		return pk, false
	}
	for i, t := range topics {
		s, isStr := agentapi.StringArg(t)
		if !isStr {
			o.fail("options.unsubscriptions[%d] must be a string, got %s", i, agentapi.Describe(t))
			return pk, false
		}
		pk.Filters = append(pk.Filters, packets.Subscription{Filter: s})
	}
	return pk, true
}
