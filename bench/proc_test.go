package main

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// TestCPUTimeCountsThisProcessesWork spins until the kernel's own account
// of the process (getrusage) has grown by 200 ms, and checks that the
// harness's measure, taken inside that span, agrees with it: at least the
// 200 ms spun (less a little: the marks are taken just inside the span),
// and no more than getrusage saw over the whole span. Spinning for CPU
// time, not wall time, keeps it exact on a machine whose cores are busy.
func TestCPUTimeCountsThisProcessesWork(t *testing.T) {
	pid := os.Getpid()
	r0 := rusageCPU(t)
	m0, err := markCPU(pid)
	if err != nil {
		t.Fatal(err)
	}
	const spin = 200 * time.Millisecond
	x := 0
	for rusageCPU(t)-r0 < spin {
		for range 10000 {
			x++ // busy: the process is on a CPU for all of it
		}
	}
	m1, err := markCPU(pid)
	if err != nil {
		t.Fatal(err)
	}
	whole := rusageCPU(t) - r0
	_ = x
	used := cpuSince(m0, m1)
	const slack = 10 * time.Millisecond
	if used < spin-slack || used > whole+slack {
		t.Errorf("%v of spinning (getrusage: %v from first to last mark) counted as %v", spin, whole, used)
	}
	if d := m1.ticks - m0.ticks; d < 0 || d > used+3*time.Second/clockTicks {
		t.Errorf("utime+stime grew by %v against %v precise", d, used)
	}
}

// rusageCPU is the process's user and system time from getrusage.
func rusageCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCPUSinceFallsBackToTicksWhenAThreadHasExited(t *testing.T) {
	m0 := cpuMark{precise: time.Second, ticks: time.Second}
	// A thread that ran 500 ms exited: its time left the per-thread sum
	// but stays in utime+stime.
	m1 := cpuMark{precise: 1100 * time.Millisecond, ticks: 1600 * time.Millisecond}
	if got := cpuSince(m0, m1); got != 600*time.Millisecond {
		t.Errorf("got %v, want the ticks' 600ms", got)
	}
	// Within two ticks of rounding, the precise sum wins.
	m1 = cpuMark{precise: 1103 * time.Millisecond, ticks: 1120 * time.Millisecond}
	if got := cpuSince(m0, m1); got != 103*time.Millisecond {
		t.Errorf("got %v, want the precise 103ms", got)
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("10, 1000,10000")
	if err != nil || len(got) != 3 || got[0] != 10 || got[1] != 1000 || got[2] != 10000 {
		t.Errorf("got %v, %v", got, err)
	}
	if got, err := parseSizes("off"); err != nil || got != nil {
		t.Errorf("off: %v, %v", got, err)
	}
	for _, bad := range []string{"0", "ten", "10,,20", "-5"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
