package mqtt

import (
	"container/list"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/agenthost/agenthost/scriptvm"
	paho "github.com/eclipse/paho.mqtt.golang"
)

// How operations complete. Each operation completes on its own: a QoS 0
// publish when it has been written, a QoS 1/2 publish on its PUBACK/PUBCOMP,
// a subscribe on its SUBACK, whatever else is pending. What stays ordered:
// QoS 0 publishes complete in the order they were sent (paho writes them in
// order; a lane on the loop drains them in order, with no goroutine or
// channel work per publish: see orderedLane), and
// the others complete in the order paho completed them — the order the
// broker's acknowledgements arrived in — because a waiter that wakes hands
// over, in issue order, every earlier operation that is complete too (one
// waiter follows the oldest; see ackedSet).
// Completed operations are handed to the loop in runs: one loop wake-up for
// a burst.

// pending is one operation waiting for its paho token. Its op keeps the
// loop busy (virtual time stands still) until done has run; operations of
// the ordered lane have none (the lane holds one for all of them).
type pending struct {
	tok  paho.Token
	op   *scriptvm.Op
	done completer
}

// completer is told, on the loop, how its operation's token completed: a
// publish's message, or a doneFunc.
type completer interface{ completed(err error) }

// doneFunc is a completer made of a function.
type doneFunc func(err error)

func (f doneFunc) completed(err error) { f(err) }

// Lanes of completion.
const (
	laneOrdered = iota // QoS 0 publishes: complete in issue order
	laneAcked          // QoS 1/2 publishes: each on its acknowledgement
	laneControl        // subscribe, unsubscribe: as laneAcked, and before later messages
)

// complete hands tok to a waiter and runs done(err) on the loop once the
// token completes. Loop only.
func (c *client) complete(tok paho.Token, lane int, done completer) {
	m := c.m
	if lane == laneOrdered {
		m.ordered.add(pending{tok: tok, done: done})
		return
	}
	p := pending{tok: tok, op: m.env.Loop.Begin(scriptvm.Busy), done: done}
	e, head := m.acked.add(p)
	if lane == laneControl {
		// A SUBACK comes before the messages it lets through: the first
		// message after it must not overtake its callback (see
		// flushControl).
		m.control = append(m.control, e)
	}
	if tokenDone(tok) { // failed at once (-10): nothing to wait for
		m.acked.handOver(e, m.ready)
	}
	if head {
		m.wg.Add(1)
		go m.waitHead()
	}
}

// lateAfter is how long the head waiter waits for the oldest acknowledged
// operation before it hands over what was answered after it, out of
// order (a QoS 1 publish acknowledged while an older one is not, a
// subscribe's SUBACK after a PUBACK that never comes): such an operation
// completes at most this much after its answer. It looks again every
// lateAfter while the oldest stays unanswered.
const lateAfter = 100 * time.Millisecond

// ackedSet holds the operations completed by the broker's answers, in
// issue order. Any goroutine, under mu.
//
// Brokers answer in order nearly always, so one goroutine, the head
// waiter, waits for the oldest operation and hands over each run of
// complete ones: no goroutine per operation (a burst of QoS 1 publishes
// costs one). When the oldest stays unanswered for lateAfter, it hands
// over every later operation complete by then, so each operation
// completes on its own however the broker orders its answers.
type ackedSet struct {
	mu      sync.Mutex
	list    list.List // of pending
	waiting bool      // the head waiter runs
}

// add queues p and reports whether a head waiter must be started for it.
func (s *ackedSet) add(p pending) (e *list.Element, head bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e = s.list.PushBack(p)
	if !s.waiting {
		s.waiting, head = true, true
	}
	return e, head
}

// waitHead is the head waiter: it hands over, in issue order, the runs of
// complete operations at the front of the set and waits for the oldest
// one, until the set is empty (see ackedSet). Its own goroutine.
func (m *Module) waitHead() {
	defer m.wg.Done()
	s := &m.acked
	var late *time.Timer
	defer func() {
		if late != nil {
			late.Stop()
		}
	}()
	for {
		s.mu.Lock()
		front := s.list.Front()
		if front == nil {
			s.waiting = false
			s.mu.Unlock()
			return
		}
		var last *list.Element
		for x := front; x != nil && tokenDone(x.Value.(pending).tok); x = x.Next() {
			last = x
		}
		if last != nil {
			m.ready.push(s.takeDoneLocked(last, false)...)
			s.mu.Unlock()
			continue
		}
		tok := front.Value.(pending).tok
		s.mu.Unlock()
		if late == nil {
			late = time.NewTimer(lateAfter)
		} else {
			late.Reset(lateAfter)
		}
		select {
		case <-tok.Done():
		case <-late.C:
			s.handOverAnswered(m.ready)
		case <-m.ctx.Done(): // the loop has stopped: nobody is waiting
			return
		}
	}
}

