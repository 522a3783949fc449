// Command bench compares agenthost with a plain paho Go client and with
// Node.js + MQTT.js on the same MQTT broker: inbound and outbound
// throughput, start-up time and memory. Run it from the module root:
//
//	go run ./bench                 # full run, both brokers when mosquitto is installed
//	go run ./bench -quick          # short smoke run
//	go run ./bench -runs 5 -out /tmp/bench.md
//
// Every figure is the median of -runs runs; every comparison is also given
// as a ratio to its baseline measured in the same run against the same
// broker. See bench/README.md.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// maxN bounds -n: the QoS 1 loops keep every message in flight at once, and
// MQTT has 65,535 packet ids (agenthost's sendasync would get -10).
const maxN = 65000

type harness struct {
	root, benchDir string // module root, root/bench
	tmp            string // temp directory: binary, configs, state
	agentBin       string
	nodeBin        string // "" when the Node.js column is n/a
	nodeNote       string // why the Node.js column is n/a
	timeout        time.Duration
	n, runs        int
	fleets         []int // fleet sizes for the memory per agent
	profileAt      int   // the fleet size whose heap profile is taken; 0: none

	mu  sync.Mutex
	seq int
}

func (h *harness) nextID() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	return h.seq
}

func main() {
	var (
		n         = flag.Int("n", 30000, "messages per throughput run (at most 65000)")
		runs      = flag.Int("runs", 5, "runs per measurement; the table shows medians")
		brokerSel = flag.String("broker", "", "embedded, mosquitto or both (default: both when mosquitto is installed, else embedded)")
		quick     = flag.Bool("quick", false, "short smoke run: -n 2000 -runs 1 -fleets 10,100 unless given")
		out       = flag.String("out", "", "also write the report as Markdown to this file")
		timeout   = flag.Duration("timeout", 60*time.Second, "time limit of one measurement run")
		fleets    = flag.String("fleets", "10,1000,10000", "fleet sizes (comma-separated) for the memory per agent; the heap profile is of the middle one")

		pahoMode   = flag.String("pahochild", "", "internal: run the paho baseline (inbound or outbound)")
		pahoParams = flag.String("pahochild-params", "", "internal")
	)
	flag.Parse()
	if *pahoMode != "" {
		if err := pahoChild(*pahoMode, *pahoParams); err != nil {
			fmt.Fprintln(os.Stderr, "paho child:", err)
			os.Exit(1)
		}
		return
	}
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick {
		if !set["n"] {
			*n = 2000
		}
		if !set["runs"] {
			*runs = 1
		}
		if !set["fleets"] {
			*fleets = "10,100"
		}
	}
	if *n < 1 || *n > maxN || *runs < 1 {
		fatalf("-n must be 1..%d, -runs at least 1", maxN)
	}
	sizes, err := parseSizes(*fleets)
	if err != nil {
		fatalf("-fleets: %v", err)
	}

	h := &harness{timeout: *timeout, n: *n, runs: *runs, fleets: sizes}
	if len(sizes) > 0 {
		h.profileAt = sizes[len(sizes)/2]
	}
	if h.root, err = moduleRoot(); err != nil {
		fatalf("%v", err)
	}
	h.benchDir = filepath.Join(h.root, "bench")
	if h.tmp, err = os.MkdirTemp("", "agenthost-bench-"); err != nil {
		fatalf("%v", err)
	}

	var cleanupOnce sync.Once
	var targets []*target
	var targetsMu sync.Mutex
	cleanup := func() {
		cleanupOnce.Do(func() {
			killAll()
			targetsMu.Lock()
			for _, t := range targets {
				t.close()
			}
			targetsMu.Unlock()
			os.RemoveAll(h.tmp)
		})
	}
	defer cleanup()
	fatal = func(msg string) {
		cleanup()
		fmt.Fprintln(os.Stderr, "bench:", msg)
		os.Exit(1)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "\nbench: %v: stopping every process and exiting\n", s)
		cleanup()
		os.Exit(130)
	}()

	// Brokers to use.
	mosq := mosquittoPath()
	want := *brokerSel
	if want == "" {
		want = "both"
		if mosq == "" {
			want = "embedded"
		}
	}
	if want != "embedded" && want != "mosquitto" && want != "both" {
		fatalf("-broker must be embedded, mosquitto or both")
	}
	if want != "embedded" && mosq == "" {
		fatalf("-broker %s: mosquitto is not installed", want)
	}

	started := time.Now()
	progress("building agenthost (go build -o %s ./cmd/agenthost)", filepath.Join(h.tmp, "agenthost"))
	h.agentBin = filepath.Join(h.tmp, "agenthost")
	build := exec.Command("go", "build", "-o", h.agentBin, "./cmd/agenthost")
	build.Dir = h.root
	if outp, err := build.CombinedOutput(); err != nil {
		fatalf("go build ./cmd/agenthost: %v\n%s", err, outp)
	}
	h.setupNode()

	rep := &report{h: h, mosq: mosq, started: started}
	rep.machine()
	for _, name := range []string{"embedded", "mosquitto"} {
		if want != name && want != "both" {
			continue
		}
		var t *target
		if name == "embedded" {
			t, err = startEmbedded()
		} else {
			progress("starting mosquitto")
			t, err = startMosquitto(mosq, h.tmp, h.timeout)
		}
		if err != nil {
			fatalf("%s broker: %v", name, err)
		}
		targetsMu.Lock()
		targets = append(targets, t)
		targetsMu.Unlock()
		rep.measure(t)
		t.close()
		targetsMu.Lock()
		targets = targets[:len(targets)-1]
		targetsMu.Unlock()
	}
	rep.elapsed = time.Since(started)
	md := rep.markdown()
	fmt.Print(md)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			fatalf("-out: %v", err)
		}
		progress("wrote %s", *out)
	}
	progress("done in %s", rep.elapsed.Round(time.Second))
	if n := rep.failedRuns(); n > 0 {
		cleanup()
		fmt.Fprintf(os.Stderr, "bench: %d run(s) failed (listed in the report)\n", n)
		os.Exit(1)
	}
}

