// Package agenttest runs agent scripts in-process for tests, through the
// same host.Run the CLI uses, with a real embedded broker, and returns what
// the agent printed.
package agenttest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/host"
	"github.com/agenthost/agenthost/scriptvm"
)

// Output is what a run printed, with timestamps removed: each line is
// "[Agent] text", "[Agent] ERROR: text", "[Status] text", ...
type Output struct {
	Stdout []string
	Stderr []string
	Err    error
	Result host.Result
	// Summary is the rate-limit summary table printed at exit, if any.
	Summary string
}

// Options tune Run.
type Options struct {
	Config    string        // YAML config text; "" for defaults
	For       time.Duration // 0 with UntilIdle false means 10 s
	UntilIdle bool
	Timeout   time.Duration // context timeout; default 20 s
	// OnLine, when set, sees each stdout line (timestamp removed) as it is
	// written, on the writing goroutine: tests use it to act at a moment
	// of the run, e.g. stop a broker once the agent says it is connected.
	OnLine func(line string)
	// Virtual runs on a virtual clock starting at VirtualStart (default
	// 2026-01-01T00:00:00Z).
	Virtual      bool
	VirtualStart time.Time
	// Report and ReportSVG are passed to host.Options.
	Report, ReportSVG string
	// ConnectTimeout is passed to host.Options (0: the host's 10 s).
	ConnectTimeout time.Duration
	// Broker overrides the config's broker (e.g. a URL of a broker the
	// test controls).
	Broker string
	// Device, when set, is a device script run beside the agent
	// (written as device.js beside agent.js).
	Device string
}

// lineWriter buffers output and passes each complete line to onLine.
type lineWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	partial []byte
	onLine  func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.onLine == nil {
		return len(p), nil
	}
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		line := string(w.partial[:i])
		w.partial = w.partial[i+1:]
		if ls := StripTimes(line); len(ls) == 1 {
			w.onLine(ls[0])
		}
	}
	return len(p), nil
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// Run writes script to a temp dir as agent.js (and the config as
// agenthost.yaml beside it, if any) and runs it.
func Run(t testing.TB, script string, opts Options) Output {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "agent.js")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	devicePath := ""
	if opts.Device != "" {
		devicePath = filepath.Join(dir, "device.js")
		if err := os.WriteFile(devicePath, []byte(opts.Device), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := configparams.Default()
	if opts.Config != "" {
		cpath := filepath.Join(dir, "agenthost.yaml")
		if err := os.WriteFile(cpath, []byte(opts.Config), 0o644); err != nil {
			t.Fatal(err)
		}
		var err error
		if cfg, err = configparams.Load(cpath); err != nil {
			t.Fatalf("config: %v", err)
		}
	}
	if cfg.Sources["state_dir"] == "default" {
		cfg.StateDir = filepath.Join(dir, ".agenthost")
	}
	if opts.Broker != "" {
		cfg.Broker = opts.Broker
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	if opts.For == 0 && !opts.UntilIdle {
		opts.For = 10 * time.Second
	}
	if opts.Timeout == 0 {
		opts.Timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	out := &lineWriter{onLine: opts.OnLine}
	var errOut lineWriter
	var clock scriptvm.Clock
	if opts.Virtual {
		if opts.VirtualStart.IsZero() {
			opts.VirtualStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		clock = scriptvm.NewVirtualClock(opts.VirtualStart)
	}
	var summary bytes.Buffer
	res, err := host.Run(ctx, host.Options{Script: path, Device: devicePath, Config: cfg, For: opts.For, UntilIdle: opts.UntilIdle,
		Stdout: out, Stderr: &errOut, Clock: clock, ConnectTimeout: opts.ConnectTimeout, Report: opts.Report, ReportSVG: opts.ReportSVG, Summary: &summary})
	if ctx.Err() != nil {
		t.Fatalf("run did not finish within %s; stdout:\n%s\nstderr:\n%s", opts.Timeout, out.String(), errOut.String())
	}
	return Output{Stdout: StripTimes(out.String()), Stderr: StripTimes(errOut.String()), Err: err, Result: res,
		Summary: summary.String()}
}

// StripTimes splits log text into lines and drops the leading timestamp
// ("2026-11-23 18:14:00.123 +00:00 ") of each.
func StripTimes(s string) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if l == "" {
			continue
		}
		if len(l) > 31 && l[4] == '-' && l[30] == ' ' {
			l = l[31:]
		}
		lines = append(lines, l)
	}
	return lines
}

// Agent returns the "[Agent] " lines of stdout without that prefix.
func (o Output) Agent() []string { return withPrefix(o.Stdout, "[Agent] ") }

// AgentErrors returns the "[Agent] ERROR: " lines of stderr without that prefix.
func (o Output) AgentErrors() []string { return withPrefix(o.Stderr, "[Agent] ERROR: ") }

// Device returns the "[Device] " lines of stdout without that prefix.
func (o Output) Device() []string { return withPrefix(o.Stdout, "[Device] ") }

// Status returns the "[Status] " lines of stdout without that prefix.
func (o Output) Status() []string { return withPrefix(o.Stdout, "[Status] ") }

func withPrefix(lines []string, p string) []string {
	var out []string
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, p); ok {
			out = append(out, rest)
		}
	}
	return out
}

// MustRun is Run for a script that must run to its end without a host
// error: UntilIdle unless opts says otherwise, and a failed run fails the
// test with what the agent printed.
func MustRun(t testing.TB, script string, opts Options) Output {
	t.Helper()
	if !opts.UntilIdle && opts.For == 0 {
		opts.UntilIdle = true
	}
	out := Run(t, script, opts)
	if out.Err != nil {
		t.Fatalf("run failed: %v\nstdout: %q\nstderr: %q", out.Err, out.Stdout, out.Stderr)
	}
	return out
}

// WantAgent fails the test unless the agent's log lines are exactly want.
func WantAgent(t testing.TB, out Output, want ...string) {
	t.Helper()
	if got := out.Agent(); !slices.Equal(got, want) {
		t.Fatalf("agent lines:\n got %q\nwant %q\nstderr: %q", got, want, out.Stderr)
	}
}

// Connected wraps body in a script that connects to the embedded broker and
// runs body inside onconnect(0) with `c` the client; body must end by
// calling finish() (which disconnects) so the run ends when idle.
func Connected(body string) string {
	return `
const c = mqtt.createclient();
function finish() { c.disconnect(function () { server.log("bye"); }); }
c.onconnect(function (rc) {
	if (rc != 0) { server.error("connect " + rc); return; }
	` + body + `
});
c.connect("tcp://test.mosquitto.org", "t-" + imp.configparams.deviceid);
`
}
