package report

import (
	"github.com/agenthost/agenthost/ratelimit"

	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// at is sec seconds after t0.
func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

// hostLimits are the host's four limiters.
func hostLimits() []Limit {
	return []Limit{
		{Name: "log", Spec: ratelimit.Spec{Rate: 20, Burst: 100}},
		{Name: "mqtt_outbound", Spec: ratelimit.Spec{Rate: 10, Burst: 100, Buffer: 100}},
		{Name: "mqtt_inbound", Spec: ratelimit.Spec{Rate: 1, Burst: 5}},
		{Name: "message_size", Size: 256 << 10},
	}
}

func record(r *Recorder, ds []Decision) {
	for _, d := range ds {
		r.Record(d)
	}
}

// sameSummaries compares summaries, times with Equal.
func sameSummaries(t *testing.T, got, want []Summary) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d summaries %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range want {
		g, w := got[i], want[i]
		gf, wf := g.FirstRefusal, w.FirstRefusal
		g.FirstRefusal, w.FirstRefusal = time.Time{}, time.Time{}
		if g != w || !gf.Equal(wf) {
			t.Errorf("summary %d: got %+v (first refusal %v), want %+v (first refusal %v)", i, g, gf, w, wf)
		}
	}
}

func TestSummariesCountExactly(t *testing.T) {
	tests := []struct {
		name      string
		limits    []Limit
		decisions []Decision
		want      []Summary
	}{
		{
			name:   "no decisions: one zero summary per limit, in order",
			limits: hostLimits(),
			want:   []Summary{{Limiter: "log"}, {Limiter: "mqtt_outbound"}, {Limiter: "mqtt_inbound"}, {Limiter: "message_size"}},
		},
		{
			name:   "mixed outcomes, refusals recorded out of time order",
			limits: hostLimits(),
			decisions: []Decision{
				{Time: at(1), Limiter: "mqtt_outbound", Outcome: Allowed, Level: 99},
				{Time: at(2), Limiter: "mqtt_outbound", Outcome: Queued, Queue: 1},
				{Time: at(2.1), Limiter: "mqtt_outbound", Outcome: Queued, Queue: 2},
				{Time: at(2.2), Limiter: "mqtt_outbound", Outcome: Queued, Queue: 3},
				{Time: at(3), Limiter: "mqtt_outbound", Outcome: Released, Queue: 2},
				{Time: at(9), Limiter: "mqtt_outbound", Outcome: Refused, Queue: 2, Detail: "-12"},
				{Time: at(4.5), Limiter: "mqtt_outbound", Outcome: Refused, Queue: 2, Detail: "-12"},
				{Time: at(5), Limiter: "log", Outcome: Allowed},
				{Time: at(6), Limiter: "log", Outcome: Refused},
				{Time: at(7), Limiter: "message_size", Outcome: Refused, Detail: "publish big"},
				{Time: at(8), Limiter: "mqtt_outbound", Outcome: "bogus", Queue: 7},
			},
			want: []Summary{
				{Limiter: "log", Allowed: 1, Refused: 1, FirstRefusal: at(6)},
				{Limiter: "mqtt_outbound", Allowed: 1, Queued: 3, Released: 1, Refused: 2, LongestQueue: 7, FirstRefusal: at(4.5)},
				{Limiter: "mqtt_inbound"},
				{Limiter: "message_size", Refused: 1, FirstRefusal: at(7)},
			},
		},
		{
			name:   "unknown limiter appended, duplicate limit ignored",
			limits: []Limit{{Name: "log", Spec: ratelimit.Spec{Rate: 1}}, {Name: "log", Spec: ratelimit.Spec{Rate: 2}}},
			decisions: []Decision{
				{Time: at(1), Limiter: "custom", Outcome: Allowed, Queue: 4},
				{Time: at(2), Limiter: "log", Outcome: Allowed},
				{Time: at(3), Limiter: "custom", Outcome: Refused},
			},
			want: []Summary{
				{Limiter: "log", Allowed: 1},
				{Limiter: "custom", Allowed: 1, Refused: 1, LongestQueue: 4, FirstRefusal: at(3)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRecorder(tt.limits, true, t0)
			record(r, tt.decisions)
			sameSummaries(t, r.Summaries(), tt.want)
			if got := len(r.Decisions()); got != len(tt.decisions) {
				t.Errorf("kept %d decisions, want %d", got, len(tt.decisions))
			}
		})
	}
}

// jsonReport mirrors the JSON document for decoding in tests.
type jsonReport struct {
	Clock       string  `json:"clock"`
	Start       string  `json:"start"`
	End         string  `json:"end"`
	SpanSeconds float64 `json:"span_seconds"`
	Kept        int     `json:"kept"`
	Truncated   *int    `json:"truncated"`
	Limits      []struct {
		Name   string   `json:"name"`
		Rate   *float64 `json:"rate"`
		Burst  int      `json:"burst"`
		Buffer int      `json:"buffer"`
		Size   int64    `json:"size"`
		Off    bool     `json:"off"`
	} `json:"limits"`
	Summary []struct {
		Limiter       string   `json:"limiter"`
		Allowed       int      `json:"allowed"`
		Queued        int      `json:"queued"`
		Released      int      `json:"released"`
		Refused       int      `json:"refused"`
		LongestQueue  int      `json:"longest_queue"`
		FirstRefusal  *string  `json:"first_refusal"`
		FirstRefusalT *float64 `json:"first_refusal_t"`
	} `json:"summary"`
	Decisions []struct {
		Time    string   `json:"time"`
		T       float64  `json:"t"`
		Limiter string   `json:"limiter"`
		Outcome string   `json:"outcome"`
		Level   *float64 `json:"level"`
		Queue   int      `json:"queue"`
		Detail  string   `json:"detail"`
	} `json:"decisions"`
}

func decodeJSON(t *testing.T, r *Recorder) jsonReport {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	var rep jsonReport
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("decode JSON: %v\n%s", err, buf.String())
	}
	return rep
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}

