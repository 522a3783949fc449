package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// jsonFloat is a float64 that encodes NaN and ±Inf as null, which JSON
// cannot represent.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

type jsonLimit struct {
	Name   string    `json:"name"`
	Rate   jsonFloat `json:"rate"`
	Burst  int       `json:"burst"`
	Buffer int       `json:"buffer"`
	Size   int64     `json:"size"`
	Off    bool      `json:"off"`
}

type jsonSummary struct {
	Limiter       string   `json:"limiter"`
	Allowed       int      `json:"allowed"`
	Queued        int      `json:"queued"`
	Released      int      `json:"released"`
	Refused       int      `json:"refused"`
	LongestQueue  int      `json:"longest_queue"`
	FirstRefusal  *string  `json:"first_refusal"`   // RFC 3339 or null
	FirstRefusalT *float64 `json:"first_refusal_t"` // seconds since start or null
}

type jsonHeader struct {
	Clock       string        `json:"clock"`
	Start       string        `json:"start"`
	End         string        `json:"end"`
	SpanSeconds float64       `json:"span_seconds"`
	Kept        int           `json:"kept"`
	Truncated   int           `json:"truncated"`
	Limits      []jsonLimit   `json:"limits"`
	Summary     []jsonSummary `json:"summary"`
}

type jsonDecision struct {
	Time    string    `json:"time"`
	T       float64   `json:"t"`
	Limiter string    `json:"limiter"`
	Outcome Outcome   `json:"outcome"`
	Level   jsonFloat `json:"level"`
	Queue   int       `json:"queue"`
	Detail  string    `json:"detail"`
}

func formatTime(t time.Time) string { return t.Format(time.RFC3339Nano) }

// since is t in seconds since start.
func since(t, start time.Time) float64 { return t.Sub(start).Seconds() }

// WriteJSON writes the report as one JSON object:
//
//	{"clock": "virtual"|"real", "start": RFC 3339, "end": RFC 3339,
//	 "span_seconds": float, "kept": decisions kept in detail at most,
//	 "truncated": decisions counted but not kept,
//	 "limits": [{"name","rate","burst","buffer","size","off"}...],
//	 "summary": [{"limiter","allowed","queued","released","refused",
//	              "longest_queue","first_refusal","first_refusal_t"}...],
//	 "decisions": [{"time","t","limiter","outcome","level","queue","detail"}...]}
//
// Times are RFC 3339 with nanoseconds; "t" and "first_refusal_t" are seconds
// since start. "first_refusal" and "first_refusal_t" are null when the
// limiter refused nothing; a level or rate that is NaN or infinite is null.
// Decisions are streamed, one per line, in the order recorded.
func (r *Recorder) WriteJSON(w io.Writer) error {
	return wrap("write JSON", r.writeJSON(w))
}

// wrap prefixes a non-nil error with the package name and what failed.
func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("report: %s: %w", what, err)
	}
	return nil
}