// handOverAnswered moves every complete operation to q, in issue order,
// wherever it is in the set: those answered while an older one waits.
func (s *ackedSet) handOverAnswered(q *readyQueue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last *list.Element
	for x := s.list.Front(); x != nil; x = x.Next() {
		if tokenDone(x.Value.(pending).tok) {
			last = x
		}
	}
	if last != nil {
		q.push(s.takeDoneLocked(last, false)...)
	}
}

// handOver moves, in issue order, the complete operations issued up to
// and including e to q (none when e was taken already): complete uses it
// for an operation that failed at once (-10), which waits for nothing.
// Taking and handing over happen under s's lock, so flushControl never
// sees an operation in neither place.
func (s *ackedSet) handOver(e *list.Element, q *readyQueue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q.push(s.takeDoneLocked(e, false)...)
}

// takeDoneLocked removes and returns the complete operations issued up to
// and including e; with acknowledgedOnly, only those the broker
// acknowledged (not those failed with their connection). s.mu held.
func (s *ackedSet) takeDoneLocked(e *list.Element, acknowledgedOnly bool) []pending {
	if e.Value == nil {
		return nil // an earlier waiter took it
	}
	var out []pending
	for x := s.list.Front(); x != nil; {
		next := x.Next()
		p := x.Value.(pending)
		select {
		case <-p.tok.Done():
			if acknowledgedOnly && p.tok.Error() != nil {
				break // failed with its connection: told after the loss
			}
			out = append(out, p)
			s.list.Remove(x)
			x.Value = nil // taken
		default:
		}
		if x == e {
			break
		}
		x = next
	}
	return out
}

// flushControl runs, now, the completions of subscribes and unsubscribes
// whose acknowledgement has arrived but whose waiter has not handed them
// over yet (with every earlier operation complete too), so that a message
// the broker sent after a SUBACK reaches the script after the subscribe
// callback. Called before each inbound message; cheap when no subscribe
// is pending. Loop only.
func (m *Module) flushControl() {
	if len(m.control) == 0 {
		return
	}
	var now []pending
	m.acked.mu.Lock()
	keep := m.control[:0]
	for _, e := range m.control {
		p, ok := e.Value.(pending)
		if !ok {
			continue // its waiter handed it over: it is in the ready queue
		}
		select {
		case <-p.tok.Done():
			if p.tok.Error() == nil {
				now = append(now, m.acked.takeDoneLocked(e, true)...)
				continue
			}
			// Failed: with its connection, most likely; the loss is told
			// first and the waiter hands this over after it.
		default:
		}
		keep = append(keep, e)
	}
	m.acked.mu.Unlock()
	clear(m.control[len(keep):])
	m.control = keep
	// What waiters handed over first, then what was taken here: both are
	// complete, in the order they completed. Failures stay for later.
	m.ready.drainAcknowledged()
	for _, p := range now {
		p.op.End()
		p.done.completed(p.tok.Error())
	}
}

// readyQueue collects completed operations and hands them to the loop in
// runs: the first completion of a run schedules one drain on the loop, the
// ones that complete before it runs join it. Any goroutine.
type readyQueue struct {
	mu        sync.Mutex
	ops       []pending
	scheduled bool
}

func (q *readyQueue) push(ps ...pending) {
	if len(ps) == 0 {
		return
	}
	q.mu.Lock()
	q.ops = append(q.ops, ps...)
	schedule := !q.scheduled
	q.scheduled = true
	q.mu.Unlock()
	if schedule {
		// The first operation of the run carries the drain to the loop;
		// the drain ends every operation it finds.
		ps[0].op.Complete(q.drain)
	}
}