func TestJSONRoundTrip(t *testing.T) {
	limits := append(hostLimits(), Limit{Name: "http", Spec: ratelimit.Spec{Off: true}})
	r := NewRecorder(limits, true, t0)
	in := []Decision{
		{Time: at(0.25), Limiter: "mqtt_outbound", Outcome: Allowed, Level: 98.5, Detail: "publish readings/1"},
		{Time: at(1.5), Limiter: "mqtt_outbound", Outcome: Queued, Level: 0, Queue: 1, Detail: `say "hi", <now>`},
		{Time: at(2.000000001), Limiter: "mqtt_outbound", Outcome: Refused, Queue: 100, Detail: "-12"},
		{Time: at(3), Limiter: "log", Outcome: Allowed, Level: math.Inf(1)},
	}
	record(r, in)

	// Before Finish, the end is the latest decision.
	rep := decodeJSON(t, r)
	if got := parseTime(t, rep.End); !got.Equal(at(3)) {
		t.Errorf("end before Finish = %v, want %v", got, at(3))
	}

	r.Finish(at(90))
	rep = decodeJSON(t, r)
	if rep.Clock != "virtual" {
		t.Errorf("clock = %q, want virtual", rep.Clock)
	}
	if got := parseTime(t, rep.Start); !got.Equal(t0) {
		t.Errorf("start = %v, want %v", got, t0)
	}
	if got := parseTime(t, rep.End); !got.Equal(at(90)) {
		t.Errorf("end = %v, want %v", got, at(90))
	}
	if rep.SpanSeconds != 90 || rep.Truncated == nil || *rep.Truncated != 0 || rep.Kept != 4 {
		t.Errorf("span %v, truncated %v, kept %d; want 90, 0, 4", rep.SpanSeconds, rep.Truncated, rep.Kept)
	}
	if len(rep.Limits) != 5 || rep.Limits[1].Name != "mqtt_outbound" || *rep.Limits[1].Rate != 10 ||
		rep.Limits[1].Burst != 100 || rep.Limits[1].Buffer != 100 || rep.Limits[3].Size != 256<<10 || !rep.Limits[4].Off {
		t.Errorf("limits = %+v", rep.Limits)
	}

	if len(rep.Summary) != 5 {
		t.Fatalf("%d summaries, want 5", len(rep.Summary))
	}
	out := rep.Summary[1]
	if out.Limiter != "mqtt_outbound" || out.Allowed != 1 || out.Queued != 1 || out.Refused != 1 || out.LongestQueue != 100 {
		t.Errorf("mqtt_outbound summary = %+v", out)
	}
	if out.FirstRefusal == nil || !parseTime(t, *out.FirstRefusal).Equal(at(2.000000001)) ||
		out.FirstRefusalT == nil || math.Abs(*out.FirstRefusalT-2.000000001) > 1e-12 {
		t.Errorf("mqtt_outbound first refusal = %v / %v, want %v / 2.000000001", out.FirstRefusal, out.FirstRefusalT, at(2.000000001))
	}
	if rep.Summary[0].FirstRefusal != nil || rep.Summary[0].FirstRefusalT != nil || rep.Summary[0].Allowed != 1 {
		t.Errorf("log summary = %+v, want 1 allowed and a null first refusal", rep.Summary[0])
	}

	if len(rep.Decisions) != len(in) {
		t.Fatalf("%d decisions, want %d", len(rep.Decisions), len(in))
	}
	for i, d := range rep.Decisions {
		w := in[i]
		if !parseTime(t, d.Time).Equal(w.Time) || math.Abs(d.T-w.Time.Sub(t0).Seconds()) > 1e-12 ||
			d.Limiter != w.Limiter || d.Outcome != string(w.Outcome) || d.Queue != w.Queue || d.Detail != w.Detail {
			t.Errorf("decision %d = %+v, want %+v", i, d, w)
		}
		switch {
		case math.IsInf(w.Level, 0):
			if d.Level != nil {
				t.Errorf("decision %d: level %v, want null for +Inf", i, *d.Level)
			}
		case d.Level == nil || *d.Level != w.Level:
			t.Errorf("decision %d: level %v, want %v", i, d.Level, w.Level)
		}
	}
}