var fatal = func(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	os.Exit(1)
}

func fatalf(format string, args ...any) { fatal(fmt.Sprintf(format, args...)) }

// parseSizes parses "10,1000,10000" ("" or "off": none).
func parseSizes(s string) ([]int, error) {
	if s == "" || s == "off" {
		return nil, nil
	}
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return nil, fmt.Errorf("%q is not a fleet size (a positive integer)", f)
		}
		sizes = append(sizes, k)
	}
	return sizes, nil
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// moduleRoot finds the directory of agenthost's go.mod, from the working
// directory upwards.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/agenthost/agenthost\n") {
			if _, err := os.Stat(filepath.Join(dir, "bench", "scripts", "inbound.js")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run from inside the agenthost module (no go.mod of github.com/agenthost/agenthost with bench/ above %s)", mustWd())
		}
		dir = parent
	}
}

func mustWd() string {
	wd, _ := os.Getwd()
	return wd
}

// setupNode finds node and installs MQTT.js from the committed lockfile
// (npm ci) when bench/node/node_modules is missing. On any problem the
// Node.js column becomes n/a and the run goes on.
func (h *harness) setupNode() {
	node, err := exec.LookPath("node")
	if err != nil {
		h.nodeNote = "n/a (node not installed)"
		return
	}
	dir := filepath.Join(h.benchDir, "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mqtt", "package.json")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			h.nodeNote = "n/a (npm not installed, bench/node/node_modules missing)"
			return
		}
		progress("installing MQTT.js: npm ci --ignore-scripts in %s", dir)
		cmd := exec.Command(npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if outp, err := cmd.CombinedOutput(); err != nil {
			progress("npm ci failed: %v\n%s", err, outp)
			h.nodeNote = "n/a (npm ci failed)"
			return
		}
	}
	h.nodeBin = node
}
