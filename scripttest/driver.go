package scripttest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/mqtttopic"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
	paho "github.com/eclipse/paho.mqtt.golang"
)

// driverID is the client id of the test's own connection to the broker.
// It connects with the broker's privileged login, so the broker neither
// lists it, drops it, nor refuses it, whatever embedded.users says.
const driverID = "agenthost-test-driver"

// driver is this.broker: a real MQTT client of the embedded broker that
// publishes into the agent, plus the broker's fault controls. Its methods
// run on the loop; network waits run on goroutines that enqueue results.
type driver struct {
	r  *fileRun
	b  *broker.Broker
	pc paho.Client
	wg sync.WaitGroup

	// Loop only:
	seen    []broker.Message // published by the agent, not yet taken by nextMessage
	waiters []*waiter
	unwatch func()
	arrive  []*arrival // messages sent to the agent, not yet arrived
	// fanout: the driver's own publishes the broker has acknowledged (or
	// read) but not yet delivered to its subscribers (mochi acknowledges
	// a QoS 1 PUBLISH before it delivers it).
	fanout []*arrival
	// lostWaiters run when the agent next sees its connection end.
	lostWaiters []func()
	// The agent's publishes in transit to the broker: sent but not yet
	// seen by it (virtual time stands still for them), and seen by the
	// broker before the agent's send completed.
	inTransit map[string][]func()
	early     map[string]int
}

// sent notes a publish the agent completed: until the broker has it, the
// agent is busy (no timer fires on the virtual clock). A connection that
// ends first releases it (see connectionEnded). Loop only.
func (d *driver) sent(topic string) {
	if d.early[topic] > 0 {
		d.early[topic]--
		return
	}
	if d.r.sess.Env.Events.Live() == 0 {
		// Reported after the agent's connections ended (completions are
		// told as they completed, a loss may come first): what the broker
		// has not read by now it never will.
		return
	}
	op := d.r.sess.Loop.Begin(scriptvm.Busy)
	d.inTransit[topic] = append(d.inTransit[topic], op.End)
}

// afterAgentLoss runs work off the loop and returns a Promise of its
// result that settles only once the agent has also seen its connection
// end (when work reports it cut one and the agent still had one open),
// so no timer fires in between on the virtual clock. Loop only.
func (d *driver) afterAgentLoss(work func() (cut bool, v any, err error)) goja.Value {
	rt := d.r.rt
	p, resolve, reject := rt.NewPromise()
	op := d.r.sess.Loop.Begin(scriptvm.Busy)
	var (
		lostSeen, workDone, settled bool
		cut                         bool
		val                         any
		werr                        error
	)
	settle := func() {
		// The agent reports the loss of a connection it still counts as
		// open; one it was closing itself (or never had) reports nothing.
		if settled || !workDone || cut && !lostSeen && d.r.sess.Env.Events.Live() > 0 {
			return
		}
		settled = true
		op.End()
		if werr != nil {
			_ = reject(rt.NewGoError(werr))
		} else {
			_ = resolve(val)
		}
	}
	d.lostWaiters = append(d.lostWaiters, func() { lostSeen = true; settle() })
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		c, v, err := work()
		op.Post(func() {
			cut, val, werr, workDone = c, v, err, true
			settle()
		})
	}()
	return rt.ToValue(p)
}

// arrival waits for n messages on topic to reach the agent's loop.
type arrival struct {
	topic string
	n     int64
	done  func()
}

type waiter struct {
	filter  string
	resolve func(any)
	cancel  func()
}

