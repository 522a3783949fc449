// Package scriptvm runs one JavaScript program on one goja.Runtime owned by
// one goroutine: the event loop. Other goroutines never touch the runtime:
// an asynchronous operation reserves the loop with Begin and hands its
// results back through the returned Op (Post, Complete), the one door into
// the loop. The loop runs queued work, then the timers that are due, and
// sleeps until the next timer or the next hand-over.
//
// Errors thrown by callbacks, and promise rejections nobody handled by the
// end of the task that caused them, are reported through Options.OnError and
// the loop goes on; a syntax error or an exception in the top-level program
// ends Run with a *ScriptError.
package scriptvm

import (
	"container/heap"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// Options configure a Loop.
type Options struct {
	// Clock drives timers and the runtime's Date; nil means RealClock.
	Clock Clock
	// OnError receives every uncaught exception thrown by a callback run
	// with Call. It runs on the loop goroutine. nil drops them (tests only).
	OnError func(*ScriptError)
	// MaxCallStackSize bounds JS recursion; 0 means DefaultMaxCallStack.
	MaxCallStackSize int
	// CallbackBudget, when > 0, is the longest one callback (or the top
	// level) may run: past it the script is interrupted, the error is
	// reported through OnError with the location it was stopped at, and
	// the loop goes on.
	CallbackBudget time.Duration
	// MemoryBudget, when > 0, bounds the process's Go heap (bytes) while
	// script code runs: a callback that grows it past the budget is
	// interrupted and reported like one that runs too long.
	MemoryBudget int64
	// Watchdog enforces the budgets; loops may share one (a fleet's
	// agents do). nil: the loop makes its own when it has a budget.
	Watchdog *Watchdog

	// wrapGuards makes the guards use wrapper function objects, as they
	// do when goja's layout is not the one native.go knows (tests run the
	// guard cases both ways).
	wrapGuards bool
}

// DefaultMaxCallStack is the deepest JS recursion a runtime allows (a
// RangeError beyond it). It is lower than V8's because goja unwinds a
// recursion that passes through host code (a getter or toString calling
// itself) in time that grows with the square of its depth, and no
// interrupt can stop the unwinding: at 2,500 frames it takes about 0.3 s,
// at 10,000 about 8 s.
const DefaultMaxCallStack = 2500

// RunOptions say when Run returns besides context cancellation.
type RunOptions struct {
	// UntilIdle ends the run when nothing is pending: no queued work, no
	// timers and no holds (see Hold).
	UntilIdle bool
	// Deadline, when not zero, ends the run once the loop's clock reaches
	// it and the work due at that instant has run.
	Deadline time.Time
}

// StopReason says why Run returned without a script error.
type StopReason int

const (
	StoppedByContext  StopReason = iota // the context was cancelled (Ctrl-C, SIGTERM)
	StoppedIdle                         // RunOptions.UntilIdle and nothing left to do
	StoppedAtDeadline                   // RunOptions.Deadline reached
)

func (r StopReason) String() string {
	switch r {
	case StoppedIdle:
		return "idle"
	case StoppedAtDeadline:
		return "deadline"
	default:
		return "cancelled"
	}
}

// Loop is the event loop. Create it with New; call Run once.
//
// Methods document which goroutine may call them: "loop only" methods must
// be called from code the loop is running (the program, a callback, a timer
// or an enqueued function).
type Loop struct {
	*script // the agent's runtime
	clock   Clock

	mu     sync.Mutex
	queue  []func()
	closed bool
	wake   chan struct{}
	spare  []func() // reused queue slice, owned by the loop goroutine
	timers timerHeap
	seq    uint64
	holds  int // open operations (Op); an UntilIdle run waits for them
	busy   int // open Busy operations; virtual time stands still for them

	budget  time.Duration
	memory  int64
	wd      *Watchdog     // enforces the budgets; nil when there are none
	wrap    bool          // Options.wrapGuards
	virtual *VirtualClock // non-nil when the clock is virtual
	running bool

	// The running callback, for the watchdog (guarded by wd.mu).
	wdStart  time.Time // when it started; zero when none runs
	wdMemory time.Time // when the watchdog next reads the heap for it
	wdIndex  int       // its place in wd.active
	wdFired  bool      // the watchdog interrupted it
	wdPaused bool      // it waits in Blocked: the watchdog does not look

	// The instant timers last ran at, and how many rounds ran at it
	// (countRound).
	spinAt     time.Time
	spinRounds int
	deadline   time.Time // RunOptions.Deadline of the run
	spunOut    bool      // a zero-delay chain spun at the deadline
	// companions are the runtimes NewCompanion added (before Run); the
	// watchdog and cancellation interrupt them too.
	companions []*Companion
}

// New creates a loop and its runtime. The runtime's Date reads opts.Clock.
func New(opts Options) *Loop {
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	if opts.MaxCallStackSize == 0 {
		opts.MaxCallStackSize = DefaultMaxCallStack
	}
	vc, _ := opts.Clock.(*VirtualClock)
	l := &Loop{
		budget:  opts.CallbackBudget,
		memory:  opts.MemoryBudget,
		clock:   opts.Clock,
		virtual: vc,
		wake:    make(chan struct{}, 1),
		wrap:    opts.wrapGuards,
	}
	if l.watched() {
		if l.wd = opts.Watchdog; l.wd == nil {
			l.wd = NewWatchdog()
		}
	}
	l.script = newScript(l, goja.New(), opts.MaxCallStackSize, opts.OnError)
	return l
}

// Runtime returns the goja runtime. Loop only, or before Run starts.
func (l *Loop) Runtime() *goja.Runtime { return l.rt }

// Clock returns the loop's clock. Any goroutine.
func (l *Loop) Clock() Clock { return l.clock }

// enqueue hands fn to the loop, which runs it after the work queued
// before it. It never blocks. It returns false, and fn never runs, once Run
// has returned. Any goroutine. Only Op uses it: work that arrives from
// another goroutine always belongs to an operation that reserved the loop.
func (l *Loop) enqueue(fn func()) bool {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.queue = append(l.queue, fn)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return true
}

// Compile compiles src once, with name as its file name so that errors and
// stacks say "name:line:col". A syntax error is a *ScriptError.
func Compile(name, src string) (*goja.Program, error) {
	ast, err := parser.ParseFile(nil, name, src, 0, parser.WithDisableSourceMaps)
	if err == nil {
		var prg *goja.Program
		if prg, err = goja.CompileAST(ast, false); err == nil {
			return prg, nil
		}
	}
	se := fromCompile(name, err)
	if lines := strings.Split(src, "\n"); se.Line >= 1 && se.Line <= len(lines) {
		se.Source = strings.TrimRight(lines[se.Line-1], "\r")
	}
	return nil, se
}

// Call calls fn on the loop. An exception it throws is reported through
// OnError and Call returns nil, false. Loop only.
func (l *Loop) Call(fn goja.Callable, this goja.Value, args ...goja.Value) (goja.Value, bool) {
	v, err := fn(this, args...)
	if err != nil {
		l.report(err)
		return nil, false
	}
	return v, true
}

// Report passes err, converted to a *ScriptError, to OnError. Loop only.
func (l *Loop) Report(err error) { l.report(err) }

// task runs one piece of loop work (the top level, a queued function or a
// timer) under the watchdog, then reports the promise rejections it left
// unhandled. Loop only.
func (l *Loop) task(fn func()) {
	l.enter()
	fn()
	l.reportRejections() // rendering a rejection runs script code too
	l.leave()
}

// Run runs prg's top level, then the loop, until ctx is cancelled or opts
// say to stop. It returns the reason it stopped, or a *ScriptError when the
// top level threw. After Run returns, Post and Complete refuse work and the runtime
// must not be used. Call Run once, from the goroutine that will own the
// runtime.
func (l *Loop) Run(ctx context.Context, prg *goja.Program, opts RunOptions) (StopReason, error) {
	l.mu.Lock()
	if l.running {
		l.mu.Unlock()
		return 0, fmt.Errorf("scriptvm: Run called twice")
	}
	l.running = true
	l.mu.Unlock()
	defer l.close()

	// Interrupt running JS when the context ends, so a runaway script cannot
	// keep Ctrl-C from working.
	stopInterrupt := context.AfterFunc(ctx, func() {
		l.rt.Interrupt("run cancelled")
		for _, c := range l.companions {
			c.rt.Interrupt("run cancelled")
		}
	})
	defer stopInterrupt()
	if l.wd != nil {
		l.wd.attach()
		defer l.wd.detach()
	}

	var err error
	var se *ScriptError
	l.task(func() {
		_, err = l.rt.RunProgram(prg)
		if err != nil {
			// Rendered under the watchdog: the thrown value's toString is
			// script code too.
			se = l.ScriptError(err)
		}
	})
	if err != nil {
		if _, ok := interruption(err); ok && ctx.Err() != nil && se.Kind != "WatchdogError" {
			return StoppedByContext, nil
		}
		return 0, se
	}
	return l.loop(ctx, opts), nil
}

func (l *Loop) close() {
	l.mu.Lock()
	l.closed = true
	l.queue = nil
	l.mu.Unlock()
}

func (l *Loop) loop(ctx context.Context, opts RunOptions) StopReason {
	l.deadline = opts.Deadline
	var sleep *time.Timer
	defer func() {
		if sleep != nil {
			sleep.Stop()
		}
	}()
	for {
		if ctx.Err() != nil {
			return StoppedByContext
		}
		if !opts.Deadline.IsZero() && (l.clock.Now().After(opts.Deadline) || l.spunOut) {
			return StoppedAtDeadline
		}
		ran := l.runQueued(ctx)
		if l.runDueTimers(ctx) {
			ran = true
			l.countRound()
		}
		if ran {
			continue
		}
		// Work due at the deadline itself has run: a 24h run sees the
		// timer that falls at exactly 24h. On a virtual clock the answers
		// to operations in flight belong to that same instant: wait for them.
		if !opts.Deadline.IsZero() && !l.clock.Now().Before(opts.Deadline) && (l.virtual == nil || l.busy == 0) {
			return StoppedAtDeadline
		}
		if opts.UntilIdle && l.holds == 0 && len(l.timers) == 0 && l.queueEmpty() {
			return StoppedIdle
		}
		// Sleep until the next timer, the deadline, an enqueue or cancellation.
		var wait <-chan time.Time
		next := opts.Deadline
		if len(l.timers) > 0 && (next.IsZero() || l.timers[0].when.Before(next)) {
			next = l.timers[0].when
		}
		if l.virtual != nil {
			// Virtual time: jump to the next event when idle; while the
			// network is busy, or with nothing scheduled, wait for work.
			if l.busy == 0 && !next.IsZero() && l.queueEmpty() {
				l.virtual.AdvanceTo(next)
				continue
			}
			next = time.Time{}
		}
		if !next.IsZero() {
			d := next.Sub(l.clock.Now())
			if sleep == nil {
				sleep = time.NewTimer(d)
			} else {
				sleep.Reset(d)
			}
			wait = sleep.C
		}
		select {
		case <-ctx.Done():
			return StoppedByContext
		case <-l.wake:
		case <-wait:
		}
	}
}

// Zero-delay timer chains on a virtual clock: a timer that re-arms itself
// with no delay (imp.wakeup(0, f) in f, a retry from a callback delivered
// at once) would keep the clock at one instant for ever, so a --for
// deadline would never come. After maxRoundsPerInstant rounds of timers at
// one instant, the clock moves on by minVirtualStep (the imp's wakeup
// resolution). Timers that do not chain never take that many rounds.
const (
	maxRoundsPerInstant = 1000
	minVirtualStep      = 10 * time.Millisecond
)

// countRound counts a round of timers at the current instant and moves a
// virtual clock on when one instant has taken too many. Loop only.
func (l *Loop) countRound() {
	if l.virtual == nil {
		return
	}
	now := l.clock.Now()
	if !now.Equal(l.spinAt) {
		l.spinAt, l.spinRounds = now, 0
	}
	if l.spinRounds++; l.spinRounds < maxRoundsPerInstant {
		return
	}
	next := now.Add(minVirtualStep)
	if !l.deadline.IsZero() {
		if !now.Before(l.deadline) {
			l.spunOut = true // spinning at the deadline itself: the run is over
			return
		}
		if next.After(l.deadline) {
			next = l.deadline
		}
	}
	l.virtual.AdvanceTo(next)
}

func (l *Loop) queueEmpty() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue) == 0
}

// runQueued runs the work queued so far; work queued meanwhile waits for the
// next round, so timers are not starved.
func (l *Loop) runQueued(ctx context.Context) bool {
	l.mu.Lock()
	jobs := l.queue
	l.queue = l.spare[:0]
	l.mu.Unlock()
	for i, fn := range jobs {
		if ctx.Err() != nil {
			break
		}
		l.task(fn)
		jobs[i] = nil
	}
	l.spare = jobs[:0]
	return len(jobs) > 0
}

// runDueTimers runs the timers due now, in order of due time then creation.
// Timers created by these callbacks wait for the next round.
func (l *Loop) runDueTimers(ctx context.Context) bool {
	now := l.clock.Now()
	limit := l.seq
	ran := false
	for len(l.timers) > 0 && ctx.Err() == nil {
		t := l.timers[0]
		if t.when.After(now) || t.seq > limit {
			break
		}
		heap.Pop(&l.timers)
		l.task(t.fn)
		ran = true
	}
	return ran
}
