package scriptvm

import (
	"fmt"
	"runtime"
	"runtime/metrics"
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

// enter and leave bracket every piece of JS the loop runs, for the
// watchdog. Loop only.
func (l *Loop) enter() {
	if !l.watched() {
		return
	}
	l.wdMu.Lock()
	l.wdStart = time.Now()
	l.wdMu.Unlock()
}

func (l *Loop) leave() {
	if !l.watched() {
		return
	}
	l.wdMu.Lock()
	l.wdStart = time.Time{}
	fired := l.wdFired
	l.wdFired = false
	l.wdMu.Unlock()
	if fired {
		l.rt.ClearInterrupt()
		for _, c := range l.companions {
			c.rt.ClearInterrupt()
		}
	}
}

// watched reports whether a watchdog budget is set.
func (l *Loop) watched() bool { return l.budget > 0 || l.memory > 0 }

// watchdog interrupts a callback that has run longer than the time budget
// or grown the heap past the memory budget. Its own goroutine, until done
// is closed.
func (l *Loop) watchdog(done <-chan struct{}) {
	tick := 500 * time.Millisecond
	if l.budget > 0 {
		tick = min(max(l.budget/10, 5*time.Millisecond), tick)
	}
	if l.memory > 0 {
		tick = min(tick, 10*time.Millisecond)
	}
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var lastGC, gcFor time.Time // when a collection was last forced, and for which callback
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		l.wdMu.Lock()
		start, running := l.wdStart, !l.wdStart.IsZero() && !l.wdFired
		l.wdMu.Unlock()
		if !running {
			continue
		}
		var why *WatchdogError
		if l.budget > 0 && time.Since(start) > l.budget {
			why = &WatchdogError{Budget: l.budget}
		} else if l.memory > 0 {
			// The cheap reading counts garbage not yet collected; only
			// when it is over the budget, collect and look at what is
			// really held (at most every 100 ms within one callback, so a
			// script near its budget does not spend its time collecting;
			// at once in a new callback, which must not be blamed for what
			// the last one left behind).
			metrics.Read(heap)
			if h := int64(heap[0].Value.Uint64()); h > l.memory {
				if time.Since(lastGC) > 100*time.Millisecond || !gcFor.Equal(start) {
					runtime.GC()
					lastGC, gcFor = time.Now(), start
				}
				if live := l.liveHeap(); live > l.memory {
					why = &WatchdogError{Memory: l.memory, Heap: live}
				}
			}
		}
		if why == nil {
			continue
		}
		l.wdMu.Lock()
		if l.wdStart.Equal(start) && !l.wdFired { // still the same callback
			l.wdFired = true
			l.rt.Interrupt(why)
			for _, c := range l.companions {
				c.rt.Interrupt(why)
			}
		}
		l.wdMu.Unlock()
	}
}