func newDriver(r *fileRun) (*driver, error) {
	d := &driver{r: r, b: r.sess.Broker, inTransit: map[string][]func(){}, early: map[string]int{}}
	d.unwatch = d.b.OnPublish(func(m broker.Message) {
		if m.Privileged {
			if m.ClientID == driverID && !m.Will {
				r.hold.Load().Post(func() { d.fannedOut(m.Topic) })
			}
			return
		}
		r.hold.Load().Post(func() { d.observe(m) })
	})
	if err := d.connect(); err != nil {
		d.unwatch()
		return nil, err
	}
	r.sess.Env.Events.OnInbound(d.arrived)
	r.sess.Env.Events.OnSent(d.sent)
	r.sess.Env.Events.OnLost(func() {
		lost := d.lostWaiters
		d.lostWaiters = nil
		for _, fn := range lost {
			fn()
		}
	})
	r.sess.Env.Events.OnClosed(d.connectionEnded)
	// Messages retained on what the agent just subscribed to are on their
	// way: virtual time must not jump past them.
	r.sess.Env.Events.OnSubscribed(func(filters []string) {
		for _, topic := range d.b.RetainedTopics(filters) {
			op := r.sess.Loop.Begin(scriptvm.Busy)
			d.arrive = append(d.arrive, &arrival{topic: topic, n: 1, done: op.End})
		}
	})
	return d, nil
}

// connectionEnded releases what was in transit on the agent's connection:
// messages to it that will not arrive, and its publishes the broker may
// never see. Loop only.
func (d *driver) connectionEnded() {
	if d.r.sess.Env.Events.Live() > 0 {
		return // another connection of the agent is still open
	}
	pending := d.arrive
	d.arrive = nil
	for _, a := range pending {
		a.done()
	}
	for topic, ends := range d.inTransit {
		for _, end := range ends {
			end()
		}
		delete(d.inTransit, topic)
	}
	clear(d.early)
}

// arrived counts a message that reached the agent. The last one settles
// its arrival only once the loop has finished the current work, in which
// the agent's handler runs after this report: a test that awaited the
// publish finds the message handled. Loop only.
func (d *driver) arrived(topic string) {
	if a := countDown(&d.arrive, topic); a != nil {
		d.r.sess.Loop.SetTimer(0, a.done)
	}
}

// countDown counts one message on topic against the first of *list
// waiting for that topic, and returns it, removed, once it has all it
// waits for; nil otherwise. Loop only.
func countDown(list *[]*arrival, topic string) *arrival {
	for i, a := range *list {
		if a.topic == topic {
			if a.n--; a.n > 0 {
				return nil
			}
			*list = append((*list)[:i], (*list)[i+1:]...)
			return a
		}
	}
	return nil
}

// agentSubscribed reports whether an agent client holds a subscription
// matching topic, so a message published there will reach it.
func (d *driver) agentSubscribed(topic string) bool {
	for _, id := range d.b.Clients() {
		for _, f := range d.b.Subscriptions(id) {
			if mqtttopic.Match(f, topic) {
				return true
			}
		}
	}
	return false
}

// fannedOut counts one of the driver's publishes on topic that the
// broker has delivered to its subscribers. Loop only.
func (d *driver) fannedOut(topic string) {
	if a := countDown(&d.fanout, topic); a != nil {
		a.done()
	}
}

// releaseFanout ends the wait for the broker to deliver the driver's
// publishes on topic, which it may never do (a failed publish). Loop only.
func (d *driver) releaseFanout(a *arrival) {
	for i, x := range d.fanout {
		if x == a {
			d.fanout = append(d.fanout[:i], d.fanout[i+1:]...)
			a.done()
			return
		}
	}
}

// releaseAllFanout ends every wait for the broker to deliver the
// driver's publishes: it has stopped. Loop only.
func (d *driver) releaseAllFanout() {
	pending := d.fanout
	d.fanout = nil
	for _, a := range pending {
		a.done()
	}
}

