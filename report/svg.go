package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Chart geometry, in SVG user units (pixels). Panel coordinates are local to
// the panel's <g>, which is translated down to its place.
const (
	svgWidth    = 900.0
	plotLeft    = 72.0
	plotRight   = 876.0
	plotWidth   = plotRight - plotLeft
	panelTitle1 = 18.0  // baseline of the panel's first title line
	panelTitle2 = 34.0  // baseline of its second title line
	markerLabel = 50.0  // baseline of the first-refusal label, above the plot
	plotTop     = 56.0  // top of the plot area
	plotHeight  = 140.0 // height of the plot area
	plotBottom  = plotTop + plotHeight
	tickLabel   = plotBottom + 15 // baseline of the x tick labels
	panelHeight = tickLabel + 18  // from one panel's top to the next one's

	maxBins = 200   // the most bins; the rule in niceDuration gives at least 100
	minSpan = 0.010 // seconds: the shortest time axis

	colorAllowed  = "#2e9e44"
	colorQueued   = "#f28e1c"
	colorRefused  = "#d62728"
	colorReleased = "#1f5fbf"
	colorLimit    = "#333333"
)

// halo draws text over a white outline, so it stays readable over bars and
// lines.
const halo = `stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`

// chart is the time axis shared by every panel.
type chart struct {
	start    time.Time
	binWidth float64 // seconds
	bins     int
	domain   float64 // seconds: the x axis runs from 0 to domain = bins*binWidth
	tickStep float64 // seconds between x tick labels
}

// newChart lays the time axis over the run, from start to the later of the
// end and the last decision, with at least minSpan.
func newChart(s *snapshot) chart {
	span := max(since(s.latest, s.start), minSpan)
	w := niceDuration(span / maxBins)
	n := max(int(math.Ceil(span/w-1e-9)), 1)
	domain := float64(n) * w
	return chart{start: s.start, binWidth: w, bins: n, domain: domain, tickStep: niceDuration(domain / 9)}
}

// x maps seconds since start to the x coordinate, clamped to the axis.
func (c *chart) x(sec float64) float64 {
	sec = min(max(sec, 0), c.domain)
	return plotLeft + sec/c.domain*plotWidth
}

// bin returns the bin holding sec seconds since start, clamped to the axis.
func (c *chart) bin(sec float64) int {
	return min(max(int(math.Floor(sec/c.binWidth)), 0), c.bins-1)
}

// niceDuration returns the smallest "round" number of seconds that is at
// least minimum: 1, 2, 3 or 5 times a power of ten up to 5 s, then 10 s,
// 15 s, 20 s, 30 s, 1, 2, 3, 5, 10, 15, 20, 30 min, 1, 2, 3, 4, 6, 8, 12 h,
// then 1, 2, 3 or 5 times a power of ten days. Consecutive values are at
// most twice apart, so span/niceDuration(span/k) lies in (k/2, k].
func niceDuration(minimum float64) float64 {
	minimum = max(minimum, 1e-9)
	if minimum <= 5 {
		return niceSteps(minimum, 1, []float64{1, 2, 3, 5})
	}
	for _, v := range []float64{10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800,
		3600, 7200, 10800, 14400, 21600, 28800, 43200, 86400} {
		if v >= minimum*(1-1e-12) {
			return v
		}
	}
	return niceSteps(minimum, 86400, []float64{1, 2, 3, 5})
}

// niceSteps returns the smallest m×10^k×unit (m in mult, ascending, all
// below 10) that is at least minimum.
func niceSteps(minimum, unit float64, mult []float64) float64 {
	k := math.Floor(math.Log10(minimum/unit)) - 1
	for ; ; k++ {
		p := math.Pow(10, k) * unit
		for _, m := range mult {
			if v := m * p; v >= minimum*(1-1e-12) {
				return v
			}
		}
	}
}

// timeUnit chooses the unit to write a duration of about sec seconds in.
func timeUnit(sec float64) (div float64, suffix string) {
	switch {
	case sec < 0.1:
		return 0.001, "ms"
	case sec < 60:
		return 1, "s"
	case sec < 3600:
		return 60, "min"
	case sec < 86400:
		return 3600, "h"
	default:
		return 86400, "d"
	}
}

// formatIn writes sec in the unit div/suffix, to at most 3 decimals.
func formatIn(sec, div float64, suffix string) string {
	return trimNum(sec/div, 3) + suffix
}

