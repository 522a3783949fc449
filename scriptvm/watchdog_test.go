package scriptvm

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// watchState is what w's goroutine is doing: how many times it has
// looked, and whether it sleeps with no timer.
func watchState(w *Watchdog) (looks int, sleeping bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.looks, w.run != nil && w.run.sleeping
}

// goroutinesCreatedBy counts the live goroutines whose "created by" line
// names a function of this module starting with prefix (e.g.
// "scriptvm.(*" for the package's methods).
func goroutinesCreatedBy(prefix string) int {
	buf := make([]byte, 1<<20)
	for {
		if n := runtime.Stack(buf, true); n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, line := range strings.Split(string(buf), "\n") {
		if strings.HasPrefix(line, "created by github.com/agenthost/agenthost/"+prefix) {
			count++
		}
	}
	return count
}

// TestSharedWatchdogSleepsWhileNoCallbackRuns: loops that share a
// watchdog (both budgets on, as in a fleet) run one goroutine between them
// for it, and while none of them is inside a callback it does nothing —
// not a single look — however long they wait; the loops' callbacks after
// the wait run as before.
func TestSharedWatchdogSleepsWhileNoCallbackRuns(t *testing.T) {
	const n = 50
	w := NewWatchdog()
	release := make(chan struct{})
	var started, finished sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	for i := 0; i < n; i++ {
		l := New(Options{Watchdog: w, CallbackBudget: time.Second, MemoryBudget: 1 << 40,
			OnError: func(e *ScriptError) { mu.Lock(); problems = append(problems, e.Error()); mu.Unlock() }})
		op := l.Begin(Hold) // the loop waits for the release, idle
		must(t, l.Runtime().Set("ready", func() { started.Done() }))
		must(t, l.Runtime().Set("done", func() { finished.Done() }))
		prg, err := Compile("agent.js", "function later() { done(); }\nready();\n")
		must(t, err)
		started.Add(1)
		finished.Add(1)
		go func() {
			<-release
			op.Complete(func() { // End is loop only: Complete ends the hold on the loop
				fn, _ := goja.AssertFunction(l.Runtime().Get("later"))
				l.Call(fn, goja.Undefined())
			})
		}()
		go func() {
			if _, err := l.Run(context.Background(), prg, RunOptions{UntilIdle: true}); err != nil {
				t.Error(err)
			}
		}()
	}
	started.Wait()
	// Counted by who created them, so goroutines of earlier tests that
	// are still winding down do not change the count.
	if byTest, byLoops := goroutinesCreatedBy("scriptvm.TestSharedWatchdogSleepsWhileNoCallbackRuns "),
		goroutinesCreatedBy("scriptvm.(*"); byTest != 2*n || byLoops != 1 {
		t.Errorf("%d goroutines started by the test (want %d: each loop's Run and its releaser) and %d by the loops and watchdog (want 1, the shared watchdog)",
			byTest, 2*n, byLoops)
	}
	// The last look after the top levels comes at most a memory reading
	// later; then the goroutine sleeps.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, sleeping := watchState(w); sleeping {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the watchdog did not go to sleep with no callback running")
		}
		time.Sleep(time.Millisecond)
	}
	looks, _ := watchState(w)
	time.Sleep(200 * time.Millisecond) // 20 memory readings' worth of idleness
	if after, sleeping := watchState(w); after != looks || !sleeping {
		t.Fatalf("with no callback running the watchdog looked %d times in 200 ms (sleeping: %v)", after-looks, sleeping)
	}
	close(release)
	finished.Wait()
	if len(problems) > 0 {
		t.Fatalf("errors: %q", problems)
	}
}

// TestSharedWatchdogStopsOnlyTheRunaway: of many loops sharing a
// watchdog and running short callbacks all the time, the one whose
// callback runs away is stopped after its budget, and no other callback
// is; afterwards no loop is left marked as running.
func TestSharedWatchdogStopsOnlyTheRunaway(t *testing.T) {
	const loops, rounds = 20, 300
	w := NewWatchdog()
	var wg sync.WaitGroup
	var mu sync.Mutex
	stopped := map[int]string{}
	var took time.Duration
	for i := 0; i < loops; i++ {
		i := i
		var start time.Time
		l := New(Options{Watchdog: w, CallbackBudget: 150 * time.Millisecond,
			OnError: func(e *ScriptError) { mu.Lock(); stopped[i], took = e.Kind, time.Since(start); mu.Unlock() }})
		must(t, l.Runtime().Set("mark", func() { start = time.Now() }))
		must(t, l.Runtime().Set("later", func(fn goja.Callable) {
			l.SetTimer(0, func() { l.Call(fn, goja.Undefined()) })
		}))
		src := "var n = 0; function tick() { if (++n < " + strconv.Itoa(rounds) + ") later(tick); }\nlater(tick);\n"
		if i == 7 {
			src += "later(function () { later(function spin() { mark(); for (;;) {} }); });\n"
		}
		prg, err := Compile("agent.js", src)
		must(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := l.Run(ctx, prg, RunOptions{UntilIdle: true}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(stopped) != 1 || stopped[7] != "WatchdogError" {
		t.Errorf("stopped callbacks %v, want only loop 7's", stopped)
	}
	if took < 150*time.Millisecond || took > time.Second {
		t.Errorf("the runaway was stopped after %v with a budget of 150 ms", took)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.active) != 0 || w.users != 0 || w.run != nil {
		t.Errorf("after every run: %d loops marked running, %d users, goroutine %v", len(w.active), w.users, w.run != nil)
	}
}

// BenchmarkTaskUnderWatchdog times one loop task (a zero-delay timer
// that re-arms itself) without budgets and with both, the watchdog's cost
// on every callback (enter and leave).
func BenchmarkTaskUnderWatchdog(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"no-budgets", Options{}},
		{"budgets", Options{CallbackBudget: time.Second, MemoryBudget: 1 << 40}},
	} {
		b.Run(c.name, func(b *testing.B) {
			l := New(c.opts)
			n := 0
			var tick func()
			tick = func() {
				if n++; n < b.N {
					l.SetTimer(0, tick)
				}
			}
			l.SetTimer(0, tick)
			prg, err := Compile("agent.js", "")
			must(b, err)
			b.ResetTimer()
			if _, err := l.Run(context.Background(), prg, RunOptions{UntilIdle: true}); err != nil {
				b.Fatal(err)
			}
		})
	}
}
