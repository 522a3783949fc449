package fleet

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/agenthost/agenthost/configparams"
)

// Shard is the slice of a fleet one process runs: of Count processes, the
// one numbered Index (0 to Count-1) runs the agents whose fleet index k
// has k mod Count == Index, i.e. Index, Index+Count, Index+2*Count...
// Interleaving (rather than contiguous blocks) keeps the shards within one
// agent of each other in size and lets every shard follow the fleet's one
// start schedule (see Ramp). The zero value is not valid; use Whole.
type Shard struct {
	Index, Count int
}

// Whole is the shard that is the whole fleet.
var Whole = Shard{Index: 0, Count: 1}

// ParseShard parses "I/N" with 0 <= I < N.
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("%q is not a shard: write I/N, e.g. 0/4 for the first of 4 (I counts from 0)", s)
	case n < 1:
		return Shard{}, fmt.Errorf("shard %q: N must be at least 1", s)
	case i < 0 || i >= n:
		return Shard{}, fmt.Errorf("shard %q: I must be from 0 to %d (N-1; I counts from 0)", s, n-1)
	}
	return Shard{Index: i, Count: n}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Size returns how many agents of a fleet of n the shard runs.
func (s Shard) Size(n int) int {
	if s.Index >= n {
		return 0
	}
	return (n - s.Index + s.Count - 1) / s.Count
}

// Agent returns the fleet index of the shard's pos-th agent (pos from 0).
func (s Shard) Agent(pos int) int { return s.Index + pos*s.Count }

// Ramp is the fleet's start schedule: the agent with fleet index k starts
// k/Rate seconds after the fleet's start, so the whole fleet starts Rate
// agents a second whichever shard runs which agent (shards started
// together keep the rate between them). Rate 0 starts every agent at once.
type Ramp struct {
	Rate float64 // agents per second; 0: no ramp
}

// ParseRamp parses a rate as N/s, N/min or N/h, or "off".
func ParseRamp(s string) (Ramp, error) {
	r, err := configparams.ParseRate(s)
	if err != nil {
		return Ramp{}, err
	}
	return Ramp{Rate: r}, nil
}

func (r Ramp) String() string {
	if r.Rate == 0 {
		return "off"
	}
	return strconv.FormatFloat(r.Rate, 'f', -1, 64) + "/s"
}

// Offset is when the agent with fleet index k starts, after the fleet's
// start.
func (r Ramp) Offset(k int) time.Duration {
	if r.Rate == 0 {
		return 0
	}
	return time.Duration(float64(k) / r.Rate * float64(time.Second))
}

// Timer is the clock the ramp waits on: RealTimer, or a test's virtual
// one.
type Timer interface {
	Now() time.Time
	// SleepUntil waits until t or until ctx is done, and returns
	// ctx.Err() in the second case.
	SleepUntil(ctx context.Context, t time.Time) error
}

// RealTimer is the wall clock.
type RealTimer struct{}

// Now is time.Now.
func (RealTimer) Now() time.Time { return time.Now() }

// SleepUntil implements Timer.
func (RealTimer) SleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runRamp calls start(k) for the fleet index k of each of the shard's
// agents of a fleet of n, in order, each at start + ramp.Offset(k) (at
// once when that is already past, so a late start catches up). It stops
// early, returning how many it started, when ctx is done or the next
// start would be at or after stopAt (zero: no limit). It runs on the
// calling goroutine.
func runRamp(ctx context.Context, tm Timer, begin time.Time, stopAt time.Time, ramp Ramp, shard Shard, n int, start func(k int)) int {
	size := shard.Size(n)
	for pos := 0; pos < size; pos++ {
		k := shard.Agent(pos)
		at := begin.Add(ramp.Offset(k))
		if !stopAt.IsZero() && !at.Before(stopAt) {
			return pos
		}
		if err := tm.SleepUntil(ctx, at); err != nil {
			return pos
		}
		if ctx.Err() != nil {
			return pos
		}
		start(k)
	}
	return size
}
