package mqtt

import (
	"fmt"
	"strings"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/mqtttopic"
	"github.com/dop251/goja"
	paho "github.com/eclipse/paho.mqtt.golang"
)

// topicList reads subscribe's / unsubscribe's topics argument.
func (c *client) topicList(method string, v goja.Value) ([]string, bool) {
	env := c.m.env
	if s, ok := agentapi.StringArg(v); ok {
		if err := mqtttopic.CheckFilter(s); err != nil {
			env.Throwf("mqttclient.%s: argument 'topics': %v", method, err)
		}
		return []string{s}, false
	}
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() != "Array" {
		env.Throwf("mqttclient.%s: argument 'topics' must be a string or an array of strings, got %s", method, agentapi.Describe(v))
	}
	n := int(obj.Get("length").ToInteger())
	if n < 1 || n > maxTopics {
		env.ThrowRange("mqttclient.%s: argument 'topics' must hold 1 to %d topics, got %d", method, maxTopics, n)
	}
	out := make([]string, n)
	for i := range out {
		e := obj.Get(fmt.Sprint(i))
		s, ok := agentapi.StringArg(e)
		if !ok {
			env.Throwf("mqttclient.%s: argument 'topics'[%d] must be a string, got %s", method, i, agentapi.Describe(e))
		}
		if err := mqtttopic.CheckFilter(s); err != nil {
			env.Throwf("mqttclient.%s: argument 'topics'[%d]: %v", method, i, err)
		}
		out[i] = s
	}
	return out, true
}

func (c *client) subscribe(call goja.FunctionCall) goja.Value {
	env := c.m.env
	topics, isArray := c.topicList("subscribe", call.Argument(0))
	qos := make([]byte, len(topics))
	qv := call.Argument(1)
	if obj, ok := qv.(*goja.Object); ok && obj.ClassName() == "Array" {
		if n := int(obj.Get("length").ToInteger()); n != len(topics) {
			env.Throwf("mqttclient.subscribe: argument 'qos' has %d entries for %d topics", n, len(topics))
		}
		for i := range qos {
			qos[i] = c.qosArg("subscribe", fmt.Sprintf("argument 'qos'[%d]", i), obj.Get(fmt.Sprint(i)))
		}
	} else if !goja.IsUndefined(qv) && !goja.IsNull(qv) {
		q := c.qosArg("subscribe", "argument 'qos'", qv)
		for i := range qos {
			qos[i] = q
		}
	}
	cb, cbArity := env.Callback(call.Argument(2), "mqttclient.subscribe: argument 'callback'")
	c.requireConnected("subscribe")

	filters := make(map[string]byte, len(topics))
	for i, t := range topics {
		filters[t] = qos[i]
	}
	done := func(code int, res map[string]byte) {
		if cb == nil {
			return
		}
		granted := make([]any, len(topics))
		for i, t := range topics {
			g, ok := res[t]
			if !ok || code != codeSuccess {
				g = subscribeRefused
			}
			granted[i] = int(g)
		}
		var mode goja.Value
		if isArray {
			mode = env.Runtime.NewArray(granted...)
		} else {
			mode = env.Runtime.ToValue(granted[0])
		}
		if cbArity >= 2 {
			env.Loop.Call(cb, c.obj, env.Runtime.ToValue(code), mode)
		} else {
			env.Loop.Call(cb, c.obj, mode)
		}
	}
	gen := c.gen
	code := env.Limits.Outbound("subscribe", strings.Join(topics, ","), func() {
		if gen != c.gen || c.state != stateConnected {
			done(codeDisconnected, nil)
			return
		}
		// Counted before paho has it (arguments are evaluated in order).
		tok := handedToPaho(c.conn.Load().toPaho(), c.pc.SubscribeMultiple(filters, nil))
		c.complete(tok, laneControl, doneFunc(func(err error) {
			var res map[string]byte
			if st, ok := tok.(*paho.SubscribeToken); ok && err == nil {
				res = st.Result()
				var granted []string
				for f, q := range res {
					if q != subscribeRefused {
						granted = append(granted, f)
					}
				}
				env.Events.Subscribed(granted)
			}
			done(errCode(err), res)
		}))
	})
	return env.Runtime.ToValue(code)
}

func (c *client) qosArg(method, what string, v goja.Value) byte {
	n, ok := agentapi.IntArg(v)
	if !ok || n < 0 || n > 2 {
		c.m.env.Throwf("mqttclient.%s: %s must be 0, 1 or 2, got %s", method, what, agentapi.Describe(v))
	}
	return byte(n)
}

func (c *client) unsubscribe(call goja.FunctionCall) goja.Value {
	env := c.m.env
	topics, _ := c.topicList("unsubscribe", call.Argument(0))
	cb, _ := env.Callback(call.Argument(1), "mqttclient.unsubscribe: argument 'callback'")
	c.requireConnected("unsubscribe")
	done := func(code int) {
		if cb != nil {
			if code != codeSuccess {
				code = codeFailure
			}
			env.Loop.Call(cb, c.obj, env.Runtime.ToValue(code))
		}
	}
	gen := c.gen
	code := env.Limits.Outbound("unsubscribe", strings.Join(topics, ","), func() {
		if gen != c.gen || c.state != stateConnected {
			done(codeDisconnected)
			return
		}
		c.complete(handedToPaho(c.conn.Load().toPaho(), c.pc.Unsubscribe(topics...)), laneControl, doneFunc(func(err error) { done(errCode(err)) }))
	})
	return env.Runtime.ToValue(code)
}
