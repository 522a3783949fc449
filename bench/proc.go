package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a child process whose stdout and stderr are read line by line,
// each line with the time the harness read it.
// Every child runs in its own process group, so that stop and killAll reach
// anything it started.
type proc struct {
	name  string
	cmd   *exec.Cmd
	start time.Time // just before the process was started

	mu     sync.Mutex
	lines  []procLine // stdout, in order
	next   int        // first line not yet consumed by waitFor
	open   int        // output pipes not yet at EOF
	notify chan struct{}

	done    chan struct{} // closed once the process has been waited for
	waitErr error

	// stderrOK: stderr lines are not failures and may match in waitFor
	// (mosquitto logs there). Otherwise every stderr line fails waitFor,
	// except Node.js's own "(node:PID) ...Warning" notices.
	stderrOK bool
}

type procLine struct {
	msg    string    // the line, without an agenthost "... [Agent] " prefix
	at     time.Time // when the harness read it
	stderr bool      // from stderr rather than stdout
}

// running holds every started child until it has exited, for killAll.
var running = struct {
	sync.Mutex
	m map[*proc]bool
}{m: map[*proc]bool{}}

// startProc starts argv in dir.
func startProc(name, dir string, argv ...string) (*proc, error) {
	p := &proc{name: name, open: 2, notify: make(chan struct{}, 1), done: make(chan struct{})}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	er, ew, err := os.Pipe()
	if err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout = w
	cmd.Stderr = ew
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p.cmd = cmd
	running.Lock()
	p.start = time.Now()
	err = cmd.Start()
	if err == nil {
		running.m[p] = true
	}
	running.Unlock()
	w.Close()
	ew.Close()
	if err != nil {
		r.Close()
		er.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	go p.read(r, false)
	go p.read(er, true)
	go func() {
		p.waitErr = cmd.Wait()
		running.Lock()
		delete(running.m, p)
		running.Unlock()
		close(p.done)
		p.wake()
	}()
	return p, nil
}

func (p *proc) wake() {
	select {
	case p.notify <- struct{}{}:
	default:
	}
}

func (p *proc) read(r io.ReadCloser, stderr bool) {
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		at := time.Now()
		msg := sc.Text()
		if i := strings.Index(msg, "[Agent] "); i >= 0 {
			msg = msg[i+len("[Agent] "):]
		}
		p.mu.Lock()
		p.lines = append(p.lines, procLine{msg: msg, at: at, stderr: stderr})
		p.mu.Unlock()
		p.wake()
	}
	p.mu.Lock()
	p.open--
	p.mu.Unlock()
	p.wake()
}

// errTimeout is wrapped by waitFor's error when the deadline passed.
var errTimeout = errors.New("timed out")

// waitFor consumes output lines until a stdout line satisfies match and
// returns it. It fails when the deadline passes, the process exits first,
// or a line on stderr appears or a stdout line satisfies fail (failures the
// child reported).
func (p *proc) waitFor(what string, match, fail func(string) bool, deadline time.Time) (procLine, error) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		p.mu.Lock()
		for p.next < len(p.lines) {
			l := p.lines[p.next]
			p.next++
			if (!l.stderr || p.stderrOK) && match(l.msg) {
				p.mu.Unlock()
				return l, nil
			}
			if l.stderr && !p.stderrOK && !nodeWarning(l.msg) || !l.stderr && fail != nil && fail(l.msg) {
				p.mu.Unlock()
				return l, fmt.Errorf("%s reported %q while waiting for %s", p.name, l.msg, what)
			}
		}
		eof := p.open == 0
		p.mu.Unlock()
		if eof {
			select {
			case <-p.done:
			case <-time.After(2 * time.Second):
			}
			return procLine{}, fmt.Errorf("%s exited (%v) before %s%s", p.name, p.exitStatus(), what, p.stderrNote())
		}
		select {
		case <-p.notify:
		case <-timer.C:
			return procLine{}, fmt.Errorf("%s: %w after %s waiting for %s%s", p.name, errTimeout,
				time.Since(p.start).Round(time.Millisecond), what, p.stderrNote())
		}
	}
}

