package fleet

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
	paho "github.com/eclipse/paho.mqtt.golang"
)

// waitLimit bounds every wait for an event; reaching it fails the test.
const waitLimit = 30 * time.Second

// lines collects written output line by line and lets a test wait for
// lines to appear.
type lines struct {
	mu      sync.Mutex
	partial string
	all     []string
	changed chan struct{}
	ended   chan struct{} // closed when nothing more will be written
}

func newLines() *lines { return &lines{changed: make(chan struct{}, 1), ended: make(chan struct{})} }

var timestampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d `)

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	text := l.partial + string(p)
	parts := strings.Split(text, "\n")
	l.partial = parts[len(parts)-1]
	for _, s := range parts[:len(parts)-1] {
		l.all = append(l.all, timestampRE.ReplaceAllString(s, ""))
	}
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (l *lines) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

// count returns how many lines match re.
func (l *lines) count(re *regexp.Regexp) int {
	n := 0
	for _, s := range l.snapshot() {
		if re.MatchString(s) {
			n++
		}
	}
	return n
}

// waitCount waits until n lines match re.
func (l *lines) waitCount(t *testing.T, re *regexp.Regexp, n int) {
	t.Helper()
	deadline := time.After(waitLimit)
	for l.count(re) < n {
		select {
		case <-l.changed:
		case <-l.ended:
			if l.count(re) < n {
				t.Fatalf("the run ended with %d lines matching %s, want %d; output:\n%s", l.count(re), re, n, strings.Join(l.snapshot(), "\n"))
			}
		case <-deadline:
			t.Fatalf("%d lines match %s after %s, want %d; output:\n%s", l.count(re), re, waitLimit, n, strings.Join(l.snapshot(), "\n"))
		}
	}
}

// first returns the first submatch of re in the output, waiting for it.
func (l *lines) first(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	l.waitCount(t, re, 1)
	for _, s := range l.snapshot() {
		if m := re.FindStringSubmatch(s); m != nil {
			return m
		}
	}
	panic("unreachable")
}

// fleetRun is a fleet running in the background.
type fleetRun struct {
	out, errOut *lines
	cancel      context.CancelFunc
	done        chan struct{}
	res         Result
	err         error
}

func startFleet(t *testing.T, script string, cfgText string, mutate func(*Options)) *fleetRun {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "agent.js")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "agenthost.yaml")
	cfgText += fmt.Sprintf("state_dir: %q\n", filepath.Join(dir, "state"))
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := configparams.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	r := &fleetRun{out: newLines(), errOut: newLines(), done: make(chan struct{})}
	o := Options{Script: path, Config: cfg, Agents: 1, Name: "t", Ramp: Ramp{0}, Stdout: r.out, Stderr: r.errOut, StatusEvery: -1}
	if mutate != nil {
		mutate(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		defer close(r.done)
		r.res, r.err = Run(ctx, o)
		close(r.out.ended)
		close(r.errOut.ended)
		if r.err != nil {
			t.Logf("Run: %v", r.err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		r.wait(t)
	})
	return r
}

func (r *fleetRun) wait(t *testing.T) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(waitLimit):
		t.Fatalf("the fleet did not end within %s", waitLimit)
	}
}

func (r *fleetRun) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	r.wait(t)
}

// echoScript subscribes to its own topic, publishes two messages once
// subscribed, and logs every message it gets.
const echoScript = `
const P = imp.configparams;
const client = mqtt.createclient();
client.onconnect(function (rc) {
    if (rc != 0) { server.error("connect failed " + rc); return; }
    client.subscribe(P.topic, 1, function (rc, q) {
        client.createmessage("out/" + P.deviceid, "a", {qos: 1}).sendasync(function (c) {
            client.createmessage("out/" + P.deviceid, "b", {qos: 0}).sendasync(function (c) {
                server.log("ready " + P.n + " " + typeof P.n);
            });
        });
    });
});
client.onmessage(function (m) { server.log("got " + m.message); });
client.connect("tcp://example.invalid:1883", "c-" + P.deviceid);
`

var (
	brokerLineRE = regexp.MustCompile(`^\[Fleet\] embedded broker listening on (\S+) \(shared`)
	readyRE      = regexp.MustCompile(`^\[Agent (\d+)\] ready (\d+) number$`)
	gotRE        = regexp.MustCompile(`^\[Agent (\d+)\] got `)
)

func pahoPublisher(t *testing.T, addr string) paho.Client {
	t.Helper()
	c := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + addr).SetClientID("test-pub").SetAutoReconnect(false))
	if tok := c.Connect(); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(0) })
	return c
}

func TestFleetCountsEveryAgentsTrafficExactly(t *testing.T) {
	const n = 20
	report := filepath.Join(t.TempDir(), "report.json")
	r := startFleet(t, echoScript, "configparams:\n  topic: \"in/{{deviceid}}\"\n  n: \"{{index}}\"\nlimits: {mqtt_outbound: off}\n",
		func(o *Options) { o.Agents, o.Report, o.Ramp = n, report, Ramp{1000} })
	addr := r.out.first(t, brokerLineRE)[1]
	r.out.waitCount(t, readyRE, n)
	// Every agent saw its own index, as a number.
	seen := map[string]bool{}
	for _, s := range r.out.snapshot() {
		if m := readyRE.FindStringSubmatch(s); m != nil {
			if m[1] != m[2] || seen[m[1]] {
				t.Errorf("line %q: agent and configparams index differ, or repeat", s)
			}
			seen[m[1]] = true
		}
	}
	// Agent k gets k%3+1 messages on its own topic.
	pub := pahoPublisher(t, addr)
	want := 0
	for k := 0; k < n; k++ {
		for i := 0; i < k%3+1; i++ {
			tok := pub.Publish("in/"+DeviceID("t", k), 1, false, fmt.Sprintf("m%d", i))
			if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
				t.Fatalf("publish: %v", tok.Error())
			}
			want++
		}
	}
	r.out.waitCount(t, gotRE, want)
	r.stop(t)
	if r.err != nil {
		t.Fatalf("Run: %v", r.err)
	}
	tot := r.res.Totals
	if tot != (Totals{Agents: n, Started: n, Connected: n, Ended: n, Connects: n, In: int64(want), Out: 2 * n}) {
		t.Errorf("totals %+v", tot)
	}
	var rep reportFile
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Agents) != n || rep.Totals.In != int64(want) || rep.Totals.Out != 2*n || rep.Totals.Connected != n ||
		rep.Fleet.Agents != n || rep.Fleet.Shard != "0/1" || rep.Fleet.Reason != "interrupted" || rep.Process.Heap <= 0 || rep.Process.Goroutines <= 0 {
		t.Errorf("report: fleet %+v totals %+v process %+v, %d agents", rep.Fleet, rep.Totals, rep.Process, len(rep.Agents))
	}
	for k, a := range rep.Agents {
		if a.Index != k || a.DeviceID != DeviceID("t", k) || a.In != int64(k%3+1) || a.Out != 2 || a.Connects != 1 ||
			!a.ConnectedAtEnd || a.ConnectMS == nil || *a.ConnectMS <= 0 || a.Errors != 0 || a.End != "stopped" {
			t.Errorf("agent %d: %+v", k, a)
		}
	}
	// The ramp of 1,000/s started agent k about k ms after the fleet.
	if last := rep.Agents[n-1].StartedMS; last < float64(n-1)-0.5 || last > 5000 {
		t.Errorf("agent %d started at %.1f ms, want about %d ms", n-1, last, n-1)
	}
}

func TestFleetReportAsCSV(t *testing.T) {
	// Shards need a broker of their own: the test's.
	b, err := broker.Start(broker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	report := filepath.Join(t.TempDir(), "report.csv")
	r := startFleet(t, echoScript, "broker: tcp://"+b.Addr()+"\nconfigparams: {topic: \"in/{{index}}\", n: \"{{index}}\"}\n",
		func(o *Options) { o.Agents, o.Report, o.Shard = 5, report, Shard{1, 2} })
	r.out.waitCount(t, readyRE, 2)
	r.stop(t)
	if r.err != nil {
		t.Fatal(r.err)
	}
	f, err := os.Open(report)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || strings.Join(recs[0], ",") != "index,deviceid,started_ms,connect_ms,connects,connected_at_end,lost,messages_in,messages_out,refused,errors,end" {
		t.Fatalf("csv: %v", recs)
	}
	// Shard 1/2 of 5 runs agents 1 and 3.
	for i, k := range []int{1, 3} {
		row := recs[i+1]
		if row[0] != strconv.Itoa(k) || row[1] != DeviceID("t", k) || row[4] != "1" || row[5] != "true" || row[8] != "2" || row[11] != "stopped" {
			t.Errorf("row %d: %v", i+1, row)
		}
	}
}

func TestFleetLinesAreMarkedWithTheAgentIndexAndErrorsCounted(t *testing.T) {
	script := `
server.log("hello " + imp.configparams.deviceid);
if (imp.configparams.n % 2 == 1) server.error("odd one");
imp.wakeup(0.01, function () { server.log("woke"); });
`
	for _, json := range []bool{false, true} {
		t.Run(fmt.Sprintf("json=%v", json), func(t *testing.T) {
			cfg := "configparams: {n: \"{{index}}\"}\n"
			if json {
				cfg += "log_format: json\n"
			}
			r := startFleet(t, script, cfg, func(o *Options) { o.Agents, o.UntilIdle = 4, true })
			r.wait(t)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.res.Reason != "every agent has ended" || r.res.Totals.Errors != 2 || r.res.Totals.Ended != 4 {
				t.Errorf("result %+v", r.res)
			}
			out, errs := strings.Join(r.out.snapshot(), "\n"), strings.Join(r.errOut.snapshot(), "\n")
			for k := 0; k < 4; k++ {
				hello, odd := fmt.Sprintf("[Agent %d] hello %s", k, DeviceID("t", k)), fmt.Sprintf("[Agent %d] ERROR: odd one", k)
				if json {
					hello = fmt.Sprintf(`{"agent":%d,"level":"INFO","msg":"hello %s","source":"Agent"`, k, DeviceID("t", k))
					odd = fmt.Sprintf(`{"agent":%d,"level":"ERROR","msg":"odd one","source":"Agent"`, k)
				}
				if !strings.Contains(out, hello) || strings.Contains(errs, odd) != (k%2 == 1) {
					t.Errorf("agent %d: stdout:\n%s\nstderr:\n%s", k, out, errs)
				}
			}
		})
	}
}

func TestFleetQuietAndFileLogs(t *testing.T) {
	script := `server.log("hi"); server.error("bad");`
	r := startFleet(t, script, "", func(o *Options) { o.Agents, o.UntilIdle, o.QuietAgents = 3, true, true })
	r.wait(t)
	if r.err != nil || r.res.Totals.Errors != 3 {
		t.Fatalf("quiet: %v %+v", r.err, r.res.Totals)
	}
	for _, s := range append(r.out.snapshot(), r.errOut.snapshot()...) {
		if strings.Contains(s, "[Agent") {
			t.Errorf("quiet fleet printed %q", s)
		}
	}
	file := newLines()
	r = startFleet(t, script, "", func(o *Options) { o.Agents, o.UntilIdle, o.AgentLog = 3, true, file })
	r.wait(t)
	if got := file.count(regexp.MustCompile(`^\[Agent \d\] (hi|ERROR: bad)$`)); got != 6 || r.err != nil {
		t.Errorf("log file has %d agent lines (want 6): %v", got, file.snapshot())
	}
}

func TestFleetScriptErrorsFailTheirAgentsAndTheRun(t *testing.T) {
	script := `
if (imp.configparams.n == 2) throw new Error("agent two cannot start");
imp.wakeup(0, function () {});
`
	r := startFleet(t, script, "configparams: {n: \"{{index}}\"}\n", func(o *Options) { o.Agents, o.UntilIdle = 4, true })
	r.wait(t)
	if exitcode.Of(r.err) != exitcode.ScriptError || !strings.Contains(r.err.Error(), "1 of 4 agents stopped with a script error") {
		t.Fatalf("error %v (code %d)", r.err, exitcode.Of(r.err))
	}
	if r.res.Totals.Failed != 1 || r.res.Totals.Errors != 1 {
		t.Errorf("totals %+v", r.res.Totals)
	}
	if !strings.Contains(strings.Join(r.errOut.snapshot(), "\n"), "[Agent 2] ERROR: agent.js:2:36: Error: agent two cannot start") {
		t.Errorf("stderr: %v", r.errOut.snapshot())
	}

	r = startFleet(t, "let x = ;", "", func(o *Options) { o.Agents = 3 })
	r.wait(t)
	if exitcode.Of(r.err) != exitcode.ScriptError || !exitcode.IsShown(r.err) || r.res.Totals.Started != 0 {
		t.Errorf("syntax error: %v, %+v", r.err, r.res)
	}
	if errs := r.errOut.snapshot(); len(errs) == 0 || errs[0] != "[Agent] ERROR: agent.js:1:9: SyntaxError: Unexpected token ;" {
		t.Errorf("syntax error lines: %v", errs)
	}
}

func TestFleetRefusesOptionsItCannotHonour(t *testing.T) {
	for _, c := range []struct {
		name, cfg string
		mutate    func(*Options)
		want      string
	}{
		{"shards on the embedded broker", "", func(o *Options) { o.Agents, o.Shard = 4, Shard{0, 2} },
			"--shard 0/2: the shards of a fleet run in separate processes and cannot share an embedded broker"},
		{"empty shard", "broker: tcp://127.0.0.1:1\n", func(o *Options) { o.Agents, o.Shard = 2, Shard{3, 4} },
			"shard 3/4 of a fleet of 2 agents has no agents"},
		{"fixed agent URL port", "http: {listen: 127.0.0.1:8080}\n", func(o *Options) { o.Agents = 2 },
			"http.listen 127.0.0.1:8080 (from "},
		{"too few agents", "", func(o *Options) { o.Agents = 0 }, "--agents must be from 1 to"},
		{"duplicate device ids", "configparams: {deviceid: same}\n", func(o *Options) { o.Agents = 2 },
			`agents 0 and 1 would both have device id "same"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := startFleet(t, "", c.cfg, c.mutate)
			r.wait(t)
			if exitcode.Of(r.err) != exitcode.Usage || !strings.Contains(r.err.Error(), c.want) {
				t.Errorf("error %v (code %d), want code 2 and %q", r.err, exitcode.Of(r.err), c.want)
			}
		})
	}
}

