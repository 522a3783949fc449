package scriptvm

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// WatchdogError is the error of a callback stopped for running longer
// than Options.CallbackBudget.
type WatchdogError struct {
	Budget time.Duration // set when the time budget was exceeded
	Memory int64         // set when the memory budget was exceeded: the budget
	Heap   int64         // the heap size seen, with Memory
}

func (e *WatchdogError) Error() string {
	if e.Memory > 0 {
		return fmt.Sprintf("stopped: the heap grew to %d MiB, past the %d MiB budget (limits.memory)", e.Heap>>20, e.Memory>>20)
	}
	return fmt.Sprintf("stopped: it ran longer than %s (limits.cpu_per_callback)", e.Budget)
}

// watchdogError describes a callback stopped by the watchdog, located
// where it was stopped.
func watchdogError(ie *goja.InterruptedError, wd *WatchdogError) *ScriptError {
	se := &ScriptError{Kind: "WatchdogError", Message: "WatchdogError: " + wd.Error()}
	for _, sf := range ie.Stack() {
		p := sf.Position()
		if p.Filename == "" {
			continue
		}
		fr := Frame{Func: sf.FuncName(), File: p.Filename, Line: p.Line, Col: p.Column}
		se.Stack = append(se.Stack, fr)
		if se.File == "" {
			se.File, se.Line, se.Col = p.Filename, p.Line, p.Column
		}
	}
	return se
}

// Watchdog interrupts the callbacks of its loops that run longer than
// their loop's Options.CallbackBudget, or that grow the heap past its
// Options.MemoryBudget. One goroutine serves every loop that uses it
// (Options.Watchdog: a fleet gives all its agents one); it runs only while
// at least one of those loops runs (Run), and while none of them is inside
// a callback it sleeps with no timer: idle agents cost no CPU. Create it
// with NewWatchdog; any goroutine may use it.
type Watchdog struct {
	mu     sync.Mutex
	active []*Loop   // the loops inside a callback, each at its wdIndex
	users  int       // loops running (between Run's start and end)
	run    *watchRun // the goroutine, while users > 0
	looks  int       // times the goroutine has looked (tests)
	heap   [1]metrics.Sample
}

// watchRun is one goroutine of a Watchdog, from its first user to its
// last. Guarded by Watchdog.mu but for the channels.
type watchRun struct {
	wake     chan struct{} // capacity 1: look again now
	stop     chan struct{} // closed when the last user has left
	done     chan struct{} // closed by the goroutine as it ends
	sleeping bool          // waiting on wake with no timer
	until    time.Time     // when it looks next, while not sleeping
}

// memoryLook is how often the heap is read while a callback of a loop
// with a memory budget runs.
const memoryLook = 10 * time.Millisecond

// NewWatchdog returns a watchdog with no loops.
func NewWatchdog() *Watchdog {
	return &Watchdog{heap: [1]metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
}

// attach counts a loop whose Run is starting, and starts the goroutine
// for the first.
func (w *Watchdog) attach() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.users++; w.users == 1 {
		r := &watchRun{wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}), sleeping: true}
		w.run = r
		go w.watch(r)
	}
}

// detach undoes attach as a Run ends; after the last user it stops the
// goroutine and waits for it.
func (w *Watchdog) detach() {
	w.mu.Lock()
	var r *watchRun
	if w.users--; w.users == 0 {
		r, w.run = w.run, nil
	}
	w.mu.Unlock()
	if r != nil {
		close(r.stop)
		<-r.done
	}
}

// enter and leave bracket every piece of JS the loop runs, for the
// watchdog: enter notes the start, and wakes the watchdog's goroutine if
// it sleeps, or sleeps past when this callback must be looked at. Loop
// only.
func (l *Loop) enter() {
	w := l.wd
	if w == nil {
		return
	}
	now := time.Now()
	w.mu.Lock()
	l.wdStart, l.wdMemory, l.wdIndex = now, now.Add(memoryLook), len(w.active)
	w.active = append(w.active, l)
	if r := w.run; r != nil {
		r.lookBy(l.nextLook())
	}
	w.mu.Unlock()
}