// nodeWarning recognises Node.js's process warnings, e.g. MQTT.js's
// "(node:123) MaxListenersExceededWarning: ..." under backpressure.
func nodeWarning(s string) bool {
	return strings.HasPrefix(s, "(node:") || strings.HasPrefix(s, "(Use `node --trace-warnings")
}

// lastLine returns the last stdout line starting with prefix, or "".
func (p *proc) lastLine(prefix string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.lines) - 1; i >= 0; i-- {
		if !p.lines[i].stderr && strings.HasPrefix(p.lines[i].msg, prefix) {
			return p.lines[i].msg
		}
	}
	return ""
}

func (p *proc) exitStatus() any {
	select {
	case <-p.done:
		if p.waitErr == nil {
			return "exit status 0"
		}
		return p.waitErr
	default:
		return "still running"
	}
}

func (p *proc) stderrNote() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var lines []string
	for _, l := range p.lines {
		if l.stderr {
			lines = append(lines, l.msg)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	if len(lines) > 4 {
		lines = lines[len(lines)-4:]
	}
	return "; stderr: " + strings.Join(lines, " | ")
}

// wait waits up to d for the process to exit on its own.
func (p *proc) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// stop ends the process: SIGTERM to its group (agenthost and the Node.js
// scripts then disconnect cleanly), SIGKILL after 5 s.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	if p.wait(5 * time.Second) {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	p.wait(5 * time.Second)
}

// killAll kills every child still running (Ctrl-C, fatal errors).
func killAll() {
	running.Lock()
	defer running.Unlock()
	for p := range running.m {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// vmRSS reads a process's resident set size in bytes from /proc.
func vmRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, fmt.Errorf("VmRSS %q: %v", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// cpuTime returns the CPU time process pid has used so far, user and
// system, all threads: the sum of the on-CPU times of its threads
// (/proc/PID/task/TID/schedstat, in ns), which is the quantity the kernel
// reports as utime+stime in /proc/PID/stat, where it is rounded to clock
// ticks (10 ms); and that utime+stime, which also counts threads that
// have exited.
func cpuTime(pid int) (precise, ticks time.Duration, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// The command name (field 2) may hold spaces: fields count from the
	// last ')'.
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64) // utime, field 14
	st, err2 := strconv.ParseInt(f[12], 10, 64) // stime, field 15
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("/proc/%d/stat: bad utime/stime %q %q", pid, f[11], f[12])
	}
	ticks = time.Duration(ut+st) * time.Second / clockTicks
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, t := range tasks {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue // the thread has exited: ticks still counts it
		}
		var ns int64
		if _, err := fmt.Sscan(string(data), &ns); err != nil {
			return 0, 0, fmt.Errorf("/proc/%d/task/%s/schedstat: %v", pid, t.Name(), err)
		}
		precise += time.Duration(ns)
	}
	return precise, ticks, nil
}

// clockTicks is USER_HZ, the unit of utime and stime: 100 on Linux.
const clockTicks = 100

// cpuMark is a process's CPU time at one moment.
type cpuMark struct{ precise, ticks time.Duration }

func markCPU(pid int) (cpuMark, error) {
	p, t, err := cpuTime(pid)
	return cpuMark{p, t}, err
}

// cpuSince returns the CPU time used between m0 and m1: the precise sum
// of the threads' times, unless utime+stime grew by more than that plus
// two ticks (a thread that used CPU time has exited in between).
func cpuSince(m0, m1 cpuMark) time.Duration {
	precise, ticks := m1.precise-m0.precise, m1.ticks-m0.ticks
	if ticks > precise+2*time.Second/clockTicks {
		return ticks
	}
	return precise
}
