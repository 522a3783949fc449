package scriptvm

import (
	"container/heap"
	"time"
)

// Timer is a pending callback created by SetTimer.
type Timer struct {
	when  time.Time
	seq   uint64
	fn    func()
	index int // in the heap; -1 when not scheduled
}

// When returns the clock time the timer fires at.
func (t *Timer) When() time.Time { return t.when }

// SetTimer runs fn on the loop once the clock has advanced by d (d <= 0:
// after the work already queued). Loop only.
func (l *Loop) SetTimer(d time.Duration, fn func()) *Timer {
	if d < 0 {
		d = 0
	}
	l.seq++
	t := &Timer{when: l.clock.Now().Add(d), seq: l.seq, fn: fn}
	heap.Push(&l.timers, t)
	return t
}

// CancelTimer removes t; it reports whether t was still pending. Loop only.
func (l *Loop) CancelTimer(t *Timer) bool {
	if t == nil || t.index < 0 {
		return false
	}
	heap.Remove(&l.timers, t.index)
	return true
}

// NextTimer returns when the earliest pending timer is due, and false when
// none is pending. Loop only.
func (l *Loop) NextTimer() (time.Time, bool) {
	if len(l.timers) == 0 {
		return time.Time{}, false
	}
	return l.timers[0].when, true
}

// Pending reports whether t has not fired and was not cancelled. Loop only.
func (t *Timer) Pending() bool { return t.index >= 0 }

type timerHeap []*Timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when.Equal(h[j].when) {
		return h[i].seq < h[j].seq
	}
	return h[i].when.Before(h[j].when)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
