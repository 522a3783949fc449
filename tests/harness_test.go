// Package tests holds end-to-end tests: they build the agenthost binary and
// run it as a user would, against the embedded broker and a real mosquitto.
package tests

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// bin is the agenthost binary built once for the package.
var bin string

// repo is the repository root (examples live there).
var repo string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "agenthost-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	wd, _ := os.Getwd()
	repo = filepath.Dir(wd)
	bin = filepath.Join(dir, "agenthost")
	build := exec.Command("go", "build", "-o", bin, "./cmd/agenthost")
	build.Dir = repo
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building agenthost:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// waitLimit bounds every wait for an event; reaching it fails the test.
const waitLimit = 20 * time.Second

// result is a finished run of the binary.
type result struct {
	stdout, stderr []string // lines without timestamps
	rawOut         string
	code           int
}

func (r result) agent() []string       { return prefixed(r.stdout, "[Agent] ") }
func (r result) agentErrors() []string { return prefixed(r.stderr, "[Agent] ERROR: ") }
func (r result) status() []string      { return prefixed(r.stdout, "[Status] ") }

func prefixed(lines []string, p string) []string {
	var out []string
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, p); ok {
			out = append(out, rest)
		}
	}
	return out
}

// runBin runs the binary to completion in dir (a temp dir when "") and
// returns its output and exit code.
func runBin(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return runBinFull(t, waitLimit, dir, nil, args...)
}

// runBinEnv is runBin with env ("NAME=value" entries) added to the
// environment.
func runBinEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return runBinFull(t, waitLimit, dir, env, args...)
}

// runBinWithin is runBin for a run that may take up to limit.
func runBinWithin(t *testing.T, limit time.Duration, dir string, args ...string) result {
	t.Helper()
	return runBinFull(t, limit, dir, nil, args...)
}

// runBinFull runs the binary in dir (a temp dir when "") with env added,
// for at most limit.
func runBinFull(t *testing.T, limit time.Duration, dir string, env []string, args ...string) result {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("agenthost %v did not finish in %s\nstdout:\n%s\nstderr:\n%s", args, limit, out.String(), errOut.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{stdout: agenttest.StripTimes(out.String()), stderr: agenttest.StripTimes(errOut.String()),
		rawOut: out.String(), code: code}
}

// cleanEnv is the environment without AGENTHOST_* variables of the caller.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AGENTHOST_") {
			env = append(env, kv)
		}
	}
	return env
}

// proc is a running agenthost whose stdout lines can be awaited.
type proc struct {
	t     *testing.T
	cmd   *exec.Cmd
	lines chan string
	mu    sync.Mutex
	seen  []string
	errb  bytes.Buffer
	done  chan struct{}
	code  int
}

// startBin starts the binary in dir and streams its stdout lines.
func startBin(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	return startProgram(t, dir, bin, args...)
}

// startProgram starts the program at path in dir (a temp dir when "") and
// streams its stdout and stderr lines.
func startProgram(t *testing.T, dir, path string, args ...string) *proc {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	p := &proc{t: t, cmd: cmd, lines: make(chan string, 10000), done: make(chan struct{})}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Both streams feed p.lines (stderr lines carry their "ERROR:" marks),
	// so a test can await an error line as it awaits any other.
	var readers sync.WaitGroup
	scan := func(r io.Reader, keep func(string)) {
		defer readers.Done()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			l := agenttest.StripTimes(sc.Text())
			if len(l) == 1 {
				keep(l[0])
				p.lines <- l[0]
			}
		}
	}
	readers.Add(2)
	go scan(out, func(l string) { p.mu.Lock(); p.seen = append(p.seen, l); p.mu.Unlock() })
	go scan(errPipe, func(l string) { p.mu.Lock(); p.errb.WriteString(l + "\n"); p.mu.Unlock() })
	go func() {
		readers.Wait()
		close(p.lines)
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.code = ee.ExitCode()
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitLine waits for a stdout or stderr line that satisfies match and returns it.
func (p *proc) waitLine(match func(string) bool, what string) string {
	p.t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("agenthost exited before printing %s; stdout %q stderr %q", what, p.output(), p.stderr())
			}
			if match(l) {
				return l
			}
		case <-timeout:
			p.t.Fatalf("no %s within %s; stdout %q stderr %q", what, waitLimit, p.output(), p.stderr())
		}
	}
}

func (p *proc) waitExact(line string) {
	p.t.Helper()
	p.waitLine(func(l string) bool { return l == line }, fmt.Sprintf("%q", line))
}

func (p *proc) output() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

func (p *proc) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errb.String()
}

// wait waits for the process to exit and returns its exit code.
func (p *proc) wait() int {
	p.t.Helper()
	for range p.lines {
	}
	select {
	case <-p.done:
	case <-time.After(waitLimit):
		p.t.Fatalf("agenthost did not exit within %s", waitLimit)
	}
	return p.code
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