func TestCSVOneRowPerDecision(t *testing.T) {
	r := NewRecorder(hostLimits(), false, t0)
	in := []Decision{
		{Time: at(0.5), Limiter: "log", Outcome: Allowed, Level: 19.5},
		{Time: at(1.25), Limiter: "mqtt_outbound", Outcome: Queued, Level: 0, Queue: 3, Detail: "publish a,b \"quoted\"\nnext line"},
		{Time: at(2), Limiter: "mqtt_outbound", Outcome: Released, Queue: 2},
	}
	record(r, in)
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	if got := strings.Join(rows[0], ","); got != "time,t,limiter,outcome,level,queue,detail" {
		t.Errorf("header = %q", got)
	}
	if len(rows) != 1+len(in) {
		t.Fatalf("%d rows, want header + %d", len(rows), len(in))
	}
	for i, w := range in {
		row := rows[i+1]
		sec, _ := strconv.ParseFloat(row[1], 64)
		level, _ := strconv.ParseFloat(row[4], 64)
		if !parseTime(t, row[0]).Equal(w.Time) || sec != w.Time.Sub(t0).Seconds() || row[2] != w.Limiter ||
			row[3] != string(w.Outcome) || level != w.Level || row[5] != strconv.Itoa(w.Queue) || row[6] != w.Detail {
			t.Errorf("row %d = %q, want %+v", i+1, row, w)
		}
	}
}

// xnode is a parsed XML element.
type xnode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Kids    []*xnode   `xml:",any"`
}

func (n *xnode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *xnode) num(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s id=%q> attribute %s: %v", n.XMLName.Local, n.attr("id"), name, err)
	}
	return v
}

