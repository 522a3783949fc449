package fleet

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/agenthost/agenthost/brokerurl"
)

// Totals are the fleet's counts, summed over the agents of this process.
type Totals struct {
	Agents    int // agents this process runs (its shard)
	Started   int // agents started so far
	Connected int // agents with an open connection (at the end: when the fleet was told to stop)
	Ended     int // agents whose loop has ended
	Failed    int // agents stopped by a script error
	// Connects counts accepted connections (reconnections included);
	// Lost, connections that ended without the script asking.
	Connects, Lost int64
	// In counts messages that reached an agent from the broker; Out,
	// publishes completed (QoS 0 written, QoS 1 acknowledged).
	In, Out int64
	Refused int64 // requests the agents' rate and size limiters refused
	// Errors counts the error entries the agents logged: uncaught script
	// errors (once each, whatever the length of their stack),
	// server.error calls and the host's error lines about an agent.
	Errors int64
}

// Summary is a one-line account of t.
func (t Totals) Summary() string {
	return fmt.Sprintf("%s agents: %s started, %s connected, %s connects, %s lost, %s messages in, %s out, %s refused, %s errors, %s failed",
		thousands(int64(t.Agents)), thousands(int64(t.Started)), thousands(int64(t.Connected)), thousands(t.Connects),
		thousands(t.Lost), thousands(t.In), thousands(t.Out), thousands(t.Refused), thousands(t.Errors), thousands(int64(t.Failed)))
}

// started returns the agents started so far.
func (f *fleet) started() []*agent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.list
}

// totals sums the agents' counts. Any goroutine; once every agent has
// ended, Connected counts those connected when the fleet stopped.
func (f *fleet) totals() Totals {
	list := f.started()
	t := Totals{Agents: f.size, Started: len(list), Ended: int(f.ended.Load())}
	over := t.Ended == t.Started && f.stopped()
	for _, a := range list {
		t.Connects += a.connects.Load()
		t.Lost += a.lost.Load()
		t.In += a.in.Load()
		t.Out += a.out.Load()
		t.Refused += a.refused()
		t.Errors += a.errors.Load()
		if over {
			if a.failed {
				t.Failed++
			}
			if a.connectedAtEnd {
				t.Connected++
			}
		}
	}
	if !over {
		t.Connected = int(f.connected.Load())
	}
	return t
}

// stopped reports whether the agents have been told to stop and the ramp
// is over, so every started agent's end fields are final once it ended.
func (f *fleet) stopped() bool {
	select {
	case <-f.agentCtx.Done():
		return true
	default:
		return false
	}
}

// status writes the live summary until stop is closed, and announces
// when every agent is connected.
func (f *fleet) status(stop <-chan struct{}) {
	every := f.o.StatusEvery
	if every == 0 {
		every = 10 * time.Second
		if f.o.Terminal {
			every = time.Second
		}
	}
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	prev, prevAt := Totals{}, f.begin
	for {
		select {
		case <-stop:
			return
		case <-f.allUp:
			f.log.Log(SourceFleet, slog.LevelInfo, fmt.Sprintf("all %s agents connected, %s after the start",
				thousands(int64(f.size)), time.Since(f.begin).Round(time.Millisecond)))
		case now := <-tick:
			t := f.totals()
			line := f.statusLine(t, prev, now.Sub(prevAt), now.Sub(f.begin))
			prev, prevAt = t, now
			if f.o.Terminal {
				f.console.setStatus(line)
			} else {
				f.log.Log(SourceFleet, slog.LevelInfo, "status: "+line)
			}
		}
	}
}

// statusLine renders the live summary: counts, and rates since prev.
func (f *fleet) statusLine(t, prev Totals, since, elapsed time.Duration) string {
	rate := func(now, before int64) string {
		if since <= 0 {
			return ""
		}
		return " (" + thousands(int64(float64(now-before)/since.Seconds()+0.5)) + "/s)"
	}
	return fmt.Sprintf("%s: started %s/%s, connected %s, in %s%s, out %s%s, refused %s, errors %s",
		elapsed.Round(time.Second), thousands(int64(t.Started)), thousands(int64(t.Agents)), thousands(int64(t.Connected)),
		thousands(t.In), rate(t.In, prev.In), thousands(t.Out), rate(t.Out, prev.Out), thousands(t.Refused), thousands(t.Errors))
}

// redactBroker shows a broker URL without its password.
func redactBroker(b string) string {
	if b == "script" {
		return "from the script"
	}
	return brokerurl.Redact(b)
}

func thousands(v int64) string {
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// warnFileLimit warns when the agents' connections will likely need more
// file descriptors than the process may open: one per agent, two with
// the embedded broker (its side of each connection), and some spare.
func (f *fleet) warnFileLimit() {
	limit, ok := fileLimit()
	if !ok {
		return
	}
	per := uint64(1)
	if f.broker != nil {
		per = 2
	}
	need := uint64(f.size)*per + 64
	if need > limit {
		f.log.Log(SourceFleet, slog.LevelWarn, fmt.Sprintf(
			"%s agents need about %s open files (connections) but this process may open %s: raise the limit (ulimit -n %d) or spread the fleet over more processes (--shard)",
			thousands(int64(f.size)), thousands(int64(need)), thousands(int64(limit)), need))
	}
}
