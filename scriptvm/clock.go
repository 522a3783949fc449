package scriptvm

import (
	"sync"
	"time"
)

// Clock is the host's source of time. Timers, the script's time(), date()
// and Date all read it, so a virtual clock can replace the real one without
// touching any caller. Implementations must be safe for use from any
// goroutine.
type Clock interface {
	// Now returns the current time on this clock.
	Now() time.Time
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// VirtualClock is a clock that moves only when told to. A loop running on
// it jumps straight to its next timer whenever it is idle and no network
// operation is in flight (see Loop.Busy), so hours of agent time pass in
// moments. Safe for concurrent use.
type VirtualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewVirtualClock returns a virtual clock reading start.
func NewVirtualClock(start time.Time) *VirtualClock { return &VirtualClock{now: start} }

// Now returns the clock's current time.
func (c *VirtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AdvanceTo moves the clock to t; a t in the past is ignored (virtual time
// never runs backwards).
func (c *VirtualClock) AdvanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

// Advance moves the clock forward by d (d <= 0 does nothing).
func (c *VirtualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
}