// lookBy makes the watchdog's goroutine look by next at the latest: it
// wakes it if it sleeps or would sleep past next. w.mu held.
func (r *watchRun) lookBy(next time.Time) {
	if r.sleeping || next.Before(r.until) {
		r.sleeping, r.until = false, next
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
}

func (l *Loop) leave() {
	w := l.wd
	if w == nil {
		return
	}
	w.mu.Lock()
	last := len(w.active) - 1
	moved := w.active[last]
	w.active[l.wdIndex], moved.wdIndex = moved, l.wdIndex
	w.active[last] = nil
	w.active = w.active[:last]
	l.wdStart = time.Time{}
	fired := l.wdFired
	l.wdFired = false
	w.mu.Unlock()
	if fired {
		l.rt.ClearInterrupt()
		for _, c := range l.companions {
			c.rt.ClearInterrupt()
		}
	}
}

// Blocked runs wait, a wait outside the script that a host function makes
// on the loop goroutine (sendsync's network round trip), with the running
// callback's watchdog clock stopped: the time wait takes does not count
// against Options.CallbackBudget, and the heap is not read meanwhile. The
// time the callback runs before and after still adds up. A callback the
// watchdog had already stopped stays stopped. Loop only, inside a task.
func (l *Loop) Blocked(wait func()) {
	w := l.wd
	if w == nil || !l.watched() {
		wait()
		return
	}
	w.mu.Lock()
	inside := !l.wdStart.IsZero()
	l.wdPaused = inside
	w.mu.Unlock()
	if !inside {
		wait()
		return
	}
	t0 := time.Now()
	defer func() {
		d := time.Since(t0)
		w.mu.Lock()
		defer w.mu.Unlock()
		l.wdPaused = false
		l.wdStart = l.wdStart.Add(d)
		l.wdMemory = l.wdMemory.Add(d)
		if r := w.run; r != nil && !l.wdFired {
			r.lookBy(l.nextLook())
		}
	}()
	wait()
}

// watched reports whether a watchdog budget is set.
func (l *Loop) watched() bool { return l.budget > 0 || l.memory > 0 }

// nextLook is when the watchdog must next look at l's running callback:
// at the end of its time budget, or at its next heap reading. Under w.mu.
func (l *Loop) nextLook() time.Time {
	var next time.Time
	if l.budget > 0 {
		next = l.wdStart.Add(l.budget)
	}
	if l.memory > 0 && (next.IsZero() || l.wdMemory.Before(next)) {
		next = l.wdMemory
	}
	return next
}

// watch is the watchdog's goroutine: it looks at the running callbacks
// when the first of them is due (its time budget spent, or its next heap
// reading), interrupts those over their budget, and sleeps until the next
// is due, or, with none running, until enter wakes it.
func (w *Watchdog) watch(r *watchRun) {
	defer close(r.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var lastGC, gcFor time.Time // when a collection was last forced, and for which callback
	for {
		w.mu.Lock()
		sleeping, until := r.sleeping, r.until
		w.mu.Unlock()
		if sleeping {
			select {
			case <-r.stop:
				return
			case <-r.wake:
			}
		} else if d := time.Until(until); d > 0 {
			timer.Reset(d)
			select {
			case <-r.stop:
				timer.Stop()
				return
			case <-r.wake:
				timer.Stop()
			case <-timer.C:
			}
		}
		w.mu.Lock()
		w.looks++
		now := time.Now()
		var heavy []*Loop // callbacks whose heap reading is due and over their budget
		heapRead, heap := false, int64(0)
		for _, l := range w.active {
			if l.wdFired || l.wdPaused {
				continue
			}
			if l.budget > 0 && now.Sub(l.wdStart) > l.budget {
				w.interrupt(l, &WatchdogError{Budget: l.budget})
				continue
			}
			if l.memory > 0 && !now.Before(l.wdMemory) {
				l.wdMemory = now.Add(memoryLook)
				if !heapRead {
					metrics.Read(w.heap[:])
					heap, heapRead = int64(w.heap[0].Value.Uint64()), true
				}
				// The cheap reading counts garbage not yet collected;
				// only when it is over the budget, collect and look at
				// what is really held.
				if heap > l.memory {
					heavy = append(heavy, l)
				}
			}
		}
		var starts []time.Time
		for _, l := range heavy {
			starts = append(starts, l.wdStart)
		}
		w.mu.Unlock()
		if len(heavy) > 0 {
			// Collect at most every 100 ms within one callback, so a
			// script near its budget does not spend its time collecting;
			// at once in a new callback, which must not be blamed for
			// what the last one left behind.
			if time.Since(lastGC) > 100*time.Millisecond || !gcFor.Equal(starts[0]) {
				runtime.GC()
				lastGC, gcFor = time.Now(), starts[0]
			}
			live := heavy[0].liveHeap()
			w.mu.Lock()
			for i, l := range heavy {
				if live > l.memory && l.wdStart.Equal(starts[i]) && !l.wdFired { // still the same callback
					w.interrupt(l, &WatchdogError{Memory: l.memory, Heap: live})
				}
			}
			w.mu.Unlock()
		}
		w.mu.Lock()
		var next time.Time
		for _, l := range w.active {
			if n := l.nextLook(); !l.wdFired && !l.wdPaused && !n.IsZero() && (next.IsZero() || n.Before(next)) {
				next = n
			}
		}
		r.sleeping, r.until = next.IsZero(), next
		w.mu.Unlock()
	}
}

// interrupt stops l's running callback (and its companions') with why.
// Under w.mu.
func (w *Watchdog) interrupt(l *Loop, why *WatchdogError) {
	l.wdFired = true
	l.rt.Interrupt(why)
	for _, c := range l.companions {
		c.rt.Interrupt(why)
	}
}
