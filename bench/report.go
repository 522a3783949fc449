package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// report collects the measurements of one harness run and renders them.
type report struct {
	h        *harness
	mosq     string
	started  time.Time
	elapsed  time.Duration
	info     [][2]string
	sections []*section
}

// section is every comparison against one broker.
type section struct {
	t        *target
	rows     []*row
	failures []string
}

// A row compares subjects on one measurement. Throughput rows have the
// paho client as baseline (higher is better); start-up and memory rows have
// Node.js as baseline (lower is better).
type row struct {
	label     string
	unit      string
	baseline  string // subjPaho or subjNode
	agentOnly bool   // only agenthost is measured (per-agent memory)
	cells     map[string]*cell
}

type cell struct {
	vals  []float64
	fails int
}

func (c *cell) median() float64 {
	v := append([]float64(nil), c.vals...)
	sort.Float64s(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}

func (s *section) addRow(label, unit, baseline string) *row {
	r := &row{label: label, unit: unit, baseline: baseline, cells: map[string]*cell{}}
	s.rows = append(s.rows, r)
	return r
}

func (r *row) cell(subj string) *cell {
	c := r.cells[subj]
	if c == nil {
		c = &cell{}
		r.cells[subj] = c
	}
	return c
}

func sizeName(size int) string {
	if size >= 1024 && size%1024 == 0 {
		return strconv.Itoa(size/1024) + " KiB"
	}
	return strconv.Itoa(size) + " B"
}

// subjects lists who is compared in a row with the given baseline.
func (rep *report) subjects(baseline string) []string {
	var s []string
	if baseline == subjPaho {
		s = append(s, subjPaho)
	}
	s = append(s, subjAgent)
	if rep.h.nodeBin != "" {
		s = append(s, subjNode)
	}
	return s
}

// record notes one run's value (or failure) and prints its progress line's end.
func (sec *section) record(label string, r *row, subj string, v float64, err error) {
	c := r.cell(subj)
	if err != nil {
		c.fails++
		sec.failures = append(sec.failures, label+": "+err.Error())
		fmt.Fprintf(os.Stderr, "FAILED: %v\n", err)
		return
	}
	c.vals = append(c.vals, v)
}

func (rep *report) measure(t *target) {
	h := rep.h
	sec := &section{t: t}
	rep.sections = append(rep.sections, sec)
	progress("== broker: %s", t.desc)
	pre := "[" + t.name + "] "

	// Inbound throughput.
	for _, qos := range []byte{0, 1} {
		for _, size := range []int{64, 4096} {
			r := sec.addRow(fmt.Sprintf("inbound QoS %d, %s payload", qos, sizeName(size)), "msg/s", subjPaho)
			for run := 1; run <= h.runs; run++ {
				for _, s := range rep.subjects(subjPaho) {
					label := fmt.Sprintf("%sinbound qos%d %dB %s run %d/%d", pre, qos, size, s, run, h.runs)
					fmt.Fprintf(os.Stderr, "%s ... ", label)
					v, err := h.inbound(t, s, qos, size, h.n)
					sec.record(label, r, s, v, err)
					if err == nil {
						fmt.Fprintf(os.Stderr, "%s msg/s (%.2f s)\n", thousands(v), float64(h.n)/v)
					}
				}
			}
		}
	}

	// Outbound throughput.
	for _, qos := range []byte{0, 1} {
		what := "written"
		if qos == 1 {
			what = "PUBACKed"
		}
		rs := sec.addRow(fmt.Sprintf("outbound QoS %d, 64 B: sent (all callbacks, i.e. %s)", qos, what), "msg/s", subjPaho)
		rd := sec.addRow(fmt.Sprintf("outbound QoS %d, 64 B: delivered (harness subscriber has all)", qos), "msg/s", subjPaho)
		for run := 1; run <= h.runs; run++ {
			for _, s := range rep.subjects(subjPaho) {
				label := fmt.Sprintf("%soutbound qos%d 64B %s run %d/%d", pre, qos, s, run, h.runs)
				fmt.Fprintf(os.Stderr, "%s ... ", label)
				sent, del, err := h.outbound(t, s, qos, h.n)
				sec.record(label, rs, s, sent, err)
				if err == nil {
					sec.record(label, rd, s, del, nil)
					fmt.Fprintf(os.Stderr, "sent %s msg/s, delivered %s msg/s\n", thousands(sent), thousands(del))
				} else {
					rd.cell(s).fails++
				}
			}
		}
	}

	// Start-up.
	r := sec.addRow("start-up: process start to onconnect(0)", "ms", subjNode)
	for run := 1; run <= h.runs; run++ {
		for _, s := range rep.subjects(subjNode) {
			label := fmt.Sprintf("%sstartup %s run %d/%d", pre, s, run, h.runs)
			fmt.Fprintf(os.Stderr, "%s ... ", label)
			v, err := h.startup(t, s)
			sec.record(label, r, s, v, err)
			if err == nil {
				fmt.Fprintf(os.Stderr, "%.1f ms\n", v)
			}
		}
	}

	// Memory of one idle agent process.
	r = sec.addRow("memory: RSS of one idle connected agent process", "MiB", subjNode)
	for run := 1; run <= h.runs; run++ {
		for _, s := range rep.subjects(subjNode) {
			label := fmt.Sprintf("%smemory idle %s run %d/%d", pre, s, run, h.runs)
			fmt.Fprintf(os.Stderr, "%s ... ", label)
			v, err := h.idleRSS(t, s)
			sec.record(label, r, s, v, err)
			if err == nil {
				fmt.Fprintf(os.Stderr, "%.1f MiB\n", v)
			}
		}
	}

	// Memory per additional agent VM in one process.
	rh := sec.addRow(fmt.Sprintf("memory per additional agent in one process (K=%d): Go heap+stacks", h.k), "KiB", subjNode)
	rr := sec.addRow(fmt.Sprintf("memory per additional agent in one process (K=%d): RSS growth", h.k), "KiB", subjNode)
	rh.agentOnly, rr.agentOnly = true, true
	for run := 1; run <= h.runs; run++ {
		label := fmt.Sprintf("%smemory per agent (K=%d) agenthost run %d/%d", pre, h.k, run, h.runs)
		fmt.Fprintf(os.Stderr, "%s ... ", label)
		res, err := h.perAgent(t, h.k)
		sec.record(label, rh, subjAgent, res.HeapPerAgent/1024, err)
		if err == nil {
			sec.record(label, rr, subjAgent, res.RSSPerAgent/1024, nil)
			fmt.Fprintf(os.Stderr, "heap+stacks %.0f KiB/agent, RSS %.0f KiB/agent, %.1f goroutines/agent\n",
				res.HeapPerAgent/1024, res.RSSPerAgent/1024, res.GoroutinesPerA)
		} else {
			rr.cell(subjAgent).fails++
		}
	}
}

// machine gathers the machine and version information for the heading.
func (rep *report) machine() {
	h := rep.h
	add := func(k, v string) { rep.info = append(rep.info, [2]string{k, v}) }
	add("date", time.Now().Format("2006-01-02 15:04:05 -07:00"))
	add("cores", strconv.Itoa(runtime.NumCPU()))
	add("CPU", cpuModel())
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		add("kernel", "Linux "+strings.TrimSpace(string(data)))
	}
	add("Go", runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH)
	agent := firstLine(cmdOutput(h.agentBin, "version"))
	if rev := firstLine(cmdOutput("git", "-C", h.root, "rev-parse", "--short", "HEAD")); rev != "" {
		agent += ", git " + rev
		if strings.TrimSpace(cmdOutput("git", "-C", h.root, "status", "--porcelain", "--untracked-files=no")) != "" {
			agent += " with uncommitted changes"
		}
	}
	add("agenthost", agent)
	if h.nodeBin != "" {
		v := firstLine(cmdOutput(h.nodeBin, "--version"))
		var pkg struct{ Version string }
		if data, err := os.ReadFile(filepath.Join(h.benchDir, "node", "node_modules", "mqtt", "package.json")); err == nil {
			_ = json.Unmarshal(data, &pkg)
		}
		add("Node.js", v+", MQTT.js "+pkg.Version)
	} else {
		add("Node.js", h.nodeNote)
	}
	if rep.mosq != "" {
		add("mosquitto", firstLine(cmdOutput(rep.mosq, "-h")))
	} else {
		add("mosquitto", "not installed")
	}
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// cmdOutput runs a command for its output (stdout and stderr); errors give
// what was printed anyway ("mosquitto -h" exits non-zero).
func cmdOutput(name string, args ...string) string {
	out, _ := exec.Command(name, args...).CombinedOutput()
	return string(out)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func formatValue(v float64, unit string) string {
	switch unit {
	case "msg/s", "KiB":
		return thousands(v)
	default:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
}

// cellText renders a cell: the median, with the number of good runs when
// some failed.
func (rep *report) cellText(r *row, subj string) (string, float64, bool) {
	if subj == subjNode && rep.h.nodeBin == "" {
		return rep.h.nodeNote, 0, false
	}
	c := r.cells[subj]
	if c == nil {
		return "—", 0, false
	}
	if len(c.vals) == 0 {
		return fmt.Sprintf("FAILED (%d/%d runs)", c.fails, c.fails), 0, false
	}
	m := c.median()
	s := formatValue(m, r.unit)
	if c.fails > 0 {
		s += fmt.Sprintf(" (%d/%d runs ok)", len(c.vals), len(c.vals)+c.fails)
	}
	return s, m, true
}

func ratio(v, base float64) string {
	return strconv.FormatFloat(v/base, 'f', 2, 64) + "×"
}

func (rep *report) markdown() string {
	h := rep.h
	var b strings.Builder
	b.WriteString("# agenthost benchmark\n\n")
	for _, kv := range rep.info {
		fmt.Fprintf(&b, "- %s: %s\n", kv[0], kv[1])
	}
	fmt.Fprintf(&b, "- parameters: -n %d messages per throughput run, -runs %d (every figure is the median of the runs), -k %d, -timeout %s\n",
		h.n, h.runs, h.k, h.timeout)
	fmt.Fprintf(&b, "- total time of this run: %s (including building agenthost)\n", rep.elapsed.Round(time.Second))
	b.WriteString(`
Notes:

- Every subject runs in a process of its own and prints "ready", "done ..." on stdout: the paho Go
  baseline is the harness binary re-executed as a plain paho client (-pahochild, bench/pahochild.go);
  agenthost runs the built binary (` + "`agenthost run bench/scripts/X.js --broker tcp://ADDR --config F`" + `) with
  **every rate limit off** (` + "`limits: {log: off, mqtt_outbound: off, mqtt_inbound: off, message_size: off}`" + `);
  Node.js runs bench/node/X.js with MQTT.js. Each run starts a fresh process (start-up is not timed in
  the throughput rows).
- Inbound: a paho Go publisher in the harness publishes N messages to bench/in as fast as paho and the
  broker take them, after the subscriber has printed "ready" (subscription granted). Time from the first
  publish until the subscriber reports all N: its "done N BYTES" line, read by the harness.
  Subscription QoS = publish QoS. Every run checks exactly N messages and N×size payload bytes.
- Outbound: N publishes of 64 B to bench/out in one loop (agenthost:
  ` + "`client.createmessage(topic, payload, {qos}).sendasync(cb)`" + `; paho: Publish, then wait for every
  token; MQTT.js: publish(topic, payload, {qos}, cb)). "sent" = until every callback has fired (QoS 0:
  written to the connection; QoS 1: PUBACK received); "delivered" = until a paho subscriber in the
  harness has received all N (it must get exactly N in every run). The clock starts when the harness
  publishes a trigger message on bench/go, so one broker hop is included.
- Throughput ratios are value ÷ paho baseline (1.00× = as fast as plain paho; higher is better).
- Start-up: wall time from starting the process to its "connected" line, printed in onconnect(0):
  runtime start, script load, TCP connect and CONNACK. Memory: VmRSS (/proc/PID/status) 1 s after an
  idle agent has connected and subscribed. For these the baseline is Node.js; ratio = agenthost ÷
  Node.js (lower is better).
- Per additional agent: the CLI runs one agent per process, so this is measured in a child process of
  the harness: K sessions made with host.NewSession (configparams.Default() with the broker set to this
  broker's tcp:// URL, default limits), each running bench/scripts/idle.js on its own loop goroutine
  and connected; figures are the growth divided by K of the Go heap+stacks (runtime.ReadMemStats,
  HeapAlloc+StackInuse after GC) and of the process's VmRSS.
`)
	for _, sec := range rep.sections {
		fmt.Fprintf(&b, "\n## Broker: %s\n\n%s\n\n", sec.t.name, sec.t.desc)
		b.WriteString("| measurement | unit | paho Go (baseline) | agenthost | agenthost ratio | Node.js MQTT.js | Node.js ratio |\n")
		b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
		for _, r := range sec.rows {
			at, av, aok := rep.cellText(r, subjAgent)
			switch {
			case r.agentOnly:
				fmt.Fprintf(&b, "| %s | %s | — | %s | — | — | — |\n", r.label, r.unit, at)
			case r.baseline == subjPaho:
				pt, pv, pok := rep.cellText(r, subjPaho)
				nt, nv, nok := rep.cellText(r, subjNode)
				ar, nr := "—", "—"
				if pok && aok {
					ar = ratio(av, pv)
				}
				if pok && nok {
					nr = ratio(nv, pv)
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.label, r.unit, pt, at, ar, nt, nr)
			default:
				nt, nv, nok := rep.cellText(r, subjNode)
				ar, nr := "—", "—"
				if nok {
					nr = "1.00× (baseline)"
					if aok {
						ar = ratio(av, nv)
					}
				}
				fmt.Fprintf(&b, "| %s | %s | (Node.js is the baseline) | %s | %s | %s | %s |\n", r.label, r.unit, at, ar, nt, nr)
			}
		}
		if len(sec.failures) > 0 {
			fmt.Fprintf(&b, "\nFailed runs against %s (left out of the medians):\n\n", sec.t.name)
			for _, f := range sec.failures {
				fmt.Fprintf(&b, "- %s\n", f)
			}
		} else {
			fmt.Fprintf(&b, "\nNo failed runs against %s: every run received exactly N messages.\n", sec.t.name)
		}
	}
	return b.String()
}
