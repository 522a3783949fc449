package nodemcu

import (
	"strings"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/mqtttopic"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
	"github.com/mochi-mqtt/server/v2/packets"
)

// publish(topic, payload, qos, retain[, function(client)]) returns false
// when the client is not connected or the outbound buffer is full.
func (c *client) publish(call goja.FunctionCall) goja.Value {
	env := c.m.env
	rt := env.Runtime
	topic, ok := agentapi.StringArg(call.Argument(0))
	if !ok {
		c.m.throwf("mqtt.Client.publish: argument 'topic' must be a string, got %s", agentapi.Describe(call.Argument(0)))
	}
	if err := mqtttopic.CheckName(topic); err != nil {
		c.m.throwf("mqtt.Client.publish: argument 'topic': %v", err)
	}
	payload, ok := env.Blobs.BytesOf(call.Argument(1))
	if !ok {
		c.m.throwf("mqtt.Client.publish: argument 'payload' must be a string or blob, got %s", agentapi.Describe(call.Argument(1)))
	}
	if limit := env.Limits.PayloadLimit(); int64(len(payload)) > limit {
		env.ThrowRange("mqtt.Client.publish: the payload is %d bytes, more than the limit of %d (limits.message_size)", len(payload), limit)
	}
	payload = append([]byte(nil), payload...)
	qos := c.qos("publish", call.Argument(2))
	retain := c.m.flag("mqtt.Client.publish", "retain", call.Argument(3))
	cb, _ := env.Callback(call.Argument(4), "mqtt.Client.publish: argument 'function(client)'")
	if c.state != stateConnected {
		return rt.ToValue(false)
	}
	if cb != nil {
		c.onPuback = cb
	}
	s := c.sess
	code := env.Limits.Outbound("publish", topic, func() {
		if s.ended {
			env.Log.StatusWarn(c.name() + ": a publish on " + topic + " waiting for the outbound rate limit was not sent: the connection had ended")
			return
		}
		pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: qos, Retain: retain},
			TopicName: topic, Payload: payload}
		if qos == 0 {
			// Sent when handed to the socket, as NodeMCU's lwIP send: the
			// callback comes before any answer the broker may send back.
			op := env.Loop.Begin(scriptvm.Busy)
			s.handing[op] = true
			err := s.wire.SendHanded(&pk, func() {
				op.Complete(func() {
					delete(s.handing, op)
					if !s.ended {
						env.Events.Sent(topic)
						c.call(c.onPuback)
					}
				})
			})
			if err != nil {
				delete(s.handing, op)
				op.End()
			}
			return
		}
		if pk.PacketID = s.request(packets.Publish, qos, topic); pk.PacketID == 0 {
			env.Log.StatusWarn(c.name() + ": a publish on " + topic + " was not sent: all 65535 message ids are in use")
			return
		}
		s.send(pk)
	})
	return rt.ToValue(code == 0)
}

// topicTable reads subscribe's or unsubscribe's table: {topic: qos, ...}.
func (c *client) topicTable(method string, obj *goja.Object, withQos bool) packets.Subscriptions {
	var subs packets.Subscriptions
	for _, k := range obj.Keys() {
		if err := mqtttopic.CheckFilter(k); err != nil {
			c.m.throwf("mqtt.Client.%s: table key %q: %v", method, k, err)
		}
		sub := packets.Subscription{Filter: k}
		if withQos {
			sub.Qos = c.qos(method, obj.Get(k))
		}
		subs = append(subs, sub)
	}
	if len(subs) == 0 {
		c.m.throwf("mqtt.Client.%s: the table holds no topics", method)
	}
	return subs
}

// subscribe(topic, qos[, function(client)]) or subscribe(table[,
// function(client)]).
func (c *client) subscribe(call goja.FunctionCall) goja.Value {
	var subs packets.Subscriptions
	cbArg := call.Argument(1)
	if obj, ok := call.Argument(0).(*goja.Object); ok && obj.ClassName() == "Object" {
		subs = c.topicTable("subscribe", obj, true)
	} else {
		topic, ok := agentapi.StringArg(call.Argument(0))
		if !ok {
			c.m.throwf("mqtt.Client.subscribe: argument 'topic' must be a string or a table {topic: qos, ...}, got %s", agentapi.Describe(call.Argument(0)))
		}
		if err := mqtttopic.CheckFilter(topic); err != nil {
			c.m.throwf("mqtt.Client.subscribe: argument 'topic': %v", err)
		}
		var qos byte
		if v := call.Argument(1); !agentapi.IsAbsent(v) {
			qos = c.qos("subscribe", v)
		}
		subs = packets.Subscriptions{{Filter: topic, Qos: qos}}
		cbArg = call.Argument(2)
	}
	cb, _ := c.m.env.Callback(cbArg, "mqtt.Client.subscribe: argument 'function(client)'")
	return c.request("subscribe", packets.Subscribe, subs, cb, &c.onSuback)
}

// unsubscribe(topic[, function(client)]) or unsubscribe(table[,
// function(client)]); the table's values are ignored.
func (c *client) unsubscribe(call goja.FunctionCall) goja.Value {
	var subs packets.Subscriptions
	if obj, ok := call.Argument(0).(*goja.Object); ok && obj.ClassName() == "Object" {
		subs = c.topicTable("unsubscribe", obj, false)
	} else {
		topic, ok := agentapi.StringArg(call.Argument(0))
		if !ok {
			c.m.throwf("mqtt.Client.unsubscribe: argument 'topic' must be a string or a table {topic: anything, ...}, got %s", agentapi.Describe(call.Argument(0)))
		}
		if err := mqtttopic.CheckFilter(topic); err != nil {
			c.m.throwf("mqtt.Client.unsubscribe: argument 'topic': %v", err)
		}
		subs = packets.Subscriptions{{Filter: topic}}
	}
	cb, _ := c.m.env.Callback(call.Argument(1), "mqtt.Client.unsubscribe: argument 'function(client)'")
	return c.request("unsubscribe", packets.Unsubscribe, subs, cb, &c.onUnsuback)
}

// request sends a SUBSCRIBE or UNSUBSCRIBE; cb, if given, replaces the
// slot. It returns false when the client is not connected or the outbound
// buffer is full.
func (c *client) request(method string, kind byte, subs packets.Subscriptions, cb goja.Callable, slot *goja.Callable) goja.Value {
	env := c.m.env
	if c.state != stateConnected {
		return env.Runtime.ToValue(false)
	}
	if cb != nil {
		*slot = cb
	}
	topics := make([]string, len(subs))
	for i, s := range subs {
		topics[i] = s.Filter
	}
	s := c.sess
	code := env.Limits.Outbound(method, strings.Join(topics, ","), func() {
		if s.ended {
			env.Log.StatusWarn(c.name() + ": a " + method + " waiting for the outbound rate limit was not sent: the connection had ended")
			return
		}
		pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: kind}, Filters: subs}
		if pk.PacketID = s.request(kind, 0, ""); pk.PacketID == 0 {
			env.Log.StatusWarn(c.name() + ": a " + method + " was not sent: all 65535 message ids are in use")
			return
		}
		s.send(pk)
	})
	return env.Runtime.ToValue(code == 0)
}
