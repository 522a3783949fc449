package host

import (
	"fmt"
	"strings"

	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/hostlog"
)

// FailOn selects the conditions that fail a run that otherwise ended
// normally (run --fail-on): each that happened at least once ends the run
// with exitcode.FailOn, and the summary at exit says which fired.
type FailOn struct {
	Error   bool // an uncaught exception, unhandled rejection or watchdog stop in a callback of the agent script
	Connect bool // a connect whose onconnect got a non-zero code
	Refused bool // a limiter refused something (-12, a dropped log line, a 429, an over-size or over-rate message)
	Lost    bool // a connection ended without the script asking (onconnectionlost)
}

// FailOnNames are the names of the FailOn conditions, as --fail-on takes
// them, in the order the summary lists them.
var FailOnNames = []string{"error", "connect", "refused", "lost"}

// ParseFailOn parses a comma-separated list of FailOnNames, or "all" for
// every one of them. An empty list selects none. An unknown name is an
// error naming it and the valid ones.
func ParseFailOn(list string) (FailOn, error) {
	var f FailOn
	if strings.TrimSpace(list) == "" {
		return f, nil
	}
	for _, name := range strings.Split(list, ",") {
		switch strings.TrimSpace(name) {
		case "error":
			f.Error = true
		case "connect":
			f.Connect = true
		case "refused":
			f.Refused = true
		case "lost":
			f.Lost = true
		case "all":
			f = FailOn{Error: true, Connect: true, Refused: true, Lost: true}
		default:
			return FailOn{}, fmt.Errorf("unknown condition %q: use %s, or all", strings.TrimSpace(name), strings.Join(FailOnNames, ", "))
		}
	}
	return f, nil
}

func (f FailOn) on(name string) bool {
	switch name {
	case "error":
		return f.Error
	case "connect":
		return f.Connect
	case "refused":
		return f.Refused
	case "lost":
		return f.Lost
	}
	return false
}

// Tally counts what happened during a session that --fail-on looks at.
type Tally struct {
	Errors          int // uncaught exceptions in the agent's callbacks
	ConnectFailures int // onconnect calls with a non-zero code
	Lost            int // connections that ended without the script asking
	// Refused counts limiter refusals by limiter, in the limiters' order;
	// only limiters that refused something are listed.
	Refused []LimiterCount
}

// LimiterCount is the number of refusals of one limiter.
type LimiterCount struct {
	Limiter string
	Count   int
}

// Tally returns the session's counts. Call it after the loop has
// stopped, from the goroutine that ran it.
func (s *Session) Tally() Tally {
	t := Tally{Errors: s.errors, ConnectFailures: s.Env.Events.ConnectFailures(), Lost: s.Env.Events.LostConnections()}
	for _, sum := range s.Recorder.Summaries() {
		if sum.Refused > 0 {
			t.Refused = append(t.Refused, LimiterCount{sum.Limiter, sum.Refused})
		}
	}
	return t
}

// count returns how often the condition name happened, and a description
// of it for the summary.
func (t Tally) count(name string) (int, string) {
	switch name {
	case "error":
		return t.Errors, fmt.Sprintf("%d uncaught exception(s) in the agent's callbacks", t.Errors)
	case "connect":
		return t.ConnectFailures, fmt.Sprintf("%d failed connect(s) (onconnect with a non-zero code)", t.ConnectFailures)
	case "lost":
		return t.Lost, fmt.Sprintf("%d connection(s) lost (onconnectionlost)", t.Lost)
	case "refused":
		n := 0
		var by []string
		for _, r := range t.Refused {
			n += r.Count
			by = append(by, fmt.Sprintf("%s %d", r.Limiter, r.Count))
		}
		d := fmt.Sprintf("%d limiter refusal(s)", n)
		if len(by) > 0 {
			d += ": " + strings.Join(by, ", ")
		}
		return n, d
	}
	return 0, ""
}

// judge writes the --fail-on summary, one [Status] line per selected
// condition (an error line for each that fired) and a last line naming
// those that fired, and returns an error with exitcode.FailOn, already
// shown, when any fired; nil when none did or none was selected.
func (f FailOn) judge(t Tally, log *hostlog.Clocked) error {
	var fired []string
	for _, name := range FailOnNames {
		if !f.on(name) {
			continue
		}
		n, what := t.count(name)
		if n > 0 {
			fired = append(fired, name)
			log.StatusError("--fail-on " + name + " fired: " + what)
		} else {
			log.Status("--fail-on " + name + ": none")
		}
	}
	if len(fired) == 0 {
		return nil
	}
	err := exitcode.Errorf(exitcode.FailOn, "--fail-on %s fired", strings.Join(fired, ", "))
	log.StatusError(fmt.Sprintf("run failed: %v (exit code %d)", err, exitcode.FailOn))
	return exitcode.Shown(err)
}