// sendToAgent publishes n messages on topic (payload(i) each) and settles
// the returned Promise once they are written, once the broker has handed
// them to its subscribers (so a client that subscribes after the Promise
// settled gets a retained one once, as retained, and a live one not at
// all) and, when the agent is subscribed, once all n have reached the
// agent's loop: on the virtual clock no timer fires while they are in
// transit. Loop only.
func (d *driver) sendToAgent(topic string, n int64, qos byte, retain bool, payload func(i int64) []byte) goja.Value {
	rt := d.r.rt
	p, resolve, reject := rt.NewPromise()
	op := d.r.sess.Loop.Begin(scriptvm.Busy)
	pending := 1 // the writes
	var failure error
	settle := func() {
		if pending--; pending > 0 {
			return
		}
		op.End()
		if failure != nil {
			_ = reject(rt.NewGoError(failure))
		} else {
			_ = resolve(goja.Undefined())
		}
	}
	if d.agentSubscribed(topic) {
		// Until they arrive; a connection that ends first releases them.
		pending++
		d.arrive = append(d.arrive, &arrival{topic: topic, n: n, done: settle})
	}
	pending++
	fan := &arrival{topic: topic, n: n, done: settle}
	d.fanout = append(d.fanout, fan)
	pc := d.pc
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		var err error
		if pc == nil || !pc.IsConnected() {
			err = errors.New("the test's broker connection is down (after broker.stop(), call broker.start())")
		} else {
			var last paho.Token
			for i := int64(0); i < n; i++ {
				last = pc.Publish(topic, qos, retain, payload(i))
			}
			last.Wait()
			err = last.Error()
		}
		op.Post(func() {
			failure = err
			if err != nil {
				d.releaseFanout(fan) // the broker may never have it
			}
			settle()
		})
	}()
	return rt.ToValue(p)
}

// connect (re)connects the driver's client. Any goroutine.
func (d *driver) connect() error {
	user, password := d.b.PrivilegedLogin()
	o := paho.NewClientOptions().AddBroker("tcp://" + d.b.Addr()).SetClientID(driverID).
		SetUsername(user).SetPassword(password).
		SetProtocolVersion(4).SetAutoReconnect(false).SetConnectRetry(false).SetConnectTimeout(10 * time.Second)
	pc := paho.NewClient(o)
	tok := pc.Connect()
	tok.Wait()
	if err := tok.Error(); err != nil {
		return fmt.Errorf("connect to the embedded broker: %w", err)
	}
	d.pc = pc
	return nil
}

func (d *driver) close() {
	d.unwatch()
	d.wg.Wait()
	if d.pc != nil {
		d.pc.Disconnect(100)
	}
}

// reached notes that a publish of the agent's on topic reached a broker
// (the embedded one or a fake one), ending its transit. Loop only.
func (d *driver) reached(topic string) {
	if q := d.inTransit[topic]; len(q) > 0 {
		q[0]()
		d.inTransit[topic] = q[1:]
	} else {
		d.early[topic]++
	}
}

// observe takes one message the agent published (one the broker dropped
// only ends its transit), or the will of one of its connections (the
// broker's, not one the agent sent). Loop only.
func (d *driver) observe(m broker.Message) {
	if !m.Will {
		d.reached(m.Topic)
	}
	if m.Dropped {
		return // the broker dropped it: no subscriber, nextMessage included, sees it
	}
	for i, w := range d.waiters {
		if mqtttopic.Match(w.filter, m.Topic) {
			d.waiters = append(d.waiters[:i], d.waiters[i+1:]...)
			w.cancel()
			w.resolve(d.messageValue(m))
			return
		}
	}
	d.seen = append(d.seen, m)
}

func (d *driver) messageValue(m broker.Message) goja.Value {
	o := d.r.rt.NewObject()
	_ = o.Set("topic", m.Topic)
	_ = o.Set("message", d.r.sess.Env.Blobs.Wrap(m.Payload))
	_ = o.Set("qos", int(m.QoS))
	_ = o.Set("retain", m.Retain)
	return o
}

func (d *driver) throw(format string, args ...any) {
	agentapi.ThrowType(d.r.rt, fmt.Sprintf("broker."+format, args...))
}

