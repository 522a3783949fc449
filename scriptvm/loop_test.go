package scriptvm

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
	"go.uber.org/goleak"
)

// TestMain fails the package after testDeadline with every goroutine's
// stack (the stuck test's among them) instead of at go test's -timeout: a
// watchdog regression leaves a runaway callback spinning for ever.
func TestMain(m *testing.M) {
	time.AfterFunc(testDeadline, func() {
		debug.SetTraceback("all")
		panic(fmt.Sprintf("scriptvm tests still running after %v: a runaway callback the watchdog never stopped?", testDeadline))
	})
	goleak.VerifyTestMain(m)
}

// testDeadline is several times what the package's tests take under -race
// on a loaded 2-core machine (about 20 s).
const testDeadline = 2 * time.Minute

// harness is a loop with a JS log() that records lines and a JS
// after(ms, fn) timer, as a test-only stand-in for the agent API.
type harness struct {
	loop   *Loop
	lines  []string
	errors []*ScriptError
}

func newHarness(t testing.TB, clock Clock) *harness {
	t.Helper()
	return newHarnessWith(t, Options{Clock: clock})
}

// newHarnessWith is newHarness with a loop made from opts (OnError is the
// harness's).
func newHarnessWith(t testing.TB, opts Options) *harness {
	t.Helper()
	h := &harness{}
	opts.OnError = func(e *ScriptError) { h.errors = append(h.errors, e) }
	h.loop = New(opts)
	rt := h.loop.Runtime()
	must(t, rt.Set("log", func(s string) { h.lines = append(h.lines, s) }))
	must(t, rt.Set("after", func(ms int64, fn goja.Callable) {
		h.loop.SetTimer(time.Duration(ms)*time.Millisecond, func() { h.loop.Call(fn, goja.Undefined()) })
	}))
	return h
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (h *harness) run(t *testing.T, src string, opts RunOptions) (StopReason, error) {
	t.Helper()
	prg, err := Compile("agent.js", src)
	if err != nil {
		return 0, err
	}
	return h.loop.Run(context.Background(), prg, opts)
}

func TestSyntaxErrorNamesFileLineCol(t *testing.T) {
	_, err := Compile("agent.js", "var a = 1;\nvar b = ;\n")
	var se *ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("want *ScriptError, got %T %v", err, err)
	}
	if se.File != "agent.js" || se.Line != 2 || se.Kind != "SyntaxError" {
		t.Fatalf("got %+v", se)
	}
	if !strings.HasPrefix(se.Error(), "agent.js:2:") || !strings.Contains(se.Error(), "SyntaxError") {
		t.Fatalf("Error() = %q", se.Error())
	}
}

func TestTopLevelThrowEndsRunWithStack(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.run(t, "function inner() {\n  null.x;\n}\nfunction outer() { inner(); }\nouter();\n", RunOptions{UntilIdle: true})
	var se *ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("want *ScriptError, got %v", err)
	}
	if se.Kind != "TypeError" || se.File != "agent.js" || se.Line != 2 {
		t.Fatalf("got %+v", se)
	}
	var funcs []string
	for _, f := range se.Stack {
		funcs = append(funcs, f.Func)
	}
	if len(funcs) < 2 || funcs[0] != "inner" || funcs[1] != "outer" {
		t.Fatalf("stack functions = %v", funcs)
	}
	if lines := se.Lines(); !strings.Contains(lines[1], "inner (agent.js:2:") {
		t.Fatalf("stack lines = %q", lines)
	}
}

func TestCallbackErrorIsReportedAndLoopGoesOn(t *testing.T) {
	h := newHarness(t, nil)
	reason, err := h.run(t, `
		after(1, function boom() { throw new Error("first"); });
		after(2, function () { log("second ran"); });
	`, RunOptions{UntilIdle: true})
	if err != nil || reason != StoppedIdle {
		t.Fatalf("run: %v %v", reason, err)
	}
	if len(h.errors) != 1 || !strings.Contains(h.errors[0].Message, "Error: first") || h.errors[0].Line != 2 {
		t.Fatalf("errors = %+v", h.errors)
	}
	if len(h.lines) != 1 || h.lines[0] != "second ran" {
		t.Fatalf("lines = %v", h.lines)
	}
}

