package main

// In-process test harness: each test runs commands through Run with its own
// State (directory, environment, output, signals and exit), so commands run
// in parallel without touching the test process's working directory,
// environment or signal handlers.

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind: a command's
// signal watcher, broker and loop all end before Run returns.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// waitLimit bounds every wait for an event; reaching it fails the test.
const waitLimit = 20 * time.Second

// output is a writer safe for concurrent use whose lines can be awaited.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed and replaced on every write
}

func newOutput() *output { return &output{written: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.written)
	o.written = make(chan struct{})
	return len(p), nil
}

// String is everything written so far.
func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// lines are the complete lines written so far, log timestamps removed.
func (o *output) lines() []string {
	s := o.String()
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return agenttest.StripTimes(s[:i+1])
	}
	return nil
}

// await waits for a line that satisfies match and returns it.
func (o *output) await(t *testing.T, what string, match func(string) bool) string {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		o.mu.Lock()
		ch := o.written
		o.mu.Unlock()
		for _, l := range o.lines() {
			if match(l) {
				return l
			}
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no %s within %s; output so far:\n%s", what, waitLimit, o.String())
		}
	}
}

// awaitLine waits for the exact line l.
func (o *output) awaitLine(t *testing.T, l string) {
	t.Helper()
	o.await(t, fmt.Sprintf("line %q", l), func(s string) bool { return s == l })
}

// fakeSignals stands in for signal.Notify and signal.Stop: send delivers a
// signal to the channels currently registered, without blocking, as the
// os/signal package does.
type fakeSignals struct {
	mu       sync.Mutex
	chans    []chan<- os.Signal
	once     sync.Once
	notified chan struct{} // closed by the first notify
}

func newFakeSignals() *fakeSignals { return &fakeSignals{notified: make(chan struct{})} }

func (f *fakeSignals) notify(c chan<- os.Signal, _ ...os.Signal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chans = append(f.chans, c)
	f.once.Do(func() { close(f.notified) })
}

func (f *fakeSignals) stop(c chan<- os.Signal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, ch := range f.chans {
		if ch == c {
			f.chans = append(f.chans[:i], f.chans[i+1:]...)
			return
		}
	}
}

// send delivers sig and returns how many channels were registered.
func (f *fakeSignals) send(sig os.Signal) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.chans {
		select {
		case c <- sig:
		default:
		}
	}
	return len(f.chans)
}

func (f *fakeSignals) registered() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.chans)
}

// cli is one in-process agenthost: a State with a temp working directory,
// its own environment, output, signals and exit.
type cli struct {
	t       *testing.T
	dir     string
	env     map[string]string
	stdout  *output
	stderr  *output
	signals *fakeSignals
	exits   chan int   // codes passed to State.Exit
	limits  chan int64 // values passed to State.SetMemoryLimit
}

// newCLI returns an in-process agenthost working in a new temp directory
// with an empty environment.
func newCLI(t *testing.T) *cli {
	return &cli{t: t, dir: t.TempDir(), env: map[string]string{}, stdout: newOutput(), stderr: newOutput(),
		signals: newFakeSignals(), exits: make(chan int, 10), limits: make(chan int64, 10)}
}

func (c *cli) state(args []string) *State {
	return &State{
		Args:           args,
		Stdout:         c.stdout,
		Stderr:         c.stderr,
		Getenv:         func(k string) string { return c.env[k] },
		Dir:            c.dir,
		Notify:         c.signals.notify,
		StopNotify:     c.signals.stop,
		Exit:           func(code int) { c.exits <- code },
		SetMemoryLimit: func(n int64) { c.limits <- n },
	}
}

// run runs agenthost with args to completion and returns its exit code.
func (c *cli) run(args ...string) int {
	c.t.Helper()
	return c.start(args...).wait()
}

// running is a command started by start.
type running struct {
	t    *testing.T
	args []string
	done chan int
}

// start runs agenthost with args in a goroutine.
func (c *cli) start(args ...string) *running {
	r := &running{t: c.t, args: args, done: make(chan int, 1)}
	st := c.state(args)
	go func() { r.done <- Run(st) }()
	return r
}

// wait returns the exit code Run returned.
func (r *running) wait() int {
	r.t.Helper()
	select {
	case code := <-r.done:
		return code
	case <-time.After(waitLimit):
		r.t.Fatalf("agenthost %v did not finish within %s", r.args, waitLimit)
		return -1
	}
}

// write creates the file name (relative to the working directory) with text.
func (c *cli) write(name, text string) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// path is name in the working directory.
func (c *cli) path(name string) string { return filepath.Join(c.dir, name) }

// exitCalls returns the codes State.Exit was called with so far.
func (c *cli) exitCalls() []int {
	var codes []int
	for {
		select {
		case code := <-c.exits:
			codes = append(codes, code)
		default:
			return codes
		}
	}
}

// anything, given to expect for a stream, accepts any output on it.
var anything = []string{}

// expect checks the exit code, that stdout and stderr contain each of the
// given texts, and that a stream given nil stayed empty.
func (c *cli) expect(code, want int, stdout, stderr []string) {
	c.t.Helper()
	check := func(name string, o *output, texts []string) {
		got := o.String()
		if texts == nil && got != "" {
			c.t.Errorf("%s should be empty, got:\n%s", name, got)
		}
		for _, s := range texts {
			if !strings.Contains(got, s) {
				c.t.Errorf("%s lacks %q; got:\n%s", name, s, got)
			}
		}
	}
	if code != want {
		c.t.Errorf("exit code %d, want %d", code, want)
	}
	check("stdout", c.stdout, stdout)
	check("stderr", c.stderr, stderr)
	if calls := c.exitCalls(); len(calls) != 0 {
		c.t.Errorf("State.Exit called with %v", calls)
	}
}

// busyAddr returns an address a listener of the test holds until it ends.
func busyAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// count is the number of times s occurs in text.
func count(text, s string) int { return strings.Count(text, s) }
