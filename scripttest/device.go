package scripttest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/device"
	"github.com/agenthost/agenthost/agentapi/httpapi"
	"github.com/agenthost/agenthost/agentapi/impvalue"
	"github.com/dop251/goja"
)

// deviceRun is this.device: in `agenthost test` the test plays the
// agent's device on the Device side of the session's link, connected when
// the file starts. Loop only.
type deviceRun struct {
	r       *fileRun
	link    *device.Link
	inbox   []devMessage // sent by the agent, not yet taken by nextMessage
	waiters []*devWaiter
}

type devMessage struct {
	name string
	data []byte
}

type devWaiter struct {
	name    string
	resolve func(goja.Value)
	cancel  func()
}

// setupDevice attaches the test to the device side and connects it.
func (r *fileRun) setupDevice() *goja.Object {
	d := &deviceRun{r: r, link: r.sess.Device}
	d.link.Device.OnMessage = func(name string, data []byte) {
		d.inbox = append(d.inbox, devMessage{name, data})
		d.match()
	}
	d.link.SetConnected(true)
	return d.object()
}

func (d *deviceRun) object() *goja.Object {
	rt := d.r.rt
	o := rt.NewObject()
	throw := func(format string, args ...any) {
		panic(rt.NewTypeError("%s", fmt.Sprintf("device."+format, args...)))
	}
	_ = o.Set("send", func(call goja.FunctionCall) goja.Value {
		name, ok := agentapi.StringArg(call.Argument(0))
		if !ok {
			throw("send: argument 'name' must be a string, got %s", agentapi.Describe(call.Argument(0)))
		}
		data, err := device.Serialise(d.r.sess.Env.Blobs, call.Argument(1))
		if err == nil {
			err = d.link.Device.Send(name, data)
		}
		if err != nil {
			throw("send(%q): %v", name, err)
		}
		return goja.Undefined()
	})
	_ = o.Set("nextMessage", d.nextMessage)
	_ = o.Set("disconnect", func(goja.FunctionCall) goja.Value { d.link.SetConnected(false); return d.settled() })
	_ = o.Set("connect", func(goja.FunctionCall) goja.Value { d.link.SetConnected(true); return d.settled() })
	_ = o.Set("isconnected", func(goja.FunctionCall) goja.Value { return rt.ToValue(d.link.Connected()) })
	return o
}

// settled returns a Promise that resolves once the agent's onconnect or
// ondisconnect (queued now) has run.
func (d *deviceRun) settled() goja.Value {
	p, resolve, _ := d.r.rt.NewPromise()
	d.r.sess.Loop.SetTimer(0, func() { _ = resolve(goja.Undefined()) })
	return d.r.rt.ToValue(p)
}

// nextMessage(name[, timeout]) → Promise of the data of the next message
// named name that the agent sends to the device (messages sent before the
// call and not yet taken count); timeout, in seconds on the test's clock,
// rejects it.
func (d *deviceRun) nextMessage(call goja.FunctionCall) goja.Value {
	rt := d.r.rt
	name, ok := agentapi.StringArg(call.Argument(0))
	if !ok {
		panic(rt.NewTypeError("%s", "device.nextMessage: argument 'name' must be a string, got "+agentapi.Describe(call.Argument(0))))
	}
	p, resolve, reject := rt.NewPromise()
	w := &devWaiter{name: name, resolve: func(v goja.Value) { _ = resolve(v) }, cancel: func() {}}
	if t := call.Argument(1); !goja.IsUndefined(t) {
		sec, ok := agentapi.NumberArg(t)
		if !ok || sec != sec || sec <= 0 {
			panic(rt.NewTypeError("%s", "device.nextMessage: argument 'timeout' must be a number of seconds > 0, got "+agentapi.Describe(t)))
		}
		timeout := time.Duration(sec * float64(time.Second))
		timer := d.r.sess.Loop.SetTimer(timeout, func() {
			d.drop(w)
			_ = reject(rt.NewGoError(fmt.Errorf("device.nextMessage: the agent sent no %q message within %s", name, timeout)))
		})
		w.cancel = func() { d.r.sess.Loop.CancelTimer(timer) }
	}
	d.waiters = append(d.waiters, w)
	d.match()
	return rt.ToValue(p)
}

func (d *deviceRun) drop(w *devWaiter) {
	for i, x := range d.waiters {
		if x == w {
			d.waiters = append(d.waiters[:i], d.waiters[i+1:]...)
			return
		}
	}
}

// match hands queued messages to waiters, oldest first on both sides.
func (d *deviceRun) match() {
	for i := 0; i < len(d.waiters); {
		w := d.waiters[i]
		found := -1
		for j, m := range d.inbox {
			if m.name == w.name {
				found = j
				break
			}
		}
		if found < 0 {
			i++
			continue
		}
		m := d.inbox[found]
		d.inbox = append(d.inbox[:found], d.inbox[found+1:]...)
		d.waiters = append(d.waiters[:i], d.waiters[i+1:]...)
		w.cancel()
		w.resolve(device.Deserialise(d.r.rt, d.r.sess.Env.Blobs, m.data))
	}
}

// agentRequest(method, path[, headers[, body]]) → Promise of the agent
// URL's answer {statuscode, headers, body}, delivered in-process to
// http.onrequest (no listener needed): what a browser would get.
func (r *fileRun) agentRequest(call goja.FunctionCall) goja.Value {
	rt := r.rt
	method, ok := agentapi.StringArg(call.Argument(0))
	target, ok2 := agentapi.StringArg(call.Argument(1))
	if !ok || !ok2 || !strings.HasPrefix(target, "/") {
		panic(rt.NewTypeError("%s", "request: wants (method, path starting with /[, headers[, body]]), got "+
			agentapi.Describe(call.Argument(0))+", "+agentapi.Describe(call.Argument(1))))
	}
	u, err := url.Parse(target)
	if err != nil {
		panic(rt.NewTypeError("%s", "request: bad path: "+err.Error()))
	}
	in := httpapi.Incoming{Method: strings.ToUpper(method), Path: u.Path, Query: u.Query(), Headers: http.Header{}}
	if h, ok := call.Argument(2).(*goja.Object); ok {
		for _, k := range h.Keys() {
			in.Headers.Set(k, h.Get(k).String())
		}
	}
	if b := call.Argument(3); !agentapi.IsAbsent(b) {
		data, ok := r.sess.Env.Blobs.BytesOf(b)
		if !ok {
			panic(rt.NewTypeError("%s", "request: argument 'body' must be a string or blob, got "+agentapi.Describe(b)))
		}
		in.Body = append([]byte(nil), data...)
	}
	p, resolve, _ := rt.NewPromise()
	r.sess.HTTP.Deliver(in, func(a httpapi.Answer) {
		t := impvalue.NewTable()
		t.Set("statuscode", int64(a.Status))
		h := impvalue.NewTable()
		for k, vs := range a.Headers {
			h.Set(strings.ToLower(k), strings.Join(vs, ", "))
		}
		t.Set("headers", h)
		t.Set("body", string(a.Body))
		// Settle after the current task, like an answer from the network.
		r.sess.Loop.SetTimer(0, func() { _ = resolve(impvalue.ToJS(rt, r.sess.Env.Blobs, t)) })
	})
	return rt.ToValue(p)
}