// drainAcknowledged runs the completions queued so far that the broker
// acknowledged, leaving failed ones (told after their connection's loss)
// to the scheduled drain. Loop only.
func (q *readyQueue) drainAcknowledged() {
	q.mu.Lock()
	var run, rest []pending
	for _, p := range q.ops {
		if p.tok.Error() == nil {
			run = append(run, p)
		} else {
			rest = append(rest, p)
		}
	}
	q.ops = rest
	q.mu.Unlock()
	for _, p := range run {
		p.op.End()
		p.done.completed(nil)
	}
}

// drain runs the completions queued so far; a drain scheduled earlier
// finds nothing left and does nothing. Loop only.
func (q *readyQueue) drain() {
	q.mu.Lock()
	run := q.ops
	q.ops = nil
	q.scheduled = false
	q.mu.Unlock()
	for _, p := range run {
		p.op.End()
		p.done.completed(p.tok.Error())
	}
}

// orderedLane holds the operations that complete in issue order: QoS 0
// publishes, whose tokens paho completes one after the other on its one
// writing goroutine, each once written (or at once, failed). It lives on
// the loop and costs no goroutine or channel work per operation: the
// first operation added schedules a drain, which runs after the task that
// sent it (after the whole burst of a sending loop) and completes, in
// order, the operations found complete then; when it stops at one whose
// token is not complete yet, one waiter goroutine waits for that token and
// schedules the next drain. A drain completes only the operations that
// were there when it started, so callbacks that send again do not keep
// one task running. While it holds operations, the lane keeps the loop
// busy (virtual time stands still), as one Busy operation.
type orderedLane struct {
	m       *Module
	queue   []pending // loop only: queue[head:] wait, in issue order
	head    int
	op      *scriptvm.Op // loop only: open while the queue is not empty
	pending bool         // loop only: a drain is queued, or a waiter will queue one
	drainFn func()       // drain, made once
}

func newOrderedLane(m *Module) *orderedLane {
	l := &orderedLane{m: m}
	l.drainFn = l.drain
	return l
}

// add queues p. Loop only.
func (l *orderedLane) add(p pending) {
	l.queue = append(l.queue, p)
	if l.op == nil {
		l.op = l.m.env.Loop.Begin(scriptvm.Busy)
	}
	if !l.pending {
		l.pending = true
		l.op.Post(l.drainFn)
	}
}

// drain completes, in order, the queued operations that are complete, up
// to the last one queued before it started, and schedules the next drain
// for the rest. Loop only.
func (l *orderedLane) drain() {
	for end := len(l.queue); l.head < end && tokenDone(l.queue[l.head].tok); {
		p := l.queue[l.head]
		l.queue[l.head] = pending{}
		l.head++
		p.done.completed(p.tok.Error()) // may run script code that sends again
	}
	if l.head == len(l.queue) {
		l.queue, l.head = l.queue[:0], 0
		if cap(l.queue) > 1024 {
			l.queue = nil // a burst's worth: an idle agent does not keep it
		}
		l.op.End()
		l.op, l.pending = nil, false
		return
	}
	if l.head > len(l.queue)/2 { // keep the slice from growing without bound
		n := copy(l.queue, l.queue[l.head:])
		clear(l.queue[n:])
		l.queue, l.head = l.queue[:n], 0
	}
	op, tok := l.op, l.queue[l.head].tok
	if tokenDone(tok) { // sent by the callbacks of this drain
		op.Post(l.drainFn)
		return
	}
	l.m.wg.Add(1)
	go func() {
		defer l.m.wg.Done()
		select {
		case <-tok.Done():
			op.Post(l.drainFn)
		case <-l.m.ctx.Done(): // the loop has stopped: nobody is waiting
		}
	}()
}

// tokenDone reports whether tok has completed, without waiting.
func tokenDone(tok paho.Token) bool {
	select {
	case <-tok.Done():
		return true
	default:
		return false
	}
}

// pahoNoMessageIDs is the wording of paho's error when all 65,535 message
// identifiers are in use (client.go); a test pins it, so a paho upgrade
// that changes it fails loudly instead of turning -10 into -1.
const pahoNoMessageIDs = "no message IDs available"

// errCode maps a paho token error to a result code.
func errCode(err error) int {
	switch {
	case err == nil:
		return codeSuccess
	case errors.Is(err, paho.ErrNotConnected):
		return codeDisconnected
	case strings.Contains(err.Error(), pahoNoMessageIDs):
		return codeNoMessageIDs
	}
	return codeFailure
}