// formatDuration writes sec seconds in the unit that suits it: "50ms",
// "5s", "10min", "2h".
func formatDuration(sec float64) string {
	div, suffix := timeUnit(sec)
	return formatIn(sec, div, suffix)
}

// trimNum formats v with at most prec decimals and no trailing zeros.
func trimNum(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// formatRate writes a rate or per-bin count with 3 significant digits at
// most below 100 and as a whole number above.
func formatRate(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return trimNum(v, 0)
	case a >= 10:
		return trimNum(v, 1)
	case a >= 1:
		return trimNum(v, 2)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

// formatBytes writes a size in bytes, in KiB or MiB when it is a whole number
// of them.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// binCounts counts the decisions made in one bin.
type binCounts struct{ allowed, queued, released, refused int }

// panel is one limiter's chart.
type panel struct {
	id     string // the limiter name made safe for an XML id
	limit  Limit
	sum    Summary
	counts []binCounts
	yMax   float64 // requests per bin at the top of the plot
	yStep  float64 // between y tick labels
	// perBin is the rate limit in requests per bin (Rate×binWidth); 0 when
	// the limiter has no rate. The dashed limit line is drawn when
	// limitOnScale; otherwise the limit is far above the data and only noted.
	perBin       float64
	limitOnScale bool
	hasReleased  bool
}

// y maps requests per bin to the y coordinate inside the panel.
func (p *panel) y(v float64) float64 {
	return plotTop + plotHeight*(1-v/p.yMax)
}

// layout bins the decisions kept in detail into one panel per limiter that
// is not Off, in the order of the summaries.
func layout(s *snapshot) (chart, []panel) {
	c := newChart(s)
	var panels []panel
	byName := make(map[string]int)
	for i, l := range s.limits {
		if l.Off {
			continue
		}
		byName[l.Name] = len(panels)
		panels = append(panels, panel{id: xmlID(l.Name), limit: l, sum: s.sums[i], counts: make([]binCounts, c.bins)})
	}
	for _, d := range s.decisions {
		pi, ok := byName[d.Limiter]
		if !ok {
			continue
		}
		b := &panels[pi].counts[c.bin(since(d.Time, s.start))]
		switch d.Outcome {
		case Allowed:
			b.allowed++
		case Queued:
			b.queued++
		case Released:
			b.released++
			panels[pi].hasReleased = true
		case Refused:
			b.refused++
		}
	}
	for i := range panels {
		p := &panels[i]
		dataMax := 0
		for _, b := range p.counts {
			dataMax = max(dataMax, b.allowed+b.queued+b.refused, b.released)
		}
		top := float64(dataMax)
		if p.limit.Rate > 0 && !math.IsInf(p.limit.Rate, 0) {
			p.perBin = p.limit.Rate * c.binWidth
			// Scale to the limit unless it would flatten the bars to
			// less than a fifth of the plot.
			p.limitOnScale = dataMax == 0 || p.perBin <= 5*float64(dataMax)
			if p.limitOnScale {
				top = max(top, p.perBin)
			}
		}
		p.yMax, p.yStep = countScale(top)
	}
	return c, panels
}

// countScale returns the top of a y axis showing values up to top, and the
// step between its tick labels: 2 to 4 steps of 1, 2 or 5 times a power of
// ten (whole numbers when top >= 1), so 3 to 5 labels.
func countScale(top float64) (yMax, step float64) {
	if top <= 0 || math.IsNaN(top) {
		top = 1
	}
	step = niceSteps(top/4, 1, []float64{1, 2, 5})
	if top >= 1 {
		step = max(step, 1)
	}
	n := max(math.Ceil(top/step-1e-9), 2)
	return n * step, step
}

// xmlID replaces every character of name but ASCII letters, digits, '-',
// '_' and '.' with '_'.
func xmlID(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
}

// esc escapes s for XML text and attribute values.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // cannot fail on a strings.Builder
	return b.String()
}

// num formats a coordinate.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// textWidth estimates the width of s in a sans-serif font of size px.
func textWidth(s string, px float64) float64 {
	return float64(len([]rune(s))) * px * 0.62
}

type svgBuf struct{ bytes.Buffer }

func (b *svgBuf) printf(format string, args ...any) { fmt.Fprintf(&b.Buffer, format, args...) }

// text writes a <text> element; attrs are extra attributes, already escaped.
func (b *svgBuf) text(x, y, px float64, anchor, attrs, s string) {
	b.printf(`<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s>%s</text>`+"\n",
		num(x), num(y), trimNum(px, 1), anchor, spaced(attrs), esc(s))
}

func spaced(attrs string) string {
	if attrs == "" {
		return ""
	}
	return " " + attrs
}

// WriteSVG writes a self-contained SVG chart of the run, readable in a
// browser without any other file: a caption with the clock (real or
// virtual) and the run span, a legend, and one panel per limiter that is not
// Off, stacked vertically, each in a <g id="panel-NAME"> (NAME is the
// limiter name with characters other than letters, digits, '-', '_' and '.'
// replaced by '_').
//
// A panel's x axis is time since start, cut into 100 to 200 bins of a round
// width; each bin has a stacked bar of the allowed (green), queued (orange)
// and refused (red) decisions made in it. Released decisions are not
// requests and are drawn as a thin blue line of releases per bin. The rate
// limit is a dashed line (id "limit-NAME") at Rate×bin width requests per
// bin, unless that is more than five times the tallest bar, when it is only
// noted. A vertical red line (id "first-refusal-NAME") marks the limiter's
// first refusal, at the same time the summary table gives. Panel titles give
// the limits and the exact summary counts. When not every decision was kept
// in detail, the caption says how many were not, and the part of the time
// axis after the last kept decision is shaded.
func (r *Recorder) WriteSVG(w io.Writer) error {
	return wrap("write SVG", r.writeSVG(w))
}

func (r *Recorder) writeSVG(w io.Writer) error {
	s := r.snapshot()
	_, err := w.Write(renderSVG(&s))
	return err
}

func renderSVG(s *snapshot) []byte {
	c, panels := layout(s)
	div, suffix := timeUnit(c.tickStep)

	var caption []string
	if s.virtual {
		caption = append(caption, fmt.Sprintf("Virtual clock: simulated time, not wall time. Run span %s, from %s to %s.",
			formatSpan(s.span()), formatTime(s.start), formatTime(s.end)))
	} else {
		caption = append(caption, fmt.Sprintf("Real clock. Run span %s, from %s to %s.",
			formatSpan(s.span()), formatTime(s.start), formatTime(s.end)))
	}
	caption = append(caption, fmt.Sprintf("Bars: limiter decisions per %s bin by outcome; the blue line: buffered requests released per bin; x axis: time since the run started.",
		formatDuration(c.binWidth)))
	var off []string
	for _, l := range s.limits {
		if l.Off {
			off = append(off, l.Name)
		}
	}
	if len(off) > 0 {
		caption = append(caption, "Switched off, not drawn: "+strings.Join(off, ", ")+".")
	}
	if s.truncated > 0 {
		caption = append(caption, fmt.Sprintf("Only %d decisions were kept in detail: %d later decisions are not drawn (shaded); the counts in the panel titles are exact.",
			len(s.decisions), s.truncated))
	}

	const captionTop = 46.0
	legendY := captionTop + 16*float64(len(caption)) + 8
	headerHeight := legendY + 18*float64(legendRows()-1) + 16
	height := headerHeight + panelHeight*float64(max(len(panels), 1)) + 24

	var b svgBuf
	b.printf(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif" fill="#222222">`+"\n",
		num(svgWidth), num(height), num(svgWidth), num(height))
	b.printf("<title>agenthost rate limits</title>\n")
	b.printf(`<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`+"\n", num(svgWidth), num(height))
	b.text(16, 26, 17, "start", `font-weight="bold"`, "agenthost rate limits")
	b.printf(`<g id="caption">` + "\n")
	for i, line := range caption {
		b.text(16, captionTop+16*float64(i), 12, "start", `fill="#444444"`, line)
	}
	b.printf("</g>\n")
	writeLegend(&b, legendY)

	if len(panels) == 0 {
		b.text(svgWidth/2, headerHeight+panelHeight/2, 14, "middle", "", "No limiter to draw: none was given, or all are switched off.")
	}
	for i := range panels {
		writePanel(&b, s, &c, &panels[i], headerHeight+panelHeight*float64(i), div, suffix)
	}
	b.text((plotLeft+plotRight)/2, height-10, 12, "middle", "", "time since start ("+s.clockName()+" clock)")
	b.printf("</svg>\n")
	return b.Bytes()
}

// legendItems are the legend's labels, in order.
var legendItems = []string{"allowed", "queued (buffered)", "refused", "released (line)", "rate limit per bin", "first refusal"}

// legendRows returns how many rows the legend needs at svgWidth.
func legendRows() int {
	rows, x := 1, 16.0
	for _, label := range legendItems {
		w := 22 + textWidth(label, 12) + 18
		if x+w > svgWidth-8 && x > 16 {
			rows, x = rows+1, 16
		}
		x += w
	}
	return rows
}

// writeLegend writes the legend with its first row's baseline at y, going on
// to a new row 18 units lower when a row is full.
func writeLegend(b *svgBuf, y float64) {
	const px = 12.0
	x := 16.0
	b.printf(`<g id="legend">` + "\n")
	box := func(color string) func(x, y float64) {
		return func(x, y float64) {
			b.printf(`<rect x="%s" y="%s" width="16" height="11" fill="%s"/>`+"\n", num(x), num(y-10), color)
		}
	}
	swatches := []func(x, y float64){
		box(colorAllowed),
		box(colorQueued),
		box(colorRefused),
		func(x, y float64) {
			b.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`+"\n", num(x), num(y-4), num(x+16), num(y-4), colorReleased)
		},
		func(x, y float64) {
			b.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.2" stroke-dasharray="5 3"/>`+"\n", num(x), num(y-4), num(x+16), num(y-4), colorLimit)
		},
		func(x, y float64) {
			b.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`+"\n", num(x+8), num(y-12), num(x+8), num(y+2), colorRefused)
		},
	}
	for i, label := range legendItems {
		w := 22 + textWidth(label, px) + 18
		if x+w > svgWidth-8 && x > 16 {
			x, y = 16, y+18
		}
		swatches[i](x, y)
		b.text(x+22, y, px, "start", "", label)
		x += w
	}
	b.printf("</g>\n")
}

// limitsText describes a limiter's limits for its panel title.
func limitsText(l Limit) string {
	var parts []string
	if l.Rate > 0 {
		parts = append(parts, formatRate(l.Rate)+"/s")
	}
	if l.Burst > 0 {
		parts = append(parts, fmt.Sprintf("burst %d", l.Burst))
	}
	if l.Buffer > 0 {
		parts = append(parts, fmt.Sprintf("buffer %d", l.Buffer))
	}
	if l.Size > 0 {
		parts = append(parts, "max message "+formatBytes(l.Size))
	}
	if len(parts) == 0 {
		return "no limits given"
	}
	return strings.Join(parts, ", ")
}

// refusalText is the first refusal as the summary table writes it, with a
// readable duration added from a minute up.
func refusalText(sec float64) string {
	t := formatOffset(sec)
	if sec >= 60 {
		t += " (" + formatSpan(time.Duration(sec*float64(time.Second))) + ")"
	}
	return t
}

func writePanel(b *svgBuf, s *snapshot, c *chart, p *panel, top float64, div float64, suffix string) {
	l, m := p.limit, p.sum
	b.printf(`<g id="panel-%s" transform="translate(0,%s)">`+"\n", esc(p.id), num(top))

	b.text(16, panelTitle1, 13, "start", `font-weight="bold"`,
		fmt.Sprintf("%s — %s", l.Name, limitsText(l)))
	first := "none"
	if !m.FirstRefusal.IsZero() {
		first = refusalText(since(m.FirstRefusal, s.start))
	}
	b.text(16, panelTitle2, 11.5, "start", `fill="#444444"`,
		fmt.Sprintf("allowed %d · queued %d · released %d · refused %d · longest queue %d · first refusal %s",
			m.Allowed, m.Queued, m.Released, m.Refused, m.LongestQueue, first))

	// Grid and y axis labels.
	for v := 0.0; v <= p.yMax+p.yStep/1e6; v += p.yStep {
		y := p.y(v)
		b.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e4e4e4" stroke-width="1"/>`+"\n", num(plotLeft), num(y), num(plotRight), num(y))
		b.text(plotLeft-6, y+4, 11, "end", "", formatRate(v))
	}
	b.text(18, plotTop+plotHeight/2, 11, "middle",
		fmt.Sprintf(`transform="rotate(-90 18 %s)" fill="#444444"`, num(plotTop+plotHeight/2)),
		"requests per "+formatDuration(c.binWidth)+" bin")

	// Shade the part of the axis whose decisions were not kept.
	if s.truncated > 0 {
		x0 := plotLeft
		if len(s.decisions) > 0 {
			x0 = c.x(since(s.lastKept, s.start))
		}
		if x0 < plotRight {
			b.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="#000000" fill-opacity="0.07"/>`+"\n",
				num(x0), num(plotTop), num(plotRight-x0), num(plotHeight))
			if label := "not kept in detail"; plotRight-x0 > textWidth(label, 11)+8 {
				b.text(x0+4, plotTop+13, 11, "start", `fill="#555555" `+halo, label)
			}
		}
	}

	// Bars.
	slot := plotWidth / float64(c.bins)
	gap := 0.0
	if slot >= 3 {
		gap = 1
	}
	binDiv, binSuffix := timeUnit(c.binWidth)
	for i, bc := range p.counts {
		if bc.allowed+bc.queued+bc.refused == 0 {
			continue
		}
		from, to := float64(i)*c.binWidth, float64(i+1)*c.binWidth
		b.printf("<g><title>%s</title>\n", esc(fmt.Sprintf("+%s to +%s: %d allowed, %d queued, %d refused, %d released",
			formatIn(from, binDiv, binSuffix), formatIn(to, binDiv, binSuffix), bc.allowed, bc.queued, bc.refused, bc.released)))
		base := plotBottom
		x := plotLeft + float64(i)*slot + gap/2
		for _, seg := range []struct {
			n     int
			color string
		}{{bc.allowed, colorAllowed}, {bc.queued, colorQueued}, {bc.refused, colorRefused}} {
			if seg.n == 0 {
				continue
			}
			h := max(float64(seg.n)/p.yMax*plotHeight, 1) // at least a pixel, so single events show
			h = min(h, base-plotTop)
			b.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n", num(x), num(base-h), num(slot-gap), num(h), seg.color)
			base -= h
		}
		b.printf("</g>\n")
	}

	// Releases as a step line.
	if p.hasReleased {
		var path strings.Builder
		for i, bc := range p.counts {
			x0, x1, y := plotLeft+float64(i)*slot, plotLeft+float64(i+1)*slot, p.y(float64(bc.released))
			if i == 0 {
				fmt.Fprintf(&path, "M%s %s", num(x0), num(y))
			} else {
				fmt.Fprintf(&path, "V%s", num(y))
			}
			fmt.Fprintf(&path, "H%s", num(x1))
		}
		b.printf(`<path id="released-%s" d="%s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", esc(p.id), path.String(), colorReleased)
	}

	// Frame and x axis.
	b.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#999999" stroke-width="1"/>`+"\n",
		num(plotLeft), num(plotTop), num(plotWidth), num(plotHeight))
	for k := 0; float64(k)*c.tickStep <= c.domain*(1+1e-9); k++ {
		sec := float64(k) * c.tickStep
		x := c.x(sec)
		b.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#999999" stroke-width="1"/>`+"\n", num(x), num(plotBottom), num(x), num(plotBottom+4))
		b.text(x, tickLabel, 11, "middle", "", formatIn(sec, div, suffix))
	}

	// The rate limit.
	if p.perBin > 0 {
		label := fmt.Sprintf("limit %s/s = %s/bin", formatRate(l.Rate), formatRate(p.perBin))
		if p.limitOnScale {
			y := p.y(p.perBin)
			b.printf(`<line id="limit-%s" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.2" stroke-dasharray="6 4"/>`+"\n",
				esc(p.id), num(plotLeft), num(y), num(plotRight), num(y), colorLimit)
			ly := y - 4
			if y-plotTop < 16 {
				ly = y + 13 // no room above the line: write below it
			}
			b.text(plotRight-4, ly, 11, "end", halo, label)
		} else {
			b.text(plotRight-4, plotTop+13, 11, "end", halo, "↑ "+label+", above this scale")
		}
	}

	// The first refusal, from the exact summary, so it matches the table.
	if !m.FirstRefusal.IsZero() {
		sec := since(m.FirstRefusal, s.start)
		x := c.x(sec)
		b.printf(`<line id="first-refusal-%s" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`+"\n",
			esc(p.id), num(x), num(markerLabel-10), num(x), num(plotBottom), colorRefused)
		label := "first refusal " + refusalText(sec)
		if x+4+textWidth(label, 11) <= svgWidth-4 {
			b.text(x+4, markerLabel, 11, "start", `fill="`+colorRefused+`"`, label)
		} else {
			b.text(x-4, markerLabel, 11, "end", `fill="`+colorRefused+`"`, label)
		}
	}
	b.printf("</g>\n")
}
