package main

import (
	"os"
	"testing"
	"time"
)

func TestCPUTimeCountsThisProcessesWork(t *testing.T) {
	pid := os.Getpid()
	m0, err := markCPU(pid)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	x := 0
	for time.Since(start) < 200*time.Millisecond {
		x++ // busy: the process is on a CPU for (nearly) all of it
	}
	m1, err := markCPU(pid)
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Since(start)
	_ = x
	used := cpuSince(m0, m1)
	// At least half the time spent spinning (on a busy machine the
	// spinner waits for a core now and then), and not more than one
	// spinning goroutine can use, plus a little for the runtime.
	if used < wall/2 || used > wall+50*time.Millisecond {
		t.Errorf("200 ms of spinning counted as %v", used)
	}
	if d := m1.ticks - m0.ticks; d < 0 || d > used+3*time.Second/clockTicks {
		t.Errorf("utime+stime grew by %v against %v precise", d, used)
	}
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