func (r *Recorder) writeJSON(w io.Writer) error {
	s := r.snapshot()
	h := jsonHeader{
		Clock:       s.clockName(),
		Start:       formatTime(s.start),
		End:         formatTime(s.end),
		SpanSeconds: s.span().Seconds(),
		Kept:        len(s.decisions),
		Truncated:   s.truncated,
		Limits:      make([]jsonLimit, len(s.limits)),
		Summary:     make([]jsonSummary, len(s.sums)),
	}
	for i, l := range s.limits {
		h.Limits[i] = jsonLimit{Name: l.Name, Rate: jsonFloat(l.Rate), Burst: l.Burst, Buffer: l.Buffer, Size: l.Size, Off: l.Off}
	}
	for i, m := range s.sums {
		js := jsonSummary{
			Limiter: m.Limiter, Allowed: m.Allowed, Queued: m.Queued, Released: m.Released,
			Refused: m.Refused, LongestQueue: m.LongestQueue,
		}
		if !m.FirstRefusal.IsZero() {
			ts, sec := formatTime(m.FirstRefusal), since(m.FirstRefusal, s.start)
			js.FirstRefusal, js.FirstRefusalT = &ts, &sec
		}
		h.Summary[i] = js
	}
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	// The header object without its closing brace, then the decisions.
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"decisions":[`)
	for i, d := range s.decisions {
		line, err := json.Marshal(jsonDecision{
			Time: formatTime(d.Time), T: since(d.Time, s.start), Limiter: d.Limiter,
			Outcome: d.Outcome, Level: jsonFloat(d.Level), Queue: d.Queue, Detail: d.Detail,
		})
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	bw.WriteString("\n]}\n")
	if err := bw.Flush(); err != nil {
		return err
	}
	return nil
}

// csvHeader is the first record WriteCSV writes.
var csvHeader = []string{"time", "t", "limiter", "outcome", "level", "queue", "detail"}

// WriteCSV writes the decisions kept in detail as CSV (RFC 4180): the header
// time,t,limiter,outcome,level,queue,detail and then one record per
// decision in the order recorded, with time in RFC 3339 and t in seconds
// since start. It writes no summary rows.
func (r *Recorder) WriteCSV(w io.Writer) error {
	return wrap("write CSV", r.writeCSV(w))
}

func (r *Recorder) writeCSV(w io.Writer) error {
	s := r.snapshot()
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	rec := make([]string, len(csvHeader))
	for _, d := range s.decisions {
		rec[0] = formatTime(d.Time)
		rec[1] = strconv.FormatFloat(since(d.Time, s.start), 'f', -1, 64)
		rec[2] = d.Limiter
		rec[3] = string(d.Outcome)
		rec[4] = strconv.FormatFloat(d.Level, 'f', -1, 64)
		rec[5] = strconv.Itoa(d.Queue)
		rec[6] = d.Detail
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return nil
}

// formatSpan formats a run span to a readable precision: whole seconds from
// a minute up, milliseconds from a second up, microseconds below.
func formatSpan(d time.Duration) string {
	switch {
	case d >= time.Minute:
		d = d.Round(time.Second)
	case d >= time.Second:
		d = d.Round(time.Millisecond)
	default:
		d = d.Round(time.Microsecond)
	}
	return d.String()
}

// formatOffset formats seconds since start as the table does: "+12.300s".
func formatOffset(sec float64) string {
	return fmt.Sprintf("%+.3fs", sec)
}

// SummaryTable returns the summaries as a plain-text table aligned with
// text/tabwriter: a first line "Rate limits (virtual clock, 24h0m0s):" with
// the clock and the run span, then a header row and one row per limiter (as
// Summaries) with the columns limiter, allowed, queued, refused, longest
// queue and first refusal. The first refusal is in seconds since start
// ("+12.300s"), or "-" when there was none. When decisions were not kept in
// detail, a last line says how many; the counts are exact regardless.
func (r *Recorder) SummaryTable() string {
	s := r.snapshot()
	var b bytes.Buffer
	fmt.Fprintf(&b, "Rate limits (%s clock, %s):\n", s.clockName(), formatSpan(s.span()))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "limiter\tallowed\tqueued\trefused\tlongest queue\tfirst refusal")
	for _, m := range s.sums {
		first := "-"
		if !m.FirstRefusal.IsZero() {
			first = formatOffset(since(m.FirstRefusal, s.start))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\n", m.Limiter, m.Allowed, m.Queued, m.Refused, m.LongestQueue, first)
	}
	tw.Flush()
	if s.truncated > 0 && s.kept > 0 { // kept == 0: details were never asked for
		fmt.Fprintf(&b, "(%d decisions counted but not kept in detail)\n", s.truncated)
	}
	return b.String()
}

// WriteFile writes the report to path, replacing the file: as CSV
// (WriteCSV) when the path ends in ".csv" (in any case), otherwise as JSON
// (WriteJSON). Errors name the path.
func (r *Recorder) WriteFile(path string) error {
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		return writeFile(path, r.writeCSV)
	}
	return writeFile(path, r.writeJSON)
}

// WriteSVGFile writes the chart (WriteSVG) to path, replacing the file.
// Errors name the path.
func (r *Recorder) WriteSVGFile(path string) error {
	return writeFile(path, r.writeSVG)
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		// *PathError already names the path.
		return fmt.Errorf("report: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return writeErr(path, err)
	}
	if err := f.Close(); err != nil {
		return writeErr(path, err)
	}
	return nil
}

// writeErr names path in a write error, unless the error (a *PathError
// from the file) already does.
func writeErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return fmt.Errorf("report: %w", err)
	}
	return fmt.Errorf("report: write %s: %w", path, err)
}
