package scriptvm

import (
	"runtime"
	"testing"
)

// heapInUse is the live heap after a full collection, in bytes.
func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// keptPerLoop makes n loops and returns the heap they keep, per loop.
func keptPerLoop(n int) int64 {
	loops := make([]*Loop, n)
	before := heapInUse()
	for i := range loops {
		loops[i] = New(Options{})
	}
	after := heapInUse()
	runtime.KeepAlive(loops)
	return (after - before) / int64(n)
}

// maxKeptPerLoop bounds what a new loop keeps: its runtime, the guarded
// built-ins' holders and wrappers, the error helpers. A fleet has one loop
// per agent, so this is a floor of an agent's memory. It was about 108 KB
// when set (goja 2026-09; 155 KB before the guards stopped keeping the
// original functions and making every Array.prototype method exist), and
// is about 25 KB since the guards are installed lazily (lazy.go).
const maxKeptPerLoop = 36 << 10

// TestNewLoopKeepsLittle: a new loop keeps at most maxKeptPerLoop.
func TestNewLoopKeepsLittle(t *testing.T) {
	if kept := keptPerLoop(100); kept > maxKeptPerLoop {
		t.Fatalf("a new loop keeps %d bytes, more than %d", kept, maxKeptPerLoop)
	}
}

// BenchmarkNewLoop times making a loop and reports the heap each one
// keeps (kept-B/loop, the figure a fleet pays per agent for it).
func BenchmarkNewLoop(b *testing.B) {
	b.ReportAllocs()
	loops := make([]*Loop, b.N)
	before := heapInUse()
	b.ResetTimer()
	for i := range loops {
		loops[i] = New(Options{})
	}
	b.StopTimer()
	b.ReportMetric(float64(heapInUse()-before)/float64(b.N), "kept-B/loop")
	runtime.KeepAlive(loops)
}
