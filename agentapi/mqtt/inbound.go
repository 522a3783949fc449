package mqtt

import (
	"fmt"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/mqtttopic"
	"github.com/dop251/goja"
	paho "github.com/eclipse/paho.mqtt.golang"
)

func (c *client) deliverMessage(gen int, msg paho.Message) {
	env := c.m.env
	c.m.flushControl()
	env.Events.Inbound(msg.Topic())
	if gen != c.gen || c.state != stateConnected {
		env.Events.Drop("it arrived after its connection had ended")
		return
	}
	if err := mqtttopic.CheckName(msg.Topic()); err != nil {
		// No broker may send this (MQTT 3.1.1 §4.7): the connection is
		// not to be trusted further.
		env.Log.StatusWarn(fmt.Sprintf("the broker sent a PUBLISH whose %v: connection dropped (onconnectionlost -4)", err))
		env.Events.Drop("an invalid topic from the broker (onconnectionlost -4)")
		c.drop(lostBadPacket)
		return
	}
	if reason := env.Limits.Inbound(len(msg.Payload()), msg.Topic()); reason != 0 {
		if reason == agentapi.LostOversize {
			env.Events.Drop("larger than limits.message_size (onconnectionlost -3)")
		} else {
			env.Events.Drop("over the inbound rate limit (onconnectionlost -2)")
		}
		c.drop(reason)
		return
	}
	if c.onMessage == nil {
		env.Events.Drop("no onmessage handler was registered")
		return
	}
	env.Loop.Call(c.onMessage, c.obj, env.Runtime.NewDynamicObject(&inboundMessage{env: env, msg: msg}))
}

// inboundMessage is the message object onmessage receives: topic, message
// (a blob, made on first use), qos, retain and dup, read from the paho
// message on demand so a delivery costs two allocations, not a map of
// properties. Scripts may add their own properties.
type inboundMessage struct {
	env   *agentapi.Env
	msg   paho.Message
	blob  goja.Value
	extra map[string]goja.Value
}

var inboundKeys = []string{"topic", "message", "qos", "retain", "dup"}

// Get implements goja.DynamicObject.
func (m *inboundMessage) Get(key string) goja.Value {
	switch key {
	case "topic":
		return m.env.Runtime.ToValue(m.msg.Topic())
	case "message":
		if m.blob == nil {
			m.blob = m.env.Blobs.Wrap(m.msg.Payload())
		}
		return m.blob
	case "qos":
		return m.env.Runtime.ToValue(int(m.msg.Qos()))
	case "retain":
		return m.env.Runtime.ToValue(b2i(m.msg.Retained()))
	case "dup":
		return m.env.Runtime.ToValue(b2i(m.msg.Duplicate()))
	}
	return m.extra[key]
}

// Set implements goja.DynamicObject: the standard fields are read-only.
func (m *inboundMessage) Set(key string, v goja.Value) bool {
	for _, k := range inboundKeys {
		if k == key {
			return false
		}
	}
	if m.extra == nil {
		m.extra = map[string]goja.Value{}
	}
	m.extra[key] = v
	return true
}

// Has implements goja.DynamicObject.
func (m *inboundMessage) Has(key string) bool { return m.Get(key) != nil }

// Delete implements goja.DynamicObject.
func (m *inboundMessage) Delete(key string) bool {
	delete(m.extra, key)
	return true
}

// Keys implements goja.DynamicObject.
func (m *inboundMessage) Keys() []string {
	keys := append([]string(nil), inboundKeys...)
	for k := range m.extra {
		keys = append(keys, k)
	}
	return keys
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
