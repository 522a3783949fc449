package tests

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// reportFile is the part of a --report JSON file the tests read.
type reportFile struct {
	Clock   string `json:"clock"`
	Summary []struct {
		Limiter string `json:"limiter"`
		Allowed int    `json:"allowed"`
		Queued  int    `json:"queued"`
		Refused int    `json:"refused"`
	} `json:"summary"`
	Decisions []struct {
		T       float64 `json:"t"`
		Limiter string  `json:"limiter"`
		Outcome string  `json:"outcome"`
		Detail  string  `json:"detail"`
	} `json:"decisions"`
}

func readReport(t *testing.T, path string) reportFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r reportFile
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

// TestVirtualDayOfPeriodicPublisher: 24 virtual hours of the periodic
// example publish and log 8,640 times, and the report says so. (Its wall
// time is measured by BenchmarkVirtualDay, not asserted here.)
func TestVirtualDayOfPeriodicPublisher(t *testing.T) {
	dir := t.TempDir()
	r := runBin(t, dir, "run", example("periodic/periodic.js"), "--clock", "virtual", "--for", "24h", "--report", "day.json")
	if r.code != 0 {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	sent := 0
	for _, l := range r.agent() {
		if strings.HasPrefix(l, "sent ") && strings.HasSuffix(l, " result 0") {
			sent++
		}
	}
	if sent != 8640 {
		t.Fatalf("%d sends logged, want 8640", sent)
	}
	rep := readReport(t, filepath.Join(dir, "day.json"))
	publishes, last := 0, 0.0
	for _, d := range rep.Decisions {
		if d.Limiter == "mqtt_outbound" && strings.HasPrefix(d.Detail, "publish readings/") && d.Outcome == "allowed" {
			publishes++
			last = d.T
		}
	}
	if rep.Clock != "virtual" || publishes != 8640 || last != 86400 {
		t.Fatalf("clock %s, %d publishes, last at %vs", rep.Clock, publishes, last)
	}
	if !strings.Contains(r.rawOut, "Rate limits (virtual clock, 24h0m0s):") {
		t.Fatalf("no summary table in %q", r.rawOut[max(0, len(r.rawOut)-600):])
	}
}

// TestExampleOutboundBurst checks the example's numbers, the summary
// table and the SVG: its outbound panel marks the first refusal where the
// table puts it.
func TestExampleOutboundBurst(t *testing.T) {
	dir := t.TempDir()
	r := runBin(t, dir, "run", example("ratelimit/outbound_burst/outbound_burst.js"), "--clock", "virtual", "--until-idle",
		"--report", "burst.csv", "--report-svg", "burst.svg")
	if r.code != 0 || !slices.Equal(r.agent(), []string{"after 10 s: 199 sent (0), 51 refused (-12)"}) {
		t.Fatalf("exit %d agent %q stderr %q", r.code, r.agent(), r.stderr)
	}
	row := regexp.MustCompile(`(?m)^mqtt_outbound\s+100\s+100\s+51\s+100\s+\+0\.000s$`)
	if !row.MatchString(r.rawOut) {
		t.Fatalf("summary table row missing:\n%s", r.rawOut)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "burst.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(csv), ",mqtt_outbound,refused,"); n != 51 {
		t.Fatalf("CSV has %d refusals, want 51", n)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "burst.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(svg, new(struct{})); err != nil {
		t.Fatalf("SVG is not well-formed: %v", err)
	}
	for _, want := range []string{`id="panel-mqtt_outbound"`, "first refusal +0.000s", "refused 51"} {
		if !strings.Contains(string(svg), want) {
			t.Fatalf("SVG lacks %q", want)
		}
	}
}

func TestExampleInboundFlood(t *testing.T) {
	r := runBin(t, "", "run", example("ratelimit/inbound_flood/inbound_flood.js"), "--clock", "virtual", "--until-idle")
	if r.code != 0 || !slices.Equal(r.agentErrors(), []string{"connection lost (-2) after 1000 messages"}) {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestExampleLogStorm(t *testing.T) {
	r := runBin(t, "", "run", example("ratelimit/log_storm/log_storm.js"), "--clock", "virtual", "--until-idle")
	agent := r.agent()
	if r.code != 0 || len(agent) != 6001 || agent[5999] != "storm line 6000" || agent[6000] != "a minute later, the storm has passed" {
		t.Fatalf("exit %d, %d agent lines", r.code, len(agent))
	}
	if !slices.Contains(r.status(), "WARNING: 1000 log line(s) dropped: more than 100/min (burst 6000)") {
		t.Fatalf("no drop notice in %q", r.status())
	}
}

func TestExampleBackoff(t *testing.T) {
	r := runBin(t, "", "run", example("ratelimit/backoff/backoff.js"), "--clock", "virtual", "--until-idle")
	if r.code != 0 || !slices.Equal(r.agent(), []string{"300 readings delivered in 20.1 s, 101 refusals along the way"}) {
		t.Fatalf("exit %d agent %q stderr %q", r.code, r.agent(), r.stderr)
	}
}

func TestLimitsCommand(t *testing.T) {
	dir := t.TempDir()
	r := runBin(t, dir, "limits")
	if r.code != 0 || !regexp.MustCompile(`(?m)^mqtt_outbound\s+rate 10/s\s+burst 100\s+buffer 100\s+default$`).MatchString(r.rawOut) {
		t.Fatalf("defaults: exit %d\n%s", r.code, r.rawOut)
	}
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "limits:\n  log: {rate: 5/s, burst: 10}\n  mqtt_inbound: off\n")
	r = runBin(t, dir, "limits")
	if r.code != 0 || !regexp.MustCompile(`(?m)^log\s+rate 5/s\s+burst 10\s+agenthost.yaml:2$`).MatchString(r.rawOut) ||
		!regexp.MustCompile(`(?m)^mqtt_inbound\s+off\s+agenthost.yaml:3$`).MatchString(r.rawOut) {
		t.Fatalf("from file: exit %d\n%s", r.code, r.rawOut)
	}
	writeFile(t, filepath.Join(dir, "bad.yaml"), "limits:\n  log: {rate: 100/day}\n")
	r = runBin(t, dir, "limits", "--config", "bad.yaml")
	if r.code != 2 || !strings.Contains(strings.Join(r.stderr, "\n"), `bad.yaml:2:15: limits.log.rate: "100/day" is not a rate`) {
		t.Fatalf("bad rate: exit %d stderr %q", r.code, r.stderr)
	}
}

// TestLimitsMemoryAcceptsWhatItsErrorPromises: through the binary,
// limits.memory takes every size its error text names ("16MiB to 64GiB"),
// GiB included, and refuses just past either end with that text.
func TestLimitsMemoryAcceptsWhatItsErrorPromises(t *testing.T) {
	dir := t.TempDir()
	for v, shown := range map[string]string{"16MiB": "16 MiB (16777216 bytes)", "2GiB": "2048 MiB (2147483648 bytes)",
		"64GiB": "65536 MiB (68719476736 bytes)"} {
		writeFile(t, filepath.Join(dir, "agenthost.yaml"), "limits:\n  memory: "+v+"\n")
		r := runBin(t, dir, "limits")
		if r.code != 0 || !regexp.MustCompile(`(?m)^memory\s+`+regexp.QuoteMeta(shown)+`\s+agenthost.yaml:2$`).MatchString(r.rawOut) {
			t.Errorf("memory: %s: exit %d, want 0 and %q\n%s%q", v, r.code, shown, r.rawOut, r.stderr)
		}
	}
	for _, v := range []string{"15MiB", "65GiB"} {
		writeFile(t, filepath.Join(dir, "agenthost.yaml"), "limits:\n  memory: "+v+"\n")
		r := runBin(t, dir, "limits")
		want := `agenthost.yaml:2:11: limits.memory: "` + v + `" is not a size from 16MiB to 64GiB (e.g. 256MiB) or off`
		if r.code != 2 || !strings.Contains(strings.Join(r.stderr, "\n"), want) {
			t.Errorf("memory: %s: exit %d stderr %q, want 2 and %q", v, r.code, r.stderr, want)
		}
	}
}

func TestBadClockFlag(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.js"), "server.log(1);")
	r := runBin(t, dir, "run", "a.js", "--clock", "fast")
	if r.code != 2 || !strings.Contains(strings.Join(r.stderr, "\n"), `--clock must be real or virtual, got "fast"`) {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
}

// TestUnwritableReport: a report path that cannot be written is found
// before the agent starts (exit 2, naming the flag and path, no file left
// behind); one that fails when written at the end (a full disk) is exit 3,
// after the agent ran.
func TestUnwritableReport(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.js"), `server.log("ran");`)
	r := runBin(t, dir, "run", "a.js", "--until-idle", "--report", "no/such/dir/r.json")
	if r.code != 2 || len(r.stdout) != 0 || !slices.Equal(r.stderr, []string{"agenthost run: --report: open no/such/dir/r.json: no such file or directory",
		"Try: create the directory, or give --report a writable path"}) {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, dir, "run", "missing.js", "--report-svg", "chart.svg")
	if _, err := os.Stat(filepath.Join(dir, "chart.svg")); r.code != 2 || err == nil {
		t.Fatalf("exit %d, chart.svg left behind: %v", r.code, err == nil)
	}
	r = runBin(t, dir, "run", "a.js", "--until-idle", "--report", "/dev/full")
	if r.code != 3 || !slices.Equal(r.agent(), []string{"ran"}) || !strings.Contains(strings.Join(r.stderr, "\n"), "report: write /dev/full: no space left on device") {
		t.Fatalf("exit %d agent %q stderr %q", r.code, r.agent(), r.stderr)
	}
}
