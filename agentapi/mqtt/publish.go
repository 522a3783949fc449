package mqtt

import (
	"fmt"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/mqtttopic"
	"github.com/dop251/goja"
)

// mqttMessage is the object createmessage returns.
type mqttMessage struct {
	client  *client
	topic   string
	payload []byte
	qos     byte
	retain  bool
}

func (m *Module) makeMessageMethods() map[string]goja.Value {
	env := m.env
	send := env.Runtime.ToValue(func(call goja.FunctionCall) goja.Value {
		msg, ok := agentapi.GoValue(call.This).(*mqttMessage)
		if !ok {
			env.Throwf("mqttmessage.sendasync called on a value that is not an mqttmessage")
		}
		return msg.sendasync(call)
	})
	agentapi.NameFunc(env.Runtime, send, "mqttmessage.sendasync")
	return map[string]goja.Value{"sendasync": send}
}

// Get implements goja.DynamicObject.
func (msg *mqttMessage) Get(key string) goja.Value { return msg.client.m.messageMethods[key] }

// Set implements goja.DynamicObject; messages are read-only.
func (msg *mqttMessage) Set(string, goja.Value) bool { return false }

// Has implements goja.DynamicObject.
func (msg *mqttMessage) Has(key string) bool { return msg.client.m.messageMethods[key] != nil }

// Delete implements goja.DynamicObject.
func (msg *mqttMessage) Delete(string) bool { return false }

// Keys implements goja.DynamicObject.
func (msg *mqttMessage) Keys() []string { return nil }

func (c *client) createmessage(call goja.FunctionCall) goja.Value {
	env := c.m.env
	tv := call.Argument(0)
	tb, ok := env.Blobs.BytesOf(tv)
	topic := string(tb)
	if !ok {
		env.Throwf("mqttclient.createmessage: argument 'topic' must be a string or blob, got %s", agentapi.Describe(tv))
	}
	if err := mqtttopic.CheckName(topic); err != nil {
		env.Throwf("mqttclient.createmessage: argument 'topic': %v", err)
	}
	pv := call.Argument(1)
	payload, ok := env.Blobs.BytesOf(pv)
	if !ok {
		env.Throwf("mqttclient.createmessage: argument 'payload' must be a string, blob, ArrayBuffer or Uint8Array, got %s", agentapi.Describe(pv))
	}
	if limit := env.Limits.PayloadLimit(); int64(len(payload)) > limit {
		env.ThrowRange("mqttclient.createmessage: the payload is %d bytes, more than the limit of %d (limits.message_size)", len(payload), limit)
	}
	if _, fresh := agentapi.StringArg(pv); !fresh {
		payload = append([]byte(nil), payload...) // a blob or buffer the script may change later
	}
	msg := &mqttMessage{client: c, topic: topic, payload: payload}
	if ov := call.Argument(2); !goja.IsUndefined(ov) && !goja.IsNull(ov) {
		if n, isInt := agentapi.IntArg(ov); isInt {
			msg.qos = c.qosArg("createmessage", "argument 'options' (qos)", env.Runtime.ToValue(n))
		} else if obj, isObj := ov.(*goja.Object); isObj {
			for _, k := range obj.Keys() {
				v := obj.Get(k)
				switch k {
				case "qos":
					msg.qos = c.qosArg("createmessage", "options.qos", v)
				case "retain":
					msg.retain = v.ToBoolean()
				default:
					env.Log.StatusWarn(fmt.Sprintf("mqttclient.createmessage: ignoring unknown option %q; valid options are qos, retain", k))
				}
			}
		} else {
			env.Throwf("mqttclient.createmessage: argument 'options' must be an object {qos, retain} or a qos number, got %s", agentapi.Describe(ov))
		}
	}
	return env.Runtime.NewDynamicObject(msg)
}

func (msg *mqttMessage) sendasync(call goja.FunctionCall) goja.Value {
	c := msg.client
	env := c.m.env
	cb, _ := env.Callback(call.Argument(0), "mqttmessage.sendasync: argument 'callback'")
	c.requireConnected("sendasync")
	done := func(code int) {
		if cb != nil {
			env.Loop.Call(cb, goja.Undefined(), env.Runtime.ToValue(code))
		}
	}
	gen := c.gen
	code := env.Limits.Outbound("publish", msg.topic, func() {
		if gen != c.gen || c.state != stateConnected {
			done(codeDisconnected)
			return
		}
		c.complete(c.pc.Publish(msg.topic, msg.qos, msg.retain, msg.payload), publishLane(msg.qos), func(err error) {
			if err == nil {
				env.Events.Sent(msg.topic)
			}
			done(errCode(err))
		})
	})
	if code != codeSuccess {
		env.Loop.SetTimer(0, func() { done(code) })
	}
	return goja.Undefined()
}

// publishLane is the completion lane of a publish of QoS qos.
func publishLane(qos byte) int {
	if qos == 0 {
		return laneOrdered
	}
	return laneAcked
}
