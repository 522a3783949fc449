package scriptvm

import "time"

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
