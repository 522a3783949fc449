package mqtt

import (
	"fmt"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/mqtttopic"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// mqttMessage is the object createmessage returns. Its send fields hold
// one sendasync in flight; a second sendasync of the same message sends a
// copy, so each send keeps its own callback.
type mqttMessage struct {
	client  *client
	topic   string
	payload []byte
	qos     byte
	retain  bool

	sending bool          // a sendasync has taken this value
	cb      goja.Callable // the sendasync callback, nil for none
	gen     int           // the connection the send was made on
}

func (m *Module) makeMessageMethods() map[string]goja.Value {
	env := m.env
	send := env.Runtime.ToValue(func(call goja.FunctionCall) goja.Value {
		var msg *mqttMessage
		if o, ok := call.This.(*goja.Object); ok && o == m.lastMsgObj {
			msg = m.lastMsg // the message just made: the usual createmessage(...).sendasync(...)
		} else if msg, ok = agentapi.GoValue(call.This).(*mqttMessage); !ok {
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
	var topic string
	if goja.IsString(tv) {
		topic = tv.String() // no copy through []byte
	} else if tb, ok := env.Blobs.BytesOf(tv); ok {
		topic = string(tb)
	} else {
		env.Throwf("mqttclient.createmessage: argument 'topic' must be a string or blob, got %s", agentapi.Describe(tv))
	}
	if err := mqtttopic.CheckName(topic); err != nil {
		env.Throwf("mqttclient.createmessage: argument 'topic': %v", err)
	}
	pv := call.Argument(1)
	var payload []byte
	fresh := goja.IsString(pv) // its bytes are a copy already
	if fresh {
		payload = []byte(pv.String())
	} else if b, ok := env.Blobs.BytesOf(pv); ok {
		payload = append([]byte(nil), b...) // a blob or buffer the script may change later
	} else {
		env.Throwf("mqttclient.createmessage: argument 'payload' must be a string, blob, ArrayBuffer or Uint8Array, got %s", agentapi.Describe(pv))
	}
	if limit := env.Limits.PayloadLimit(); int64(len(payload)) > limit {
		env.ThrowRange("mqttclient.createmessage: the payload is %d bytes, more than the limit of %d (limits.message_size)", len(payload), limit)
	}
	msg := &mqttMessage{client: c, topic: topic, payload: payload}
	if ov := call.Argument(2); !goja.IsUndefined(ov) && !goja.IsNull(ov) {
		if n, isInt := agentapi.IntArg(ov); isInt {
			msg.qos = c.qosArg("createmessage", "argument 'options' (qos)", env.Runtime.ToValue(n))
		} else if obj, isObj := ov.(*goja.Object); isObj {
			if hasQoS, hasRetain, within, ok := scriptvm.OwnKeysWithin(env.Runtime, obj, "qos", "retain"); ok && within {
				// The usual literal: nothing to warn about, nothing to enumerate.
				if hasQoS {
					msg.qos = c.qosArg("createmessage", "options.qos", obj.Get("qos"))
				}
				if hasRetain {
					msg.retain = obj.Get("retain").ToBoolean()
				}
			} else {
				c.readOptions(msg, obj)
			}
		} else {
			env.Throwf("mqttclient.createmessage: argument 'options' must be an object {qos, retain} or a qos number, got %s", agentapi.Describe(ov))
		}
	}
	obj := env.Runtime.NewDynamicObject(msg)
	c.m.lastMsgObj, c.m.lastMsg = obj, msg
	return obj
}

// readOptions reads createmessage's options object obj into msg in the
// order of its keys, warning about unknown ones. Loop only.
func (c *client) readOptions(msg *mqttMessage, obj *goja.Object) {
	for _, k := range optionKeys(obj) {
		v := obj.Get(k)
		switch k {
		case "qos":
			msg.qos = c.qosArg("createmessage", "options.qos", v)
		case "retain":
			msg.retain = v.ToBoolean()
		default:
			c.m.env.Log.StatusWarn(fmt.Sprintf("mqttclient.createmessage: ignoring unknown option %q; valid options are qos, retain", k))
		}
	}
}

// sendCallback returns sendasync's callback argument v as a function, nil
// for undefined or null; anything else throws. The function a script
// passes to every send (a named callback) is wrapped once. Loop only.
func (m *Module) sendCallback(v goja.Value) goja.Callable {
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	if v == goja.Value(m.lastCbObj) {
		return m.lastCb
	}
	cb, ok := goja.AssertFunction(v) // as env.Callback, without reading its arity
	if !ok {
		m.env.Throwf("mqttmessage.sendasync: argument 'callback' must be a function or null, got %s", agentapi.Describe(v))
	}
	m.lastCbObj, m.lastCb = v.(*goja.Object), cb
	return cb
}

// optionKeys returns the keys of createmessage's options object to read
// when scriptvm.OwnKeysWithin could not vouch for it (a proxy, another
// kind of object, an unknown key): its own property names when they are
// only qos and retain (so a non-enumerable qos is read, as in an ordinary
// object), else its own enumerable keys, the unknown ones among them to be
// warned about. Loop only.
func optionKeys(obj *goja.Object) []string {
	names := obj.GetOwnPropertyNames()
	for _, k := range names {
		if k != "qos" && k != "retain" {
			return obj.Keys()
		}
	}
	return names
}

func (msg *mqttMessage) sendasync(call goja.FunctionCall) goja.Value {
	c := msg.client
	env := c.m.env
	cb := c.m.sendCallback(call.Argument(0))
	c.requireConnected("sendasync")
	if msg.sending {
		cp := *msg // sent before: this send gets its own callback
		msg = &cp
	}
	msg.sending, msg.cb, msg.gen = true, cb, c.gen
	if env.Limits.OutboundNow("publish", msg.topic) {
		msg.send()
	} else if code := env.Limits.Outbound("publish", msg.topic, msg.send); code != codeSuccess {
		env.Loop.SetTimer(0, func() { msg.done(code) })
	}
	return goja.Undefined()
}

// send hands the message to paho, now or when the outbound limiter lets it
// go. Loop only.
func (msg *mqttMessage) send() {
	c := msg.client
	if msg.gen != c.gen || c.state != stateConnected {
		msg.done(codeDisconnected)
		return
	}
	conn := c.conn.Load()
	if msg.qos == 0 && conn != nil && conn.publish0(msg.topic, msg.payload, msg.retain) {
		c.complete(c.m.written, laneOrdered, msg)
		return
	}
	c.complete(handedToPaho(conn.toPaho(), c.pc.Publish(msg.topic, msg.qos, msg.retain, msg.payload)), publishLane(msg.qos), msg)
}

// completed implements completer: the publish's token has completed. Loop
// only.
func (msg *mqttMessage) completed(err error) {
	if err == nil {
		msg.client.m.env.Events.Sent(msg.topic)
	}
	msg.done(errCode(err))
}

// done calls the send's callback with code. Loop only.
func (msg *mqttMessage) done(code int) {
	if msg.cb != nil {
		env := msg.client.m.env
		env.Loop.Call(msg.cb, goja.Undefined(), env.Runtime.ToValue(code))
	}
}

// publishLane is the completion lane of a publish of QoS qos.
func publishLane(qos byte) int {
	if qos == 0 {
		return laneOrdered
	}
	return laneAcked
}
