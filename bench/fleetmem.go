package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Memory per agent is measured on `agenthost fleet`: K agents of
// bench/scripts/idle.js in one process, against the section's broker (in
// the embedded section the harness's, as for every other row: a fleet's
// own embedded broker would need two file descriptors per agent in one
// process), started at fleetRamp, with the default limits (see
// fleetConfig). Once every agent has connected and subscribed, the
// harness reads the process's CPU time over fleetSettle and then its
// VmRSS; the Go heap and stacks come from the fleet's report, which
// measures them when the fleet is told to stop (before its agents
// disconnect).

// fleetRamp is the start rate of the measured fleets: about what this
// project's 2-core machine sustains while other work runs.
const fleetRamp = 200

// fleetSettle is how long a connected fleet runs before its CPU time is
// read, and then how long that reading lasts before its RSS is read: a
// measurement settling time, not synchronisation.
const fleetSettle = 2 * time.Second

// fleetConfig is the measured fleets' config (fleet id, state directory);
// the limits are the defaults, limits.memory included (the fleet's agents
// share one watchdog, which sleeps while no callback runs).
const fleetConfig = `configparams: {clientid: "bench-fleet-%d-{{index}}"}
state_dir: %q
`

// fileLimit is the open-file limit the fleet and mosquitto run with: a
// fleet of K agents on its embedded broker holds 2K sockets.
const fileLimit = 65536

// withFileLimit runs argv under a shell that raises the open-file limit
// (to fileLimit, or the hard limit when that is lower and the harness is
// not root) and then execs it, so the process keeps its pid.
func withFileLimit(argv ...string) []string {
	script := fmt.Sprintf(`ulimit -n %d 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, fileLimit)
	return append([]string{"/bin/sh", "-c", script}, argv...)
}

// fleetMem is one measured fleet.
type fleetMem struct {
	K          int
	RSS        int64         // bytes: VmRSS once connected and settled
	Heap       int64         // bytes: live Go heap (after a collection) at stop
	Stacks     int64         // bytes: goroutine stacks at stop
	Goroutines int           // at stop
	Up         time.Duration // from the process start to every agent connected and subscribed
	IdleCPU    float64       // % of one core the connected, idle fleet used over fleetSettle, after fleetSettle
	Retries    int           // connects the broker refused and the agents retried
	Profile    string        // top of the heap profile, when asked for
}

var (
	fleetAllUpRE   = regexp.MustCompile(`\[Fleet\] all [\d,]+ agents connected`)
	fleetAgentUpRE = regexp.MustCompile(`\[Agent \d+\] connected$`)
	fleetRetryRE   = regexp.MustCompile(`\[Agent \d+\] retrying: `)
)

// fleetMemory runs a fleet of k idle agents against t (its own embedded
// broker when t is embedded) and measures it. With profile set it also
// takes a heap profile and returns its top allocators.
func (h *harness) fleetMemory(t *target, k int, profile bool) (fleetMem, error) {
	id := h.nextID()
	dir := filepath.Join(h.tmp, fmt.Sprintf("fleet-%d", id))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fleetMem{}, err
	}
	cfg := filepath.Join(dir, "agenthost.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(fleetConfig, id, filepath.Join(dir, "state"))), 0o644); err != nil {
		return fleetMem{}, err
	}
	report := filepath.Join(dir, "report.json")
	argv := []string{h.agentBin, "fleet", filepath.Join(h.benchDir, "scripts", "idle.js"), "--agents", strconv.Itoa(k),
		"--config", cfg, "--ramp", fmt.Sprintf("%d/s", fleetRamp), "--status-every", "off",
		"--name", fmt.Sprintf("bench-%d", id), "--report", report, "--broker", t.url()}
	heap := filepath.Join(dir, "heap.pprof")
	if profile {
		argv = append(argv, "--memprofile", heap)
	}
	limit := h.timeout + 3*time.Duration(k)*time.Second/fleetRamp
	deadline := time.Now().Add(limit)
	p, err := startProc(fmt.Sprintf("agenthost fleet (%d agents)", k), dir, withFileLimit(argv...)...)
	if err != nil {
		return fleetMem{}, err
	}
	defer p.stop()
	var res fleetMem
	res.K = k
	// The fleet's "all connected" line comes once every agent has its
	// CONNACK; each agent logs "connected" once its subscription is
	// granted, before or after it.
	allUp, agentsUp := false, 0
	l, err := p.waitFor(fmt.Sprintf(`"[Fleet] all agents connected" and %d agent "connected" lines`, k), func(s string) bool {
		switch {
		case fleetAllUpRE.MatchString(s):
			allUp = true
		case fleetAgentUpRE.MatchString(s):
			agentsUp++
		case fleetRetryRE.MatchString(s):
			res.Retries++
		}
		return allUp && agentsUp == k
	}, nil, deadline)
	if err != nil {
		return res, fmt.Errorf("%w (%d agents had logged \"connected\")", err, agentsUp)
	}
	res.Up = l.at.Sub(p.start)
	time.Sleep(fleetSettle)
	m0, err := markCPU(p.cmd.Process.Pid)
	if err != nil {
		return res, err
	}
	t0 := time.Now()
	time.Sleep(fleetSettle)
	m1, err := markCPU(p.cmd.Process.Pid)
	if err != nil {
		return res, err
	}
	res.IdleCPU = float64(cpuSince(m0, m1)) / float64(time.Since(t0)) * 100
	if res.RSS, err = vmRSS(p.cmd.Process.Pid); err != nil {
		return res, err
	}
	if err := p.terminate(limit); err != nil {
		return res, err
	}
	var rep struct {
		Totals struct {
			Started   int
			Connected int `json:"connected_at_end"`
		}
		Process struct {
			Heap       int64 `json:"go_heap_bytes"`
			Stacks     int64 `json:"go_stack_bytes"`
			Goroutines int   `json:"goroutines"`
		}
	}
	data, err := os.ReadFile(report)
	if err != nil {
		return res, fmt.Errorf("fleet report: %v", err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return res, fmt.Errorf("fleet report: %v", err)
	}
	if rep.Totals.Started != k || rep.Totals.Connected != k {
		return res, fmt.Errorf("fleet report: %d agents started, %d connected at the end, want %d", rep.Totals.Started, rep.Totals.Connected, k)
	}
	res.Heap, res.Stacks, res.Goroutines = rep.Process.Heap, rep.Process.Stacks, rep.Process.Goroutines
	if profile {
		out, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=15", "-sample_index=inuse_space", h.agentBin, heap).CombinedOutput()
		if err != nil {
			return res, fmt.Errorf("go tool pprof: %v: %s", err, out)
		}
		res.Profile = pprofTop(string(out))
	}
	return res, nil
}

// pprofTop keeps the summary and table of `go tool pprof -top` output,
// without the file and build lines before them.
func pprofTop(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Showing nodes") {
			return strings.Join(lines[i:], "\n")
		}
	}
	return strings.Join(lines, "\n")
}

// terminate sends SIGTERM to the process group and waits up to d for the
// process to exit with status 0 (a fleet disconnects every agent first).
func (p *proc) terminate(d time.Duration) error {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	if !p.wait(d) {
		return fmt.Errorf("%s did not exit within %s of SIGTERM", p.name, d)
	}
	if p.waitErr != nil {
		return fmt.Errorf("%s: %v%s", p.name, p.waitErr, p.stderrNote())
	}
	return nil
}
