// Package report records every decision the host's rate limiters make during
// a run and writes it out: as JSON or CSV for other tools, as a
// self-contained SVG chart to open in a browser, and as a short plain-text
// summary table.
//
// The host creates one Recorder per run with the limits in force, calls
// Record for each decision (from any goroutine), calls Finish when the run
// ends, and then writes the outputs it was asked for. Times are on the host
// clock, which may be a virtual clock; the outputs say which.
//
// Memory is bounded: only the first DefaultMaxDecisions decisions recorded
// (or as many as set with SetMaxDecisions) are kept in detail. Later
// decisions are still counted, so the summaries stay exact; the JSON, the
// chart and the table say how many were not kept.
package report

import (
	"github.com/agenthost/agenthost/ratelimit"

	"slices"
	"sync"
	"time"
)

// Outcome is what a limiter did with one request.
type Outcome string

// The outcomes a limiter decision can have.
const (
	Allowed  Outcome = "allowed"  // passed at once
	Queued   Outcome = "queued"   // put in the limiter's buffer (mqtt_outbound only)
	Released Outcome = "released" // left the buffer and was sent
	Refused  Outcome = "refused"  // dropped / failed (log line dropped, -12 buffer full, connection dropped)
)

// Decision is one limiter decision.
type Decision struct {
	Time    time.Time // on the host clock, which may be virtual
	Limiter string    // "log", "mqtt_outbound", "mqtt_inbound", "message_size"
	Outcome Outcome
	Level   float64 // tokens left in the bucket after the decision
	Queue   int     // buffer depth after the decision
	Detail  string  // optional, e.g. "publish readings/1", "connect", "subscribe"
}

// Limit describes a limiter for the report and the chart.
type Limit struct {
	Name string // as Decision.Limiter
	// Spec is a rate limiter's settings (Rate 0 for a size limit); Off
	// says the limiter is switched off, Buffer is 0 without a buffer.
	ratelimit.Spec
	Size int64 // bytes, for message_size; 0 otherwise
}

// Summary counts the decisions of one limiter. The counts are exact even
// when not every decision was kept in detail.
type Summary struct {
	Limiter      string
	Allowed      int
	Queued       int
	Released     int
	Refused      int
	LongestQueue int       // the largest Decision.Queue recorded for the limiter
	FirstRefusal time.Time // the earliest Time of a Refused decision; zero if none
}

// DefaultMaxDecisions is how many decisions a new Recorder keeps in detail.
const DefaultMaxDecisions = 1_000_000

// Recorder collects decisions. It is safe for concurrent use. Record and
// Finish do nothing on a nil *Recorder, so a host can leave reporting off by
// passing a nil Recorder around.
type Recorder struct {
	mu        sync.Mutex
	virtual   bool
	start     time.Time
	end       time.Time // set by Finish
	finished  bool
	limits    []Limit   // the limits given, then one per unknown limiter name
	sums      []Summary // parallel to limits
	index     map[string]int
	max       int
	decisions []Decision // at most max, in the order recorded
	truncated int        // decisions counted but not kept in detail
	latest    time.Time  // the latest Time of any decision recorded
	seen      bool       // latest is set
	lastKept  time.Time  // the latest Time of a decision kept in detail
}

// NewRecorder returns a Recorder for a run that started at start on the host
// clock. limits lists the limiters in the order the outputs show them; a
// later Limit with the same Name as an earlier one is ignored. virtual says
// whether the host clock is a virtual clock; the outputs say so.
func NewRecorder(limits []Limit, virtual bool, start time.Time) *Recorder {
	r := &Recorder{
		virtual: virtual,
		start:   start,
		index:   make(map[string]int, len(limits)),
		max:     DefaultMaxDecisions,
	}
	for _, l := range limits {
		if _, dup := r.index[l.Name]; dup {
			continue
		}
		r.index[l.Name] = len(r.limits)
		r.limits = append(r.limits, l)
		r.sums = append(r.sums, Summary{Limiter: l.Name})
	}
	return r
}