func TestFleetForStopsTheFleetAndAgentsStartLate(t *testing.T) {
	// 10 agents at 20/s would take 450 ms to start; --for 200ms stops the
	// ramp after agents 0-3 (due at 0, 50, 100, 150 ms).
	start := time.Now()
	r := startFleet(t, `imp.wakeup(3600, function () {});`, "", func(o *Options) {
		o.Agents, o.Ramp, o.For = 10, Ramp{20}, 200*time.Millisecond
	})
	r.wait(t)
	took := time.Since(start)
	if r.err != nil || r.res.Reason != "--for 200ms elapsed" || r.res.Totals.Started != 4 || r.res.Totals.Ended != 4 {
		t.Errorf("result %+v, %v", r.res, r.err)
	}
	if took < 200*time.Millisecond || took > 10*time.Second {
		t.Errorf("--for 200ms took %v", took)
	}
}

func TestFleetDefaultMemoryBudgetGrowsWithTheAgents(t *testing.T) {
	// The watchdog can only see the process's heap: a fleet's default
	// budget is limits.memory's default plus MemoryPerAgent per agent, so
	// ordinary agents are not stopped by their neighbours' memory, and an
	// explicit limit is kept as it is.
	script := filepath.Join(t.TempDir(), "a.js")
	if err := os.WriteFile(script, []byte(";"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := newFleet(Options{Agents: 100, Config: configparams.Default(), Name: "x", Script: script})
	if err := f.prepare(); err != nil {
		t.Fatal(err)
	}
	if got, want := f.cfg.Limits.Memory, configparams.Default().Limits.Memory+100*MemoryPerAgent; got != want {
		t.Errorf("default budget %d, want %d", got, want)
	}
	cfg := configparams.Default()
	if err := cfg.Set("limits.memory", "64MiB", "flag"); err != nil {
		t.Fatal(err)
	}
	f = newFleet(Options{Agents: 100, Config: cfg, Name: "x", Script: script})
	if err := f.prepare(); err != nil {
		t.Fatal(err)
	}
	if f.cfg.Limits.Memory != 64<<20 {
		t.Errorf("explicit budget became %d", f.cfg.Limits.Memory)
	}
}

// partialText is what was written after the last newline.
func (l *lines) partialText() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.partial
}
