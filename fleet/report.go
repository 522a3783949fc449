package fleet

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agenthost/agenthost/exitcode"
)

// processStats is the fleet process's memory when the fleet was told to
// stop (before its agents disconnected).
type processStats struct {
	RSS        int64 `json:"rss_bytes"`     // VmRSS; 0 where /proc is missing
	Heap       int64 `json:"go_heap_bytes"` // live Go heap after a collection (HeapAlloc)
	Stacks     int64 `json:"go_stack_bytes"`
	Goroutines int   `json:"goroutines"`
	heapErr    error // writing the heap profile failed
}

// snapshot measures the process and writes the heap profile, if asked.
func (f *fleet) snapshot() processStats {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	st := processStats{Heap: int64(m.HeapAlloc), Stacks: int64(m.StackInuse), Goroutines: runtime.NumGoroutine()}
	st.RSS, _ = selfRSS()
	if f.o.MemProfile != "" {
		st.heapErr = writeHeapProfile(f.o.MemProfile)
	}
	return st
}

func writeHeapProfile(path string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(out, 0); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// startCPUProfile starts profiling to path ("" for none) and returns the
// function that stops it and closes the file; calling that again is a
// no-op.
func startCPUProfile(path string) (func() error, error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	out, err := os.Create(path)
	if err != nil {
		return nil, exitcode.New(exitcode.Host, fmt.Errorf("--cpuprofile: %w", err), "")
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, exitcode.New(exitcode.Host, fmt.Errorf("--cpuprofile: %w", err), "")
	}
	done := false
	return func() error {
		if done {
			return nil
		}
		done = true
		pprof.StopCPUProfile()
		if err := out.Close(); err != nil {
			return exitcode.New(exitcode.Host, fmt.Errorf("--cpuprofile: %w", err), "")
		}
		return nil
	}, nil
}

// selfRSS reads this process's resident set size from /proc.
func selfRSS() (int64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}

// agentRow is one agent in the report.
type agentRow struct {
	Index    int    `json:"index"`
	DeviceID string `json:"deviceid"`
	// StartedMS is when the agent started, in ms after the fleet's start.
	StartedMS float64 `json:"started_ms"`
	// ConnectMS is from its start to its first accepted connection; null
	// when it never connected.
	ConnectMS      *float64         `json:"connect_ms"`
	Connects       int64            `json:"connects"`
	ConnectedAtEnd bool             `json:"connected_at_end"`
	Lost           int64            `json:"lost"`
	In             int64            `json:"messages_in"`
	Out            int64            `json:"messages_out"`
	Refused        int64            `json:"refused"`
	RefusedBy      map[string]int64 `json:"refused_by,omitempty"` // by limiter, only those that refused
	Errors         int64            `json:"errors"`
	End            string           `json:"end"` // stopped, idle, script error, not started: ...
}

// reportFile is the JSON report.
type reportFile struct {
	Fleet struct {
		Name     string    `json:"name"`
		Script   string    `json:"script"`
		Agents   int       `json:"agents"` // the whole fleet
		Shard    string    `json:"shard"`  // I/N
		Broker   string    `json:"broker"`
		Ramp     string    `json:"ramp"`
		Started  time.Time `json:"started"`
		Ended    time.Time `json:"ended"`
		Duration float64   `json:"duration_s"`
		Reason   string    `json:"reason"`
	} `json:"fleet"`
	Totals struct {
		Agents    int   `json:"agents"` // in this shard
		Started   int   `json:"started"`
		Connected int   `json:"connected_at_end"`
		Failed    int   `json:"failed"`
		Connects  int64 `json:"connects"`
		Lost      int64 `json:"lost"`
		In        int64 `json:"messages_in"`
		Out       int64 `json:"messages_out"`
		Refused   int64 `json:"refused"`
		Errors    int64 `json:"errors"`
	} `json:"totals"`
	Process processStats `json:"process"`
	Agents  []agentRow   `json:"agents"`
}

// rows returns every started agent's row, by fleet index.
func (f *fleet) rows() []agentRow {
	list := append([]*agent(nil), f.started()...)
	sort.Slice(list, func(i, j int) bool { return list[i].index < list[j].index })
	out := make([]agentRow, len(list))
	for i, a := range list {
		r := agentRow{Index: a.index, DeviceID: a.deviceID,
			StartedMS: ms(a.started.Sub(f.begin)), Connects: a.connects.Load(), ConnectedAtEnd: a.connectedAtEnd,
			Lost: a.lost.Load(), In: a.in.Load(), Out: a.out.Load(), Errors: a.errors.Load(), End: a.endReason}
		if c := a.firstConnect.Load(); c > 0 {
			v := ms(time.Duration(c - 1))
			r.ConnectMS = &v
		}
		if rec := a.rec.Load(); rec != nil {
			for _, s := range rec.Summaries() {
				if s.Refused > 0 {
					if r.RefusedBy == nil {
						r.RefusedBy = map[string]int64{}
					}
					r.RefusedBy[s.Limiter] = int64(s.Refused)
					r.Refused += int64(s.Refused)
				}
			}
		}
		out[i] = r
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// writeReport writes the per-agent report: CSV when path ends in .csv,
// else JSON. Call it after every agent has ended.
func (f *fleet) writeReport(path, reason string, t Totals, st processStats) error {
	rows := f.rows()
	var b bytes.Buffer
	if strings.HasSuffix(strings.ToLower(path), ".csv") {
		w := csv.NewWriter(&b)
		w.Write([]string{"index", "deviceid", "started_ms", "connect_ms", "connects", "connected_at_end", "lost",
			"messages_in", "messages_out", "refused", "errors", "end"})
		for _, r := range rows {
			connect := ""
			if r.ConnectMS != nil {
				connect = strconv.FormatFloat(*r.ConnectMS, 'f', 3, 64)
			}
			w.Write([]string{strconv.Itoa(r.Index), r.DeviceID, strconv.FormatFloat(r.StartedMS, 'f', 3, 64), connect,
				i64(r.Connects), strconv.FormatBool(r.ConnectedAtEnd), i64(r.Lost), i64(r.In), i64(r.Out),
				i64(r.Refused), i64(r.Errors), r.End})
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
	} else {
		var rep reportFile
		fl := &rep.Fleet
		fl.Name, fl.Script, fl.Agents, fl.Shard = f.o.Name, f.o.Script, f.o.Agents, f.o.Shard.String()
		fl.Broker, fl.Ramp, fl.Reason = f.brokerText(), f.o.Ramp.String(), reason
		fl.Started, fl.Ended = f.begin, time.Now()
		fl.Duration = fl.Ended.Sub(fl.Started).Seconds()
		tt := &rep.Totals
		tt.Agents, tt.Started, tt.Connected, tt.Failed = t.Agents, t.Started, t.Connected, t.Failed
		tt.Connects, tt.Lost, tt.In, tt.Out, tt.Refused, tt.Errors = t.Connects, t.Lost, t.In, t.Out, t.Refused, t.Errors
		rep.Process = st
		rep.Agents = rows
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(&rep); err != nil {
			return err
		}
	}
	return writeAtomic(path, b.Bytes())
}

func (f *fleet) brokerText() string {
	if f.broker != nil {
		return "embedded " + f.broker.Addr()
	}
	return redactBroker(f.cfg.Broker)
}

func i64(v int64) string { return strconv.FormatInt(v, 10) }

// writeAtomic writes data to path through a temporary file beside it, so
// a reader never sees half a report; a path that exists and is not a
// regular file is written in place.
func writeAtomic(path string, data []byte) error {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		// A device, a FIFO or a symbolic link (/dev/stdout): written
		// to as it is, never replaced by a renamed file.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