// all returns every element under n (n included) for which keep is true.
func (n *xnode) all(keep func(*xnode) bool) []*xnode {
	var out []*xnode
	if keep(n) {
		out = append(out, n)
	}
	for _, k := range n.Kids {
		out = append(out, k.all(keep)...)
	}
	return out
}

func (n *xnode) byID(id string) *xnode {
	if found := n.all(func(k *xnode) bool { return k.attr("id") == id }); len(found) > 0 {
		return found[0]
	}
	return nil
}

// texts returns the content of every <text> under n.
func (n *xnode) texts() []string {
	var out []string
	for _, k := range n.all(func(k *xnode) bool { return k.XMLName.Local == "text" }) {
		out = append(out, k.Text)
	}
	return out
}

func hasText(n *xnode, sub string) bool {
	for _, s := range n.texts() {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// parseSVG writes r's chart and parses it with encoding/xml, which fails on
// XML that is not well-formed.
func parseSVG(t *testing.T, r *Recorder) *xnode {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteSVG(&buf); err != nil {
		t.Fatalf("WriteSVG: %v", err)
	}
	var root xnode
	if err := xml.Unmarshal(buf.Bytes(), &root); err != nil {
		t.Fatalf("SVG is not well-formed XML: %v", err)
	}
	if root.XMLName.Space != "http://www.w3.org/2000/svg" || root.XMLName.Local != "svg" {
		t.Fatalf("root element = %v, want svg in the SVG namespace", root.XMLName)
	}
	return &root
}

// floodRecorder is a 90 s virtual run: steady logging, an mqtt_outbound
// flood from 10 s that queues and then refuses from 12.3 s, and nothing on
// mqtt_inbound and message_size; "http" is switched off.
func floodRecorder() *Recorder {
	r := NewRecorder(append(hostLimits(), Limit{Name: "http", Spec: ratelimit.Spec{Off: true}}), true, t0)
	for s := 0; s < 90; s++ {
		r.Record(Decision{Time: at(float64(s)), Limiter: "log", Outcome: Allowed})
	}
	q := 0
	for k := 0; k < 400; k++ {
		sec := 10 + float64(k)/100
		switch {
		case k < 100:
			r.Record(Decision{Time: at(sec), Limiter: "mqtt_outbound", Outcome: Allowed})
		case k < 230:
			q++
			r.Record(Decision{Time: at(sec), Limiter: "mqtt_outbound", Outcome: Queued, Queue: q})
		default:
			r.Record(Decision{Time: at(sec), Limiter: "mqtt_outbound", Outcome: Refused, Queue: q, Detail: "-12"})
		}
	}
	r.Finish(at(90))
	return r
}

func TestSVGOnePanelPerLimiterOn(t *testing.T) {
	r := floodRecorder()
	root := parseSVG(t, r)
	var ids []string
	lastTop := -1.0
	for _, g := range root.all(func(n *xnode) bool {
		return n.XMLName.Local == "g" && strings.HasPrefix(n.attr("id"), "panel-")
	}) {
		ids = append(ids, g.attr("id"))
		var top float64
		if _, err := fmt.Sscanf(g.attr("transform"), "translate(0,%g)", &top); err != nil || top <= lastTop {
			t.Errorf("panel %s transform %q: want translate(0,y) below the previous panel", g.attr("id"), g.attr("transform"))
		}
		lastTop = top
	}
	want := "panel-log panel-mqtt_outbound panel-mqtt_inbound panel-message_size"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("panels = %q, want %q (no panel for the switched-off http)", got, want)
	}
	caption := root.byID("caption")
	if caption == nil || !hasText(caption, "Virtual clock") || !hasText(caption, "Run span 1m30s") || !hasText(caption, "Switched off, not drawn: http.") {
		t.Errorf("caption %q lacks the clock, the span or the switched-off limiter", caption.texts())
	}
	legend := root.byID("legend")
	if legend == nil || strings.Join(legend.texts(), "|") != strings.Join(legendItems, "|") {
		t.Errorf("legend = %v, want %v", legend, legendItems)
	}
	title := root.byID("panel-mqtt_outbound").texts()[1]
	if !strings.Contains(title, "allowed 100 · queued 130") || !strings.Contains(title, "refused 170") || !strings.Contains(title, "longest queue 130") {
		t.Errorf("mqtt_outbound title %q lacks the summary counts", title)
	}
}

func TestSVGFirstRefusalMarker(t *testing.T) {
	r := floodRecorder()
	root := parseSVG(t, r)
	s := r.snapshot()
	c, panels := layout(&s)

	first := r.Summaries()[1].FirstRefusal
	sec := first.Sub(t0).Seconds()
	if math.Abs(sec-12.3) > 1e-6 {
		t.Fatalf("first refusal at %vs, want 12.3s", sec)
	}
	marker := root.byID("first-refusal-mqtt_outbound")
	if marker == nil {
		t.Fatal("no first-refusal marker for mqtt_outbound")
	}
	wantX := c.x(sec)
	if x1, x2 := marker.num(t, "x1"), marker.num(t, "x2"); math.Abs(x1-wantX) > 0.006 || x1 != x2 {
		t.Errorf("marker x1 %v, x2 %v; want a vertical line at %v", x1, x2, wantX)
	}
	// Independently of the scale function: the fraction of the axis.
	if frac := (wantX - plotLeft) / plotWidth; math.Abs(frac-12.3/c.domain) > 1e-9 {
		t.Errorf("marker at %v of the axis, want %v", frac, 12.3/c.domain)
	}
	// It falls in the bar of the bin holding the refusal.
	panel := root.byID("panel-mqtt_outbound")
	inBar := false
	for _, rect := range panel.all(func(n *xnode) bool { return n.XMLName.Local == "rect" && n.attr("fill") == colorRefused }) {
		x, w := rect.num(t, "x"), rect.num(t, "width")
		if wantX >= x-0.5 && wantX <= x+w+0.5 {
			inBar = true
		}
	}
	if !inBar {
		t.Errorf("no refused bar under the marker at x=%v", wantX)
	}
	if !hasText(panel, "first refusal +12.300s") {
		t.Errorf("panel texts %q lack the label \"first refusal +12.300s\"", panel.texts())
	}
	if !strings.Contains(r.SummaryTable(), "+12.300s") {
		t.Errorf("the table does not give the same first refusal:\n%s", r.SummaryTable())
	}
	for _, name := range []string{"log", "mqtt_inbound", "message_size"} {
		if n := root.byID("first-refusal-" + name); n != nil {
			t.Errorf("%s refused nothing but has a first-refusal marker", name)
		}
		if hasText(root.byID("panel-"+name), "first refusal +") {
			t.Errorf("%s refused nothing but has a first-refusal label", name)
		}
	}
	if len(panels) != 4 {
		t.Errorf("%d panels laid out, want 4", len(panels))
	}
}

func TestSVGLimitLine(t *testing.T) {
	r := floodRecorder()
	root := parseSVG(t, r)
	s := r.snapshot()
	c, panels := layout(&s)
	p := panels[1]
	if p.limit.Name != "mqtt_outbound" || !p.limitOnScale {
		t.Fatalf("panel 1 = %s, limit on scale %v; want mqtt_outbound with its limit on scale", p.limit.Name, p.limitOnScale)
	}
	if p.perBin != 10*c.binWidth {
		t.Errorf("limit per bin = %v, want 10/s × %vs", p.perBin, c.binWidth)
	}
	line := root.byID("limit-mqtt_outbound")
	if line == nil {
		t.Fatal("no limit line for mqtt_outbound")
	}
	wantY := p.y(p.perBin)
	if y1, y2 := line.num(t, "y1"), line.num(t, "y2"); math.Abs(y1-wantY) > 0.006 || y1 != y2 {
		t.Errorf("limit line y1 %v, y2 %v; want a horizontal line at %v", y1, y2, wantY)
	}
	if y := line.num(t, "y1"); y < plotTop || y > plotBottom {
		t.Errorf("limit line at y=%v, outside the plot %v..%v", y, plotTop, plotBottom)
	}
	if line.attr("stroke-dasharray") == "" {
		t.Error("limit line is not dashed")
	}
	label := fmt.Sprintf("limit 10/s = %s/bin", formatRate(p.perBin))
	if !hasText(root.byID("panel-mqtt_outbound"), label) {
		t.Errorf("no label %q", label)
	}
	// log's limit (20/s) is far above its one request per bin: noted, not drawn.
	if root.byID("limit-log") != nil || !hasText(root.byID("panel-log"), "above this scale") {
		t.Error("log's off-scale limit should be noted, not drawn")
	}
	// message_size has no rate: no limit line, its size in the title.
	if root.byID("limit-message_size") != nil || !hasText(root.byID("panel-message_size"), "max message 256 KiB") {
		t.Error("message_size should show its size and no limit line")
	}
}

func TestTruncationKeepsSummariesExact(t *testing.T) {
	var ds []Decision
	for i := range 25 {
		o := []Outcome{Allowed, Queued, Released, Refused, Allowed}[i%5]
		ds = append(ds, Decision{Time: at(float64(i)), Limiter: []string{"log", "mqtt_outbound"}[i%2], Outcome: o, Queue: i})
	}
	full := NewRecorder(hostLimits(), true, t0)
	record(full, ds)
	r := NewRecorder(hostLimits(), true, t0)
	r.SetMaxDecisions(10)
	record(r, ds)
	r.Finish(at(30))

	sameSummaries(t, r.Summaries(), full.Summaries())
	if got := r.Summaries()[1]; got.LongestQueue != 23 || !got.FirstRefusal.Equal(at(3)) {
		t.Errorf("mqtt_outbound summary = %+v, want longest queue 23 and first refusal at +3s", got)
	}
	if r.Truncated() != 15 || len(r.Decisions()) != 10 || !r.Decisions()[9].Time.Equal(at(9)) {
		t.Errorf("truncated %d, kept %d; want 15 and the first 10", r.Truncated(), len(r.Decisions()))
	}

	rep := decodeJSON(t, r)
	if rep.Truncated == nil || *rep.Truncated != 15 || len(rep.Decisions) != 10 || rep.Kept != 10 || rep.Summary[0].Allowed != full.Summaries()[0].Allowed {
		t.Errorf("JSON truncated %v, %d decisions; want 15 and 10", rep.Truncated, len(rep.Decisions))
	}
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if rows, _ := csv.NewReader(&buf).ReadAll(); len(rows) != 11 {
		t.Errorf("CSV has %d rows, want header + 10", len(rows))
	}
	root := parseSVG(t, r)
	if !hasText(root.byID("caption"), "15 later decisions are not drawn") {
		t.Errorf("caption %q does not say 15 decisions were not kept", root.byID("caption").texts())
	}
	if !strings.Contains(r.SummaryTable(), "(15 decisions counted but not kept in detail)") {
		t.Errorf("table does not mention the truncation:\n%s", r.SummaryTable())
	}

	// Lowering the limit later drops the latest kept decisions.
	r.SetMaxDecisions(4)
	if r.Truncated() != 21 || len(r.Decisions()) != 4 {
		t.Errorf("after SetMaxDecisions(4): truncated %d, kept %d; want 21, 4", r.Truncated(), len(r.Decisions()))
	}
	sameSummaries(t, r.Summaries(), full.Summaries())
}

func TestWriteFile(t *testing.T) {
	r := floodRecorder()
	dir := t.TempDir()
	for _, name := range []string{"out.csv", "OUT.CSV", "out.json", "out"} {
		path := filepath.Join(dir, name)
		if err := r.WriteFile(path); err != nil {
			t.Fatalf("WriteFile(%s): %v", name, err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		isCSV := bytes.HasPrefix(data, []byte("time,t,limiter,outcome,level,queue,detail\n"))
		isJSON := json.Valid(data) && bytes.HasPrefix(data, []byte(`{"clock":"virtual"`))
		if wantCSV := strings.EqualFold(filepath.Ext(name), ".csv"); isCSV != wantCSV || isJSON == wantCSV {
			t.Errorf("%s: CSV %v, JSON %v; want CSV %v", name, isCSV, isJSON, wantCSV)
		}
	}
	svgPath := filepath.Join(dir, "chart.svg")
	if err := r.WriteSVGFile(svgPath); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(svgPath); !bytes.HasPrefix(data, []byte("<?xml")) || !bytes.Contains(data, []byte(`id="panel-log"`)) {
		t.Errorf("%s does not hold the chart", svgPath)
	}

	bad := filepath.Join(dir, "missing", "out.csv")
	for _, write := range []func(string) error{r.WriteFile, r.WriteSVGFile} {
		err := write(bad)
		if err == nil || !strings.Contains(err.Error(), bad) || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("writing into a missing directory: %v; want an error naming %s", err, bad)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	r := floodRecorder()
	for name, write := range map[string]func(w *Recorder) error{
		"JSON": func(w *Recorder) error { return w.WriteJSON(failWriter{}) },
		"CSV":  func(w *Recorder) error { return w.WriteCSV(failWriter{}) },
		"SVG":  func(w *Recorder) error { return w.WriteSVG(failWriter{}) },
	} {
		if err := write(r); err == nil || err.Error() != "report: write "+name+": disk full" {
			t.Errorf("%s to a failing writer: %v", name, err)
		}
	}
}

func TestSummaryTable(t *testing.T) {
	r := floodRecorder()
	table := r.SummaryTable()
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if lines[0] != "Rate limits (virtual clock, 1m30s):" {
		t.Errorf("first line = %q", lines[0])
	}
	want := [][]string{
		{"limiter", "allowed", "queued", "refused", "longest", "queue", "first", "refusal"},
		{"log", "90", "0", "0", "0", "-"},
		{"mqtt_outbound", "100", "130", "170", "130", "+12.300s"},
		{"mqtt_inbound", "0", "0", "0", "0", "-"},
		{"message_size", "0", "0", "0", "0", "-"},
		{"http", "0", "0", "0", "0", "-"},
	}
	if len(lines) != 1+len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), 1+len(want), table)
	}
	for i, w := range want {
		if got := strings.Fields(lines[i+1]); strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("line %d = %q, want fields %q", i+1, lines[i+1], w)
		}
	}
	// Aligned: every row's columns start where the header's do.
	header := lines[1]
	for _, col := range []string{"allowed", "first refusal"} {
		at := strings.Index(header, col)
		for _, row := range lines[2:] {
			if at >= len(row) || row[at-1] != ' ' || row[at] == ' ' {
				t.Errorf("column %q (at %d) not aligned in %q", col, at, row)
			}
		}
	}
}