// SetMaxDecisions sets how many decisions are kept in detail (n < 0 counts
// as 0). Decisions beyond n are only counted. When more than n are already
// kept, the latest ones are dropped from the detail and counted as not kept.
func (r *Recorder) SetMaxDecisions(n int) {
	n = max(n, 0)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.max = n
	if len(r.decisions) <= n {
		return
	}
	r.truncated += len(r.decisions) - n
	// Clip, so that later appends never write into an array a snapshot
	// taken earlier may still be reading.
	r.decisions = slices.Clip(r.decisions[:n])
	r.lastKept = time.Time{}
	for _, d := range r.decisions {
		if d.Time.After(r.lastKept) {
			r.lastKept = d.Time
		}
	}
}

// Record adds one decision. A decision for a limiter not given to
// NewRecorder gets a summary (and a chart panel) of its own, after the given
// ones, with an empty Limit. A decision with an Outcome other than the four
// constants is kept in detail but counted in no summary column; its Queue
// still counts towards LongestQueue.
func (r *Recorder) Record(d Decision) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	i, ok := r.index[d.Limiter]
	if !ok {
		i = len(r.limits)
		r.index[d.Limiter] = i
		r.limits = append(r.limits, Limit{Name: d.Limiter})
		r.sums = append(r.sums, Summary{Limiter: d.Limiter})
	}
	s := &r.sums[i]
	switch d.Outcome {
	case Allowed:
		s.Allowed++
	case Queued:
		s.Queued++
	case Released:
		s.Released++
	case Refused:
		s.Refused++
		if s.FirstRefusal.IsZero() || d.Time.Before(s.FirstRefusal) {
			s.FirstRefusal = d.Time
		}
	}
	s.LongestQueue = max(s.LongestQueue, d.Queue)
	if !r.seen || d.Time.After(r.latest) {
		r.latest, r.seen = d.Time, true
	}
	if len(r.decisions) < r.max {
		r.decisions = append(r.decisions, d)
		if d.Time.After(r.lastKept) {
			r.lastKept = d.Time
		}
	} else {
		r.truncated++
	}
}

// Finish sets the run's end time on the host clock, used for the chart's
// time axis and the run span in every output. Until Finish is called the end
// is the latest decision time (or start when there is none). Decisions
// recorded after Finish are still counted and kept.
func (r *Recorder) Finish(end time.Time) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.end, r.finished = end, true
}

// Summaries returns one Summary per Limit, in the order given to
// NewRecorder, including limiters with no decisions, followed by one per
// limiter name recorded but not given, in the order first recorded.
func (r *Recorder) Summaries() []Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sums)
}

// Decisions returns a copy of the decisions kept in detail, in the order
// recorded.
func (r *Recorder) Decisions() []Decision {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.decisions)
}

// Truncated returns how many recorded decisions were counted but not kept in
// detail.
func (r *Recorder) Truncated() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.truncated
}

// snapshot is a consistent copy of a Recorder's state for the writers.
type snapshot struct {
	virtual   bool
	start     time.Time
	end       time.Time // Finish's end, or the latest decision, or start
	latest    time.Time // the latest of end and every decision time
	limits    []Limit
	sums      []Summary
	decisions []Decision // shared with the Recorder: read only
	kept      int        // the decision limit in force
	truncated int
	lastKept  time.Time
}

func (r *Recorder) snapshot() snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := snapshot{
		virtual: r.virtual,
		start:   r.start,
		limits:  slices.Clone(r.limits),
		sums:    slices.Clone(r.sums),
		// Kept decisions are never modified and appends only write past
		// len (or into a new array), so the slice can be read unlocked.
		decisions: r.decisions[:len(r.decisions):len(r.decisions)],
		kept:      r.max,
		truncated: r.truncated,
		lastKept:  r.lastKept,
	}
	switch {
	case r.finished:
		s.end = r.end
	case r.seen && r.latest.After(r.start):
		s.end = r.latest
	default:
		s.end = r.start
	}
	s.latest = s.end
	if r.seen && r.latest.After(s.latest) {
		s.latest = r.latest
	}
	return s
}

// clockName is "virtual" or "real".
func (s *snapshot) clockName() string {
	if s.virtual {
		return "virtual"
	}
	return "real"
}

// span is the run's length, never negative.
func (s *snapshot) span() time.Duration {
	return max(s.end.Sub(s.start), 0)
}