func TestTimersRunInDueOrderThenIdle(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.run(t, `
		after(30, function () { log("c"); });
		after(10, function () { log("a"); after(5, function () { log("b"); }); });
		after(0, function () { log("zero"); });
		log("top");
	`, RunOptions{UntilIdle: true})
	must(t, err)
	if got := strings.Join(h.lines, ","); got != "top,zero,a,b,c" {
		t.Fatalf("order = %s", got)
	}
}

// TestSameTimeTimersRunInCreationOrder: timers due at the same instant
// run in the order they were set.
func TestSameTimeTimersRunInCreationOrder(t *testing.T) {
	h := newHarness(t, NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	_, err := h.run(t, `
		for (const n of ["a", "b", "c", "d", "e"]) after(10, function () { log(n); });
		after(0, function () { log("first"); after(10, function () { log("set later"); }); });
	`, RunOptions{UntilIdle: true})
	must(t, err)
	if got := strings.Join(h.lines, ","); got != "first,a,b,c,d,e,set later" {
		t.Fatalf("order = %s", got)
	}
}

// TestVirtualClockNeverRunsBackwards: AdvanceTo an earlier time and
// Advance by a negative duration leave the clock where it is.
func TestVirtualClockNeverRunsBackwards(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewVirtualClock(start)
	c.AdvanceTo(start.Add(time.Hour))
	c.AdvanceTo(start)
	c.Advance(-time.Minute)
	if got := c.Now(); !got.Equal(start.Add(time.Hour)) {
		t.Fatalf("clock at %v, want %v", got, start.Add(time.Hour))
	}
	c.Advance(time.Second)
	if got := c.Now(); !got.Equal(start.Add(time.Hour + time.Second)) {
		t.Fatalf("clock at %v after Advance(1s)", got)
	}
}

// TestTimersDoNotStarvePostedWork: a timer callback that sets a zero-delay
// timer does not run it in the same round, so work posted meanwhile (a
// message from the network) runs in between. On the virtual clock the new
// timer is due at the very instant of the round.
func TestTimersDoNotStarvePostedWork(t *testing.T) {
	h := newHarness(t, NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	var op *Op
	must(t, h.loop.Runtime().Set("post", func(s string) {
		op = h.loop.Begin(Hold)
		op.Post(func() { h.lines = append(h.lines, s) })
		op.Complete(nil)
	}))
	_, err := h.run(t, `
		let n = 0;
		function chain() {
			log("tick " + ++n);
			if (n == 1) post("posted");
			if (n < 3) after(0, chain);
		}
		after(0, chain);
	`, RunOptions{UntilIdle: true})
	must(t, err)
	if got := strings.Join(h.lines, ","); got != "tick 1,posted,tick 2,tick 3" {
		t.Fatalf("order = %s", got)
	}
}

func TestCancelTimer(t *testing.T) {
	h := newHarness(t, nil)
	var tm *Timer
	must(t, h.loop.Runtime().Set("armAndCancel", func() bool {
		tm = h.loop.SetTimer(time.Millisecond, func() { h.lines = append(h.lines, "fired") })
		return h.loop.CancelTimer(tm)
	}))
	_, err := h.run(t, `log(String(armAndCancel()));`, RunOptions{UntilIdle: true})
	must(t, err)
	if strings.Join(h.lines, ",") != "true" || tm.Pending() || h.loop.CancelTimer(tm) {
		t.Fatalf("lines = %v pending=%v", h.lines, tm.Pending())
	}
}

func TestOpPostsInOrderAndHoldsTheLoopUntilComplete(t *testing.T) {
	h := newHarness(t, nil)
	var op *Op
	must(t, h.loop.Runtime().Set("startWork", func(n int) {
		op = h.loop.Begin(Hold)
		go func() {
			for i := 0; i < n; i++ {
				op.Post(func() { h.lines = append(h.lines, string(rune('a'+i))) })
			}
			op.Complete(func() { h.lines = append(h.lines, "done") })
			if op.Complete(func() { h.lines = append(h.lines, "twice") }) {
				t.Error("a second Complete was accepted")
			}
			if op.Post(func() { h.lines = append(h.lines, "late") }) {
				t.Error("a Post after Complete was accepted")
			}
		}()
	}))
	reason, err := h.run(t, `startWork(5);`, RunOptions{UntilIdle: true})
	must(t, err)
	if reason != StoppedIdle || strings.Join(h.lines, ",") != "a,b,c,d,e,done" {
		t.Fatalf("reason %v lines %v", reason, h.lines)
	}
	if op.Post(func() {}) || h.loop.Begin(Hold).Complete(func() {}) {
		t.Fatal("work accepted after Run returned, where it can never run")
	}
}

func TestEndReleasesEarlyAndLateWorkStillRuns(t *testing.T) {
	h := newHarness(t, nil)
	release := make(chan struct{})
	finished := make(chan struct{})
	must(t, h.loop.Runtime().Set("start", func() {
		op := h.loop.Begin(Busy)
		go func() {
			<-release
			op.Post(func() { h.lines = append(h.lines, "posted after End") })
			op.Complete(func() { h.lines = append(h.lines, "completed after End") })
			close(finished)
		}()
		// Cancelled on the loop before its result arrives.
		h.loop.SetTimer(time.Millisecond, func() {
			op.End()
			op.End() // idempotent: the loop's count must not go negative
			h.lines = append(h.lines, "ended")
			close(release)
		})
	}))
	// A Hold keeps the loop running until the goroutine has tried its
	// deliveries, so they are run (and must be dropped) by this loop.
	must(t, h.loop.Runtime().Set("waitFinished", func() {
		w := h.loop.Begin(Hold)
		go func() { <-finished; w.Complete(nil) }()
	}))
	reason, err := h.run(t, `start(); waitFinished();`, RunOptions{UntilIdle: true})
	must(t, err)
	if reason != StoppedIdle || strings.Join(h.lines, ",") != "ended,posted after End,completed after End" {
		t.Fatalf("reason %v lines %v", reason, h.lines)
	}
	if h.loop.holds != 0 || h.loop.busy != 0 {
		t.Fatalf("holds %d busy %d after every op ended", h.loop.holds, h.loop.busy)
	}
}

func TestContextInterruptsRunawayTopLevel(t *testing.T) {
	h := newHarness(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	must(t, h.loop.Runtime().Set("started", func() { cancel() }))
	prg, err := Compile("agent.js", "started(); for (;;) {}")
	must(t, err)
	reason, err := h.loop.Run(ctx, prg, RunOptions{})
	if err != nil || reason != StoppedByContext {
		t.Fatalf("reason %v err %v", reason, err)
	}
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func TestDeadlineAndDateFollowTheClock(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	h := newHarness(t, fixedClock{at})
	reason, err := h.run(t, `log(String(Date.now())); after(1000, function () { log("never"); });`,
		RunOptions{Deadline: at})
	must(t, err)
	if reason != StoppedAtDeadline {
		t.Fatalf("reason = %v", reason)
	}
	if len(h.lines) != 1 || h.lines[0] != "1893553445000" {
		t.Fatalf("lines = %v", h.lines)
	}
}

// TestStackOverflowIsOneShortError: a runaway recursion is one
// RangeError whose log shows the first frames and counts the rest, naming
// the frame that repeats; one through a getter (host code between the
// frames) ends just as fast.
func TestStackOverflowIsOneShortError(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.run(t, "function f() {\n  return f() + 1;\n}\nf();\n", RunOptions{UntilIdle: true})
	var se *ScriptError
	if !errors.As(err, &se) || se.Message != "RangeError: Maximum call stack size exceeded (unbounded recursion?)" {
		t.Fatalf("got %v", err)
	}
	lines := se.Lines()
	if len(lines) != 4 || lines[1] != "  at f (agent.js:2:11)" || !strings.HasPrefix(lines[2], "  … 2,4") ||
		!strings.HasSuffix(lines[2], " more frames of f (agent.js:2:11)") || lines[3] != "  at <anonymous> (agent.js:4:2)" {
		t.Fatalf("lines %q", lines)
	}
	start := time.Now()
	h = newHarness(t, nil)
	_, err = h.run(t, "var o = { get x() { return this.x; } };\no.x;\n", RunOptions{UntilIdle: true})
	if !errors.As(err, &se) || !strings.Contains(se.Message, "Maximum call stack size exceeded") {
		t.Fatalf("getter recursion: %v", err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("a recursion through a getter took %v to end", el)
	}
}

func TestVirtualClockJumpsToTimers(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	vc := NewVirtualClock(start)
	h := newHarness(t, vc)
	wall := time.Now()
	reason, err := h.run(t, `
		let n = 0;
		function tick() { n++; if (n < 8640) after(10000, tick); else log("ticks " + n + " at " + new Date().toISOString()); }
		after(10000, tick);
	`, RunOptions{UntilIdle: true})
	must(t, err)
	if reason != StoppedIdle || len(h.lines) != 1 || h.lines[0] != "ticks 8640 at 2026-01-02T00:00:00.000Z" {
		t.Fatalf("reason %v lines %v", reason, h.lines)
	}
	if !vc.Now().Equal(start.Add(24 * time.Hour)) {
		t.Fatalf("clock at %v", vc.Now())
	}
	if el := time.Since(wall); el > 10*time.Second {
		t.Fatalf("a virtual day took %v of wall time", el)
	}
}

func TestVirtualClockStandsStillWhileBusy(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	vc := NewVirtualClock(start)
	h := newHarness(t, vc)
	must(t, h.loop.Runtime().Set("slowNetworkOp", func() {
		op := h.loop.Begin(Busy)
		go func() {
			time.Sleep(20 * time.Millisecond) // a broker taking its time
			op.Complete(func() {
				h.lines = append(h.lines, "op done at +"+vc.Now().Sub(start).String())
			})
		}()
	}))
	_, err := h.run(t, `
		after(3600000, function () { log("timer at +1h"); });
		slowNetworkOp();
	`, RunOptions{UntilIdle: true})
	must(t, err)
	if strings.Join(h.lines, ",") != "op done at +0s,timer at +1h" {
		t.Fatalf("lines %v", h.lines)
	}
}

func TestVirtualDeadline(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	vc := NewVirtualClock(start)
	h := newHarness(t, vc)
	reason, err := h.run(t, `
		after(86400000, function () { log("at the deadline"); });
		after(86400001, function () { log("after the deadline"); });`,
		RunOptions{Deadline: start.Add(24 * time.Hour)})
	must(t, err)
	if reason != StoppedAtDeadline || strings.Join(h.lines, ",") != "at the deadline" || !vc.Now().Equal(start.Add(24*time.Hour)) {
		t.Fatalf("reason %v lines %v clock %v", reason, h.lines, vc.Now())
	}
}

func TestWatchdogStopsARunawayCallbackAndTheLoopGoesOn(t *testing.T) {
	h := &harness{}
	h.loop = New(Options{CallbackBudget: 100 * time.Millisecond,
		OnError: func(e *ScriptError) { h.errors = append(h.errors, e) }})
	rt := h.loop.Runtime()
	must(t, rt.Set("log", func(s string) { h.lines = append(h.lines, s) }))
	must(t, rt.Set("after", func(ms int64, fn goja.Callable) {
		h.loop.SetTimer(time.Duration(ms)*time.Millisecond, func() { h.loop.Call(fn, goja.Undefined()) })
	}))
	start := time.Now()
	_, err := h.run(t, "after(1, function spin() {\n  for (;;) {}\n});\nafter(2, function () { log('still alive'); });\n",
		RunOptions{UntilIdle: true})
	must(t, err)
	// goja locates an interrupted function at its start, not the exact line.
	if len(h.errors) != 1 || h.errors[0].Kind != "WatchdogError" || h.errors[0].File != "agent.js" ||
		!strings.Contains(h.errors[0].Message, "ran longer than 100ms") || len(h.errors[0].Stack) == 0 || h.errors[0].Stack[0].Func != "spin" {
		t.Fatalf("errors %+v", h.errors)
	}
	if strings.Join(h.lines, ",") != "still alive" {
		t.Fatalf("lines %v", h.lines)
	}
	if el := time.Since(start); el < 100*time.Millisecond {
		t.Fatalf("stopped after %v, before the budget", el)
	}
}

// TestWatchdogFiresOnBudget: a runaway callback is stopped after its
// budget, never before, and within 1.5 times it (the watchdog looks every
// tenth of the budget). A machine busy with other work can delay any
// single stop, so the upper bound must hold in one of three tries; a
// watchdog that waits twice the budget, or looks only once per budget,
// misses it every time.
func TestWatchdogFiresOnBudget(t *testing.T) {
	const budget = 400 * time.Millisecond
	var took []time.Duration
	for try := 0; try < 3; try++ {
		el := runawayStoppedAfter(t, budget)
		if el < budget {
			t.Fatalf("a callback with a budget of %v was stopped after %v, before its budget", budget, el)
		}
		if el <= budget*3/2 {
			return
		}
		took = append(took, el)
	}
	t.Fatalf("a callback with a budget of %v was stopped after %v in three tries, want at most %v", budget, took, budget*3/2)
}

// runawayStoppedAfter runs a callback that never returns under a watchdog
// with the given budget and returns how long it ran before it was stopped.
func runawayStoppedAfter(t *testing.T, budget time.Duration) time.Duration {
	t.Helper()
	var started, stopped time.Time
	l := New(Options{CallbackBudget: budget, OnError: func(e *ScriptError) {
		if e.Kind == "WatchdogError" {
			stopped = time.Now()
		}
	}})
	// The callback starts a quarter of the budget after the watchdog, so
	// a watchdog that looked only once per budget would be seen late.
	must(t, l.Runtime().Set("spin", func() {
		l.SetTimer(budget/4, func() {
			fn, _ := goja.AssertFunction(l.Runtime().Get("loop"))
			started = time.Now()
			l.Call(fn, goja.Undefined())
		})
	}))
	prg, err := Compile("agent.js", "function loop() { for (;;) {} }\nspin();\n")
	must(t, err)
	// A watchdog that never looks would leave the callback running: the
	// run is cancelled (and the test fails) after ten budgets.
	ctx, cancel := context.WithTimeout(context.Background(), 10*budget)
	defer cancel()
	if _, err := l.Run(ctx, prg, RunOptions{UntilIdle: true}); err != nil {
		t.Fatal(err)
	}
	if stopped.IsZero() {
		t.Fatal("the watchdog did not stop the callback")
	}
	return stopped.Sub(started)
}

func TestWatchdogStopsARunawayTopLevel(t *testing.T) {
	l := New(Options{CallbackBudget: 50 * time.Millisecond})
	prg, err := Compile("agent.js", "var x = 0;\nwhile (true) { x++; }\n")
	must(t, err)
	_, err = l.Run(context.Background(), prg, RunOptions{UntilIdle: true})
	var se *ScriptError
	if !errors.As(err, &se) || se.Kind != "WatchdogError" || se.File != "agent.js" {
		t.Fatalf("got %v", err)
	}
}

func TestWatchdogStopsRunawayMemory(t *testing.T) {
	h := &harness{}
	h.loop = New(Options{MemoryBudget: 64 << 20,
		OnError: func(e *ScriptError) { h.errors = append(h.errors, e) }})
	rt := h.loop.Runtime()
	must(t, rt.Set("log", func(s string) { h.lines = append(h.lines, s) }))
	must(t, rt.Set("later", func(fn goja.Callable) {
		h.loop.SetTimer(time.Millisecond, func() { h.loop.Call(fn, goja.Undefined()) })
	}))
	_, err := h.run(t, `
const kib = "x".repeat(1024);
later(function grow() { const a = []; for (;;) { a.push(kib + a.length); } });
later(function () { log("still alive"); });
`, RunOptions{UntilIdle: true})
	must(t, err)
	if len(h.errors) != 1 || h.errors[0].Kind != "WatchdogError" || !strings.Contains(h.errors[0].Message, "past the 64 MiB budget (limits.memory)") ||
		len(h.errors[0].Stack) == 0 || h.errors[0].Stack[0].Func != "grow" {
		t.Fatalf("errors %+v", h.errors)
	}
	if strings.Join(h.lines, ",") != "still alive" {
		t.Fatalf("lines %v", h.lines)
	}
}

// TestMemoryBudgetCountsWhatIsHeldNotGarbage: with the collector idle
// (GOGC off, as when it has not caught up), callbacks that make hundreds
// of MiB of garbage but hold little are not stopped by a 64 MiB budget;
// one that holds more than the budget is.
func TestMemoryBudgetCountsWhatIsHeldNotGarbage(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	h := &harness{}
	h.loop = New(Options{MemoryBudget: 64 << 20, OnError: func(e *ScriptError) { h.errors = append(h.errors, e) }})
	rt := h.loop.Runtime()
	must(t, rt.Set("log", func(s string) { h.lines = append(h.lines, s) }))
	must(t, rt.Set("later", func(fn goja.Callable) {
		h.loop.SetTimer(time.Millisecond, func() { h.loop.Call(fn, goja.Undefined()) })
	}))
	_, err := h.run(t, `
const kib = "x".repeat(1024);
function churn() {
	for (let round = 0; round < 40; round++) {
		const a = [];
		for (let i = 0; i < 8192; i++) a.push(kib + i); // about 8 MiB, dropped each round
	}
	log("churned");
}
later(churn);
later(churn);
later(function hold() { globalThis.kept = []; for (;;) globalThis.kept.push(kib + globalThis.kept.length); });
`, RunOptions{UntilIdle: true})
	must(t, err)
	if strings.Join(h.lines, ",") != "churned,churned" {
		t.Fatalf("lines %v errors %+v", h.lines, h.errors)
	}
	if len(h.errors) != 1 || h.errors[0].Kind != "WatchdogError" || h.errors[0].Stack[0].Func != "hold" {
		t.Fatalf("errors %+v", h.errors)
	}
}

// TestZeroDelayChainCannotStopVirtualTime: a timer that re-arms itself
// with no delay still lets a virtual run reach its deadline; virtual time
// moves on by 10 ms per 1,000 rounds at one instant.
func TestZeroDelayChainCannotStopVirtualTime(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	vc := NewVirtualClock(start)
	h := newHarness(t, vc)
	reason, err := h.run(t, `let n = 0; function spin() { n++; after(0, spin); } spin();
		after(3000, function () { log("three seconds, " + n + " rounds"); });`,
		RunOptions{Deadline: start.Add(5 * time.Second)})
	must(t, err)
	if reason != StoppedAtDeadline || !vc.Now().Equal(start.Add(5*time.Second)) {
		t.Fatalf("reason %v at %v", reason, vc.Now().Sub(start))
	}
	// 300 steps of 10 ms, 1,000 rounds each, plus the top level's call
	// and the first round at 3 s (the timer due then runs after it).
	if len(h.lines) != 1 || h.lines[0] != "three seconds, 300002 rounds" {
		t.Fatalf("lines %q", h.lines)
	}
}

// TestSyntaxErrorShowsTheLine: a syntax error's log shows the source line
// (tabs expanded) with a caret under the column.
func TestSyntaxErrorShowsTheLine(t *testing.T) {
	_, err := Compile("agent.js", "var a = 1;\n\tif (a { log(1) }\n")
	var se *ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("got %v", err)
	}
	want := []string{"agent.js:2:8: SyntaxError: Unexpected token {", "      if (a { log(1) }", "            ^"}
	if got := se.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines\n%q\nwant\n%q", got, want)
	}
}
