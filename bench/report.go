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
	profile  string // top of a fleet's heap profile, and which fleet
}

// A row compares subjects on one measurement. Throughput rows have the
// paho client as baseline (higher is better); start-up and memory rows have
// Node.js as baseline (lower is better).
type row struct {
	label     string
	unit      string
	baseline  string // subjPaho or subjNode
	agentOnly bool   // only agenthost is measured (per-agent memory)
	cpu       bool   // a CPU-per-message row: its own table, lower is better
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

// failedRuns counts the runs that failed, over every broker.
func (rep *report) failedRuns() int {
	n := 0
	for _, sec := range rep.sections {
		n += len(sec.failures)
	}
	return n
}

func (rep *report) measure(t *target) {
	h := rep.h
	sec := &section{t: t}
	rep.sections = append(rep.sections, sec)
	progress("== broker: %s", t.desc)
	pre := "[" + t.name + "] "

	// Inbound throughput and CPU per message.
	for _, qos := range []byte{0, 1} {
		for _, size := range []int{64, 4096} {
			what := fmt.Sprintf("inbound QoS %d, %s payload", qos, sizeName(size))
			r := sec.addRow(what, "msg/s", subjPaho)
			rc := sec.addRow(what, "µs/msg", subjPaho)
			rc.cpu = true
			for run := 1; run <= h.runs; run++ {
				for _, s := range rep.subjects(subjPaho) {
					label := fmt.Sprintf("%sinbound qos%d %dB %s run %d/%d", pre, qos, size, s, run, h.runs)
					fmt.Fprintf(os.Stderr, "%s ... ", label)
					v, cpu, err := h.inbound(t, s, qos, size, h.n)
					sec.record(label, r, s, v, err)
					if err == nil {
						sec.record(label, rc, s, cpu, nil)
						fmt.Fprintf(os.Stderr, "%s msg/s (%.2f s), CPU %.2f µs/msg\n", thousands(v), float64(h.n)/v, cpu)
					} else {
						rc.cell(s).fails++
					}
				}
			}
		}
	}

	// Outbound throughput and CPU per message.
	for _, qos := range []byte{0, 1} {
		what := "written"
		if qos == 1 {
			what = "PUBACKed"
		}
		rs := sec.addRow(fmt.Sprintf("outbound QoS %d, 64 B: sent (all callbacks, i.e. %s)", qos, what), "msg/s", subjPaho)
		rd := sec.addRow(fmt.Sprintf("outbound QoS %d, 64 B: delivered (harness subscriber has all)", qos), "msg/s", subjPaho)
		rc := sec.addRow(fmt.Sprintf("outbound QoS %d, 64 B", qos), "µs/msg", subjPaho)
		rc.cpu = true
		for run := 1; run <= h.runs; run++ {
			for _, s := range rep.subjects(subjPaho) {
				label := fmt.Sprintf("%soutbound qos%d 64B %s run %d/%d", pre, qos, s, run, h.runs)
				fmt.Fprintf(os.Stderr, "%s ... ", label)
				sent, del, cpu, err := h.outbound(t, s, qos, h.n)
				sec.record(label, rs, s, sent, err)
				if err == nil {
					sec.record(label, rd, s, del, nil)
					sec.record(label, rc, s, cpu, nil)
					fmt.Fprintf(os.Stderr, "sent %s msg/s, delivered %s msg/s, CPU %.2f µs/msg\n", thousands(sent), thousands(del), cpu)
				} else {
					rd.cell(s).fails++
					rc.cell(s).fails++
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

	// Memory per agent in fleets of growing size (one run each).
	var first *fleetMem
	for _, k := range h.fleets {
		name := fmt.Sprintf("fleet of %s idle connected agents in one process", thousands(float64(k)))
		rt := sec.addRow(name+": RSS", "MiB", subjNode)
		rr := sec.addRow(name+": RSS per agent", "KiB", subjNode)
		var rm *row
		if first != nil {
			rm = sec.addRow(fmt.Sprintf("%s: RSS per agent beyond the fleet of %s", name, thousands(float64(first.K))), "KiB", subjNode)
			rm.agentOnly = true
		}
		rh := sec.addRow(name+": Go heap+stacks per agent", "KiB", subjNode)
		ri := sec.addRow(name+": CPU while idle", "% of a core", subjNode)
		rt.agentOnly, rr.agentOnly, rh.agentOnly, ri.agentOnly = true, true, true, true
		label := fmt.Sprintf("%sfleet of %d agents", pre, k)
		fmt.Fprintf(os.Stderr, "%s ... ", label)
		profile := k == h.profileAt
		res, err := h.fleetMemory(t, k, profile)
		sec.record(label, rt, subjAgent, float64(res.RSS)/(1<<20), err)
		if err != nil {
			rr.cell(subjAgent).fails++
			rh.cell(subjAgent).fails++
			ri.cell(subjAgent).fails++
			if rm != nil {
				rm.cell(subjAgent).fails++
			}
			continue
		}
		if first == nil {
			first = &res
		} else if rm != nil && k != first.K {
			sec.record(label, rm, subjAgent, float64(res.RSS-first.RSS)/float64(k-first.K)/1024, nil)
		}
		sec.record(label, rr, subjAgent, float64(res.RSS)/float64(k)/1024, nil)
		sec.record(label, rh, subjAgent, float64(res.Heap+res.Stacks)/float64(k)/1024, nil)
		sec.record(label, ri, subjAgent, res.IdleCPU, nil)
		fmt.Fprintf(os.Stderr, "RSS %.0f MiB (%.0f KiB/agent), heap+stacks %.0f KiB/agent, %.1f goroutines/agent, all connected %.1f s after start (%d connects refused and retried), idle CPU %.1f%% of a core\n",
			float64(res.RSS)/(1<<20), float64(res.RSS)/float64(k)/1024, float64(res.Heap+res.Stacks)/float64(k)/1024,
			float64(res.Goroutines)/float64(k), res.Up.Seconds(), res.Retries, res.IdleCPU)
		if profile {
			sec.profile = fmt.Sprintf("Heap profile of the fleet of %s agents (in use when it was told to stop; `go tool pprof -top -sample_index=inuse_space`):\n\n```\n%s\n```\n",
				thousands(float64(k)), res.Profile)
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
	case "µs/msg":
		return strconv.FormatFloat(v, 'f', 2, 64)
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

func sizesText(sizes []int) string {
	if len(sizes) == 0 {
		return "off"
	}
	var parts []string
	for _, k := range sizes {
		parts = append(parts, strconv.Itoa(k))
	}
	return strings.Join(parts, ",")
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
	fmt.Fprintf(&b, "- parameters: -n %d messages per throughput run, -runs %d (every figure but the fleets' is the median of the runs), -fleets %s, -timeout %s\n",
		h.n, h.runs, sizesText(h.fleets), h.timeout)
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
  handed to the connection; QoS 1: PUBACK received); "delivered" = until a paho subscriber in the
  harness has received all N (it must get exactly N in every run). The clock starts when the harness
  publishes a trigger message on bench/go, so one broker hop is included.
- Throughput ratios are value ÷ paho baseline (1.00× = as fast as plain paho; higher is better).
- Start-up: wall time from starting the process to its "connected" line, printed in onconnect(0):
  runtime start, script load, TCP connect and CONNACK. Memory: VmRSS (/proc/PID/status) 1 s after an
  idle agent has connected and subscribed. For these the baseline is Node.js; ratio = agenthost ÷
  Node.js (lower is better).
- CPU per message: the CPU time (user + system, every thread) the subject process used from the
  moment the harness read its "ready" line to the moment it read its "done" line, divided by N; so
  start-up, connecting and subscribing are left out. It is read from /proc: the sum of the threads'
  /proc/PID/task/TID/schedstat on-CPU times (ns), which is utime+stime of /proc/PID/stat without its
  10 ms rounding (that coarser figure is used instead if it grew by more, i.e. a thread exited). Inbound:
  receiving N messages (and the once-a-second progress line); outbound: the trigger message, N
  publishes and N callbacks. The paho subject is the floor of agenthost's stack (agenthost is built on
  paho); ratio = value ÷ paho, lower is better.
- Fleets: ` + "`agenthost fleet bench/scripts/idle.js --agents K --ramp 200/s --broker tcp://ADDR`" + ` in one
  process against this section's broker (the harness's embedded broker, as for the other rows: the
  fleet's own would hold the broker's side of every connection too, two file descriptors per agent in
  one process), with the default limits (` + "`limits.memory`" + ` on: the agents share one watchdog, asleep
  while no callback runs), under ` + "`ulimit -n 65536`" + `, or the hard limit where that cannot be
  raised (mosquitto too, with ` + "`max_connections -1`" + `; its heading says which it got). Once the fleet has said every agent is connected and
  every agent has logged "connected" (after its subscription was granted; a refused connect is retried
  after 1 s), and 2 s later, the harness reads the fleet's CPU time over 2 s ("CPU while idle") and
  then VmRSS; Go
  heap+stacks (HeapAlloc+StackInuse after a collection) come from the fleet's --report, measured when it
  is told to stop. Per agent = total ÷ K (the process's own baseline included); "beyond the fleet of
  K0" = (RSS(K) − RSS(K0)) ÷ (K − K0), the cost of each additional agent. One run per size. The heap
  profile is the fleet's --memprofile, taken when it is told to stop.
`)
	for _, sec := range rep.sections {
		fmt.Fprintf(&b, "\n## Broker: %s\n\n%s\n\n", sec.t.name, sec.t.desc)
		b.WriteString("| measurement | unit | paho Go (baseline) | agenthost | agenthost ratio | Node.js MQTT.js | Node.js ratio |\n")
		b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
		for _, r := range sec.rows {
			if r.cpu {
				continue
			}
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
		b.WriteString("\nCPU per message (µs of CPU time per message, start-up excluded; lower is better):\n\n")
		b.WriteString("| measurement | paho Go (baseline) | agenthost | agenthost ratio | Node.js MQTT.js | Node.js ratio |\n")
		b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: |\n")
		for _, r := range sec.rows {
			if !r.cpu {
				continue
			}
			at, av, aok := rep.cellText(r, subjAgent)
			pt, pv, pok := rep.cellText(r, subjPaho)
			nt, nv, nok := rep.cellText(r, subjNode)
			ar, nr := "—", "—"
			if pok && aok {
				ar = ratio(av, pv)
			}
			if pok && nok {
				nr = ratio(nv, pv)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | **%s** | %s | %s |\n", r.label, pt, at, ar, nt, nr)
		}
		if sec.profile != "" {
			b.WriteString("\n" + sec.profile)
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
