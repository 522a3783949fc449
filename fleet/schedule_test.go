package fleet

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseShard(t *testing.T) {
	for in, want := range map[string]Shard{"0/1": Whole, "3/4": {3, 4}, " 2 / 8 ": {2, 8}} {
		got, err := ParseShard(in)
		if err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"4/4": "I must be from 0 to 3", "-1/2": "I must be from 0 to 1", "1/0": "N must be at least 1",
		"1": "write I/N", "a/b": "write I/N", "1/2/3": "write I/N", "": "write I/N",
	} {
		if _, err := ParseShard(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseShard(%q): %v, want %q", in, err, want)
		}
	}
}

func TestShardsInterleaveAndCoverTheFleetOnce(t *testing.T) {
	for _, n := range []int{1, 2, 7, 200, 1001} {
		for _, count := range []int{1, 2, 3, 8} {
			seen := make([]int, n)
			sizes := 0
			minSize, maxSize := n, 0
			for i := 0; i < count; i++ {
				s := Shard{i, count}
				size := s.Size(n)
				sizes += size
				minSize, maxSize = min(minSize, size), max(maxSize, size)
				for pos := 0; pos < size; pos++ {
					k := s.Agent(pos)
					if k < 0 || k >= n || k%count != i {
						t.Fatalf("n=%d shard %v pos %d: agent %d", n, s, pos, k)
					}
					seen[k]++
				}
			}
			for k, c := range seen {
				if c != 1 {
					t.Fatalf("n=%d count=%d: agent %d run %d times", n, count, k, c)
				}
			}
			if sizes != n || n >= count && maxSize-minSize > 1 {
				t.Errorf("n=%d count=%d: sizes sum %d, spread %d..%d", n, count, sizes, minSize, maxSize)
			}
		}
	}
	if got := (Shard{1, 2}).Size(200); got != 100 {
		t.Errorf("shard 1/2 of 200: %d agents", got)
	}
	if got := (Shard{5, 8}).Size(4); got != 0 {
		t.Errorf("shard 5/8 of 4: %d agents", got)
	}
}

func TestParseRamp(t *testing.T) {
	for in, want := range map[string]float64{"100/s": 100, "30/min": 0.5, "off": 0, "7200/h": 2} {
		r, err := ParseRamp(in)
		if err != nil || r.Rate != want {
			t.Errorf("ParseRamp(%q) = %v, %v", in, r, err)
		}
	}
	if _, err := ParseRamp("100"); err == nil || !strings.Contains(err.Error(), "use N/s, N/min or N/h") {
		t.Errorf("ParseRamp(100): %v", err)
	}
}

// virtualTimer is a Timer whose time moves only when the ramp sleeps: each
// SleepUntil jumps to its target at once and is recorded.
type virtualTimer struct {
	mu     sync.Mutex
	now    time.Time
	sleeps int
}

func (v *virtualTimer) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

func (v *virtualTimer) SleepUntil(ctx context.Context, t time.Time) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t.After(v.now) {
		v.now = t
		v.sleeps++
	}
	return ctx.Err()
}

func (v *virtualTimer) advance(d time.Duration) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.now = v.now.Add(d)
}

func TestRampStartsEachAgentAtItsFleetOffset(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		shard Shard
		ramp  Ramp
		n     int
		want  []time.Duration // start of each started agent, in order
		ks    []int
	}{
		{Whole, Ramp{10}, 4, []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}, []int{0, 1, 2, 3}},
		// Shard 1/3 starts its agents at the fleet's times for them.
		{Shard{1, 3}, Ramp{10}, 8, []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, 700 * time.Millisecond}, []int{1, 4, 7}},
		{Shard{0, 2}, Ramp{0.5}, 5, []time.Duration{0, 4 * time.Second, 8 * time.Second}, []int{0, 2, 4}},
		{Whole, Ramp{0}, 3, []time.Duration{0, 0, 0}, []int{0, 1, 2}},
	} {
		vt := &virtualTimer{now: t0}
		var ks []int
		var at []time.Duration
		got := runRamp(context.Background(), vt, t0, time.Time{}, c.ramp, c.shard, c.n, func(k int) {
			ks = append(ks, k)
			at = append(at, vt.Now().Sub(t0))
		})
		if got != len(c.ks) || !reflect.DeepEqual(ks, c.ks) || !reflect.DeepEqual(at, c.want) {
			t.Errorf("shard %v ramp %v n %d: started %d: %v at %v; want %v at %v", c.shard, c.ramp, c.n, got, ks, at, c.ks, c.want)
		}
	}
}

func TestRampCatchesUpWithoutSleepingWhenLate(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	vt := &virtualTimer{now: t0}
	var at []time.Duration
	runRamp(context.Background(), vt, t0, time.Time{}, Ramp{100}, Whole, 6, func(k int) {
		at = append(at, vt.Now().Sub(t0))
		if k == 1 {
			vt.advance(35 * time.Millisecond) // starting agent 1 took long
		}
	})
	// Agents 2 and 3 (due at 20 and 30 ms) start at once at 45 ms; 4 and 5
	// keep their own times: the average rate holds.
	want := []time.Duration{0, 10 * time.Millisecond, 45 * time.Millisecond, 45 * time.Millisecond, 45 * time.Millisecond, 50 * time.Millisecond}
	if !reflect.DeepEqual(at, want) {
		t.Errorf("starts at %v, want %v", at, want)
	}
	if vt.sleeps != 2 { // to 10 ms and to 50 ms
		t.Errorf("%d sleeps, want 2", vt.sleeps)
	}
}

func TestRampStopsAtTheDeadlineAndOnCancel(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	vt := &virtualTimer{now: t0}
	var ks []int
	got := runRamp(context.Background(), vt, t0, t0.Add(250*time.Millisecond), Ramp{10}, Whole, 10, func(k int) { ks = append(ks, k) })
	if got != 3 || !reflect.DeepEqual(ks, []int{0, 1, 2}) {
		t.Errorf("deadline at 250 ms: started %d %v, want 0, 1, 2", got, ks)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ks = nil
	got = runRamp(ctx, &virtualTimer{now: t0}, t0, time.Time{}, Ramp{10}, Whole, 10, func(k int) {
		ks = append(ks, k)
		if k == 4 {
			cancel()
		}
	})
	if got != 5 || len(ks) != 5 {
		t.Errorf("cancelled after agent 4: started %d %v", got, ks)
	}
}

func TestRealTimerSleepsUntilItsTime(t *testing.T) {
	start := time.Now()
	if err := (RealTimer{}).SleepUntil(context.Background(), start.Add(30*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 30*time.Millisecond || d > 2*time.Second {
		t.Errorf("slept %v for 30 ms", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (RealTimer{}).SleepUntil(ctx, time.Now().Add(time.Hour)); err != context.Canceled {
		t.Errorf("cancelled sleep: %v", err)
	}
}