func TestConcurrentRecord(t *testing.T) {
	r := NewRecorder(hostLimits(), false, t0)
	r.SetMaxDecisions(3000)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				o := Allowed
				if i%4 == 0 {
					o = Refused
				}
				r.Record(Decision{Time: at(float64(g*1000 + i)), Limiter: "log", Outcome: o, Queue: g})
			}
		})
	}
	wg.Go(func() { // writers running alongside
		for range 5 {
			r.WriteJSON(&bytes.Buffer{})
			r.WriteSVG(&bytes.Buffer{})
		}
	})
	wg.Wait()
	got := r.Summaries()[0]
	if got.Allowed != 6000 || got.Refused != 2000 || got.LongestQueue != 7 || !got.FirstRefusal.Equal(t0) {
		t.Errorf("log summary = %+v, want 6000 allowed, 2000 refused, longest queue 7, first refusal at start", got)
	}
	if len(r.Decisions())+r.Truncated() != 8000 || len(r.Decisions()) != 3000 {
		t.Errorf("kept %d + truncated %d, want 3000 + 5000", len(r.Decisions()), r.Truncated())
	}

	var nilRec *Recorder
	nilRec.Record(Decision{Limiter: "log", Outcome: Allowed}) // must not panic
	nilRec.Finish(t0)
}

