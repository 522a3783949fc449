package agentapi

import (
	"math"
	"time"

	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// The values imp.environment() returns, also the globals
// ENVIRONMENT_CARD, ENVIRONMENT_MODULE and ENVIRONMENT_AGENT (the imp's
// names; the numbers are this host's: code compares them by name).
const (
	EnvironmentCard   = 0
	EnvironmentModule = 1
	EnvironmentAgent  = 2
)

// DefineEnvironments defines the ENVIRONMENT_* globals of rt with define
// (an Env's Define, or a device's).
func DefineEnvironments(rt *goja.Runtime, define func(string, goja.Value) error) error {
	for _, c := range []struct {
		name string
		v    int
	}{{"ENVIRONMENT_CARD", EnvironmentCard}, {"ENVIRONMENT_MODULE", EnvironmentModule}, {"ENVIRONMENT_AGENT", EnvironmentAgent}} {
		if err := define(c.name, rt.ToValue(c.v)); err != nil {
			return err
		}
	}
	return nil
}

// MaxSleep is the longest imp.sleep: the whole agent (or device) stands
// still meanwhile.
const MaxSleep = 10 * time.Second

// Sleep is imp.sleep(seconds): it blocks the script, and everything else
// on its loop, for seconds (0 to MaxSleep; a bad value throws): on a
// virtual clock time moves on by that much at once, on the real clock the
// loop sleeps. Loop only.
func Sleep(rt *goja.Runtime, l *scriptvm.Loop, v goja.Value) {
	sec, ok := NumberArg(v)
	if !ok || math.IsNaN(sec) || sec < 0 {
		ThrowType(rt, "imp.sleep: argument 'seconds' must be a number >= 0, got "+Describe(v))
	}
	if sec > MaxSleep.Seconds() {
		ThrowRangeError(rt, "imp.sleep: argument 'seconds' must be at most 10 (the whole agent stands still), got "+v.String())
	}
	d := time.Duration(sec * float64(time.Second))
	if vc, ok := l.Clock().(*scriptvm.VirtualClock); ok {
		vc.Advance(d)
		return
	}
	// a wait, not work: it does not count against limits.cpu_per_callback
	l.Blocked(func() { time.Sleep(d) })
}