// async runs work off the loop and settles the returned Promise with its
// result on the loop; virtual time stands still meanwhile.
func (d *driver) async(work func() (any, error)) goja.Value {
	rt := d.r.rt
	p, resolve, reject := rt.NewPromise()
	op := d.r.sess.Loop.Begin(scriptvm.Busy)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		v, err := work()
		op.Complete(func() {
			if err != nil {
				_ = reject(rt.NewGoError(err))
			} else {
				_ = resolve(v)
			}
		})
	}()
	return rt.ToValue(p)
}

func (d *driver) object() *goja.Object {
	rt := d.r.rt
	o := rt.NewObject()

	// publish(topic, payload[, {qos, retain}]) → Promise, resolved once sent.
	_ = o.Set("publish", func(call goja.FunctionCall) goja.Value {
		topic := call.Argument(0).String()
		if err := mqtttopic.CheckName(topic); err != nil {
			d.throw("publish: argument 'topic': %v", err)
		}
		payload, ok := d.r.sess.Env.Blobs.BytesOf(call.Argument(1))
		if !ok {
			d.throw("publish: argument 'payload' must be a string, blob or Uint8Array")
		}
		payload = append([]byte(nil), payload...)
		var qos byte
		retain := false
		if opt, ok := call.Argument(2).(*goja.Object); ok {
			if q := opt.Get("qos"); q != nil && !goja.IsUndefined(q) {
				n := q.ToInteger()
				if n < 0 || n > 2 {
					d.throw("publish: options.qos must be 0, 1 or 2, got %s", q.String())
				}
				qos = byte(n)
			}
			if r := opt.Get("retain"); r != nil {
				retain = r.ToBoolean()
			}
		}
		return d.sendToAgent(topic, 1, qos, retain, func(int64) []byte { return payload })
	})

	// nextMessage(filter[, timeoutSeconds]) → Promise of the next message
	// the agent publishes on a matching topic (already published and not
	// yet taken, or still to come).
	_ = o.Set("nextMessage", func(call goja.FunctionCall) goja.Value {
		filter := call.Argument(0).String()
		if err := mqtttopic.CheckFilter(filter); err != nil {
			d.throw("nextMessage: argument 'filter': %v", err)
		}
		var timeout time.Duration // 0: only the test's own timeout applies
		if t := call.Argument(1); !goja.IsUndefined(t) {
			sec := t.ToFloat()
			if sec != sec || sec <= 0 {
				d.throw("nextMessage: argument 'timeout' must be a number of seconds > 0, got %s", t.String())
			}
			timeout = time.Duration(sec * float64(time.Second))
		}
		p, resolve, reject := rt.NewPromise()
		for i, m := range d.seen {
			if mqtttopic.Match(filter, m.Topic) {
				d.seen = append(d.seen[:i], d.seen[i+1:]...)
				_ = resolve(d.messageValue(m))
				return rt.ToValue(p)
			}
		}
		w := &waiter{filter: filter, resolve: func(v any) { _ = resolve(v) }, cancel: func() {}}
		d.waiters = append(d.waiters, w)
		if timeout == 0 {
			return rt.ToValue(p)
		}
		t := d.r.sess.Loop.SetTimer(timeout, func() {
			for i, x := range d.waiters {
				if x == w {
					d.waiters = append(d.waiters[:i], d.waiters[i+1:]...)
				}
			}
			_ = reject(rt.NewGoError(fmt.Errorf("broker.nextMessage: the agent published nothing on %s within %s", filter, timeout)))
		})
		w.cancel = func() { d.r.sess.Loop.CancelTimer(t) }
		return rt.ToValue(p)
	})

	_ = o.Set("clients", func() []any {
		ids := d.b.Clients()
		out := make([]any, len(ids))
		for i, id := range ids {
			out[i] = id
		}
		return out
	})

	_ = o.Set("subscriptions", func(id string) []any {
		subs := d.b.Subscriptions(id)
		out := make([]any, len(subs))
		for i, f := range subs {
			out[i] = f
		}
		return out
	})

	_ = o.Set("refuseNext", func(call goja.FunctionCall) goja.Value {
		n := call.Argument(0).ToInteger()
		if n < 1 || n > 5 {
			d.throw("refuseNext: argument 'code' must be a CONNACK refusal code 1 to 5, got %s", call.Argument(0).String())
		}
		if err := d.b.RefuseNext(byte(n)); err != nil {
			d.throw("refuseNext: %v", err)
		}
		return goja.Undefined()
	})

	_ = o.Set("denySubscribe", func(filter string) {
		if err := d.b.DenySubscribe(filter); err != nil {
			d.throw("denySubscribe: %v", err)
		}
	})

	// dropClient([id]) → Promise of the number dropped: closes the agent's
	// connection (every agent client when no id is given) without
	// DISCONNECT; the agent sees onconnectionlost(-1) before it settles.
	_ = o.Set("dropClient", func(call goja.FunctionCall) goja.Value {
		id := ""
		if a := call.Argument(0); !goja.IsUndefined(a) && !goja.IsNull(a) {
			id = a.String()
		}
		return d.afterAgentLoss(func() (bool, any, error) {
			n := d.b.DropClient(id)
			return n > 0, n, nil
		})
	})

	// stop() → Promise: the broker closes its listeners and connections;
	// it settles once the agent has seen its connection end.
	_ = o.Set("stop", func() goja.Value {
		connected := len(d.b.Clients()) > 0
		return d.afterAgentLoss(func() (bool, any, error) {
			err := d.b.Stop()
			// What the broker had not delivered by now it never will.
			d.r.hold.Load().Post(d.releaseAllFanout)
			return connected && err == nil, nil, err
		})
	})

	// start() → Promise: the broker listens again on the same port.
	_ = o.Set("start", func() goja.Value {
		return d.async(func() (any, error) {
			if err := d.b.Restart(); err != nil {
				return nil, err
			}
			return nil, d.connect()
		})
	})

	// sendOversize([topic]) → Promise: publishes a message one byte over
	// limits.message_size on topic (default: a topic matching the agent's
	// first subscription); the agent sees onconnectionlost(-3).
	_ = o.Set("sendOversize", func(call goja.FunctionCall) goja.Value {
		limit := d.r.sess.Env.Limits.MessageSize()
		if limit == 0 {
			d.throw("sendOversize: limits.message_size is off, so no message is oversize")
		}
		topic := ""
		if a := call.Argument(0); !goja.IsUndefined(a) {
			topic = a.String()
		} else {
			for _, id := range d.b.Clients() {
				if subs := d.b.Subscriptions(id); len(subs) > 0 {
					topic = concreteTopic(subs[0])
					break
				}
			}
			if topic == "" {
				d.throw("sendOversize: the agent has no subscription to send to; name a topic")
			}
		}
		payload := make([]byte, limit+1)
		return d.sendToAgent(topic, 1, 0, false, func(int64) []byte { return payload })
	})

	// flood(topic, n) → Promise: publishes n QoS 0 messages as fast as the
	// broker takes them.
	_ = o.Set("flood", func(call goja.FunctionCall) goja.Value {
		topic := call.Argument(0).String()
		if err := mqtttopic.CheckName(topic); err != nil {
			d.throw("flood: argument 'topic': %v", err)
		}
		n := call.Argument(1).ToInteger()
		if n < 1 || n > 10_000_000 {
			d.throw("flood: argument 'n' must be from 1 to 10000000, got %s", call.Argument(1).String())
		}
		return d.sendToAgent(topic, n, 0, false, func(i int64) []byte { return []byte(fmt.Sprintf("flood %d", i)) })
	})
	return o
}

// concreteTopic turns a filter into a topic it matches.
func concreteTopic(filter string) string {
	levels := strings.Split(filter, "/")
	for i, l := range levels {
		if l == "+" || l == "#" {
			levels[i] = "x"
		}
	}
	return strings.Join(levels, "/")
}