func TestAxisScales(t *testing.T) {
	for _, span := range []time.Duration{0, time.Millisecond, 500 * time.Millisecond, 7 * time.Second,
		90 * time.Second, 17 * time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 400 * 24 * time.Hour} {
		s := snapshot{start: t0, end: t0.Add(span), latest: t0.Add(span)}
		c := newChart(&s)
		if c.bins < 100 || c.bins > 200 || c.domain < span.Seconds() || c.domain < minSpan {
			t.Errorf("span %v: %d bins of %vs, axis %vs; want 100–200 bins covering the span", span, c.bins, c.binWidth, c.domain)
		}
		if labels := int(math.Floor(c.domain/c.tickStep+1e-9)) + 1; labels < 5 || labels > 10 {
			t.Errorf("span %v: %d x tick labels (step %vs), want 5–10", span, labels, c.tickStep)
		}
		if c.x(0) != plotLeft || c.x(c.domain) != plotRight || c.x(-1) != plotLeft || c.x(2*c.domain) != plotRight {
			t.Errorf("span %v: x maps 0..domain to %v..%v, want %v..%v, clamped", span, c.x(0), c.x(c.domain), plotLeft, plotRight)
		}
	}
	for _, top := range []float64{0, 0.1, 0.5, 1, 2, 3, 7, 26, 600, 12345} {
		yMax, step := countScale(top)
		labels := int(math.Round(yMax/step)) + 1
		if yMax < top || labels < 3 || labels > 5 || (top >= 1 && step != math.Trunc(step)) {
			t.Errorf("countScale(%v) = %v step %v (%d labels); want ≥ top, 3–5 labels, whole steps", top, yMax, step, labels)
		}
	}
	for sec, want := range map[float64]string{0.05: "50ms", 5: "5s", 600: "10min", 10800: "3h", 172800: "2d"} {
		if got := formatDuration(sec); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", sec, got, want)
		}
	}
}

func TestSVGEscapesText(t *testing.T) {
	name := `a<b&"c"`
	r := NewRecorder([]Limit{{Name: name, Spec: ratelimit.Spec{Rate: 1, Burst: 2}}, {Name: "x]]>y", Spec: ratelimit.Spec{Off: true}}}, false, t0)
	r.Record(Decision{Time: at(1), Limiter: name, Outcome: Refused, Detail: "</svg>"})
	r.Finish(at(10))
	root := parseSVG(t, r)
	panel := root.byID("panel-a_b__c_")
	if panel == nil {
		t.Fatal("no panel with the sanitized id panel-a_b__c_")
	}
	if !hasText(panel, name+" — 1/s, burst 2") || !hasText(root.byID("caption"), "Switched off, not drawn: x]]>y.") {
		t.Errorf("names not shown as given: %q", append(panel.texts(), root.byID("caption").texts()...))
	}
	if root.byID("first-refusal-a_b__c_") == nil {
		t.Error("no first-refusal marker for the escaped limiter")
	}
}

func TestSummaryTableSilentWhenDetailsOff(t *testing.T) {
	t0 := time.Unix(0, 0)
	r := NewRecorder([]Limit{{Name: "log", Spec: ratelimit.Spec{Rate: 1, Burst: 1}}}, true, t0)
	r.SetMaxDecisions(0)
	r.Record(Decision{Time: t0, Limiter: "log", Outcome: Refused})
	if tab := r.SummaryTable(); strings.Contains(tab, "not kept") || !strings.Contains(tab, "log") {
		t.Fatalf("table:\n%s", tab)
	}
}
