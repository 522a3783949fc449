package squirrel

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// Speed: each program in testdata/bench defines run() twice, in Squirrel
// (*.nut) and as idiomatic hand-written JavaScript (*.js). BenchmarkCompare
// times both on goja and reports their ratio (squirrel-ns/op divided by
// js-ns/op, each per run in the fastest of b.N alternating rounds, in
// process CPU time); when the reference interpreter is available
// ($SQORACLE, by default /work/sq304/bin/sq) it also reports its time per
// run (by its own clock()).
//
//	go test ./squirrel -run '^$' -bench Compare -benchtime 2s

var benchPrograms = []string{"intloop", "tables", "strings", "classes", "json"}

func loadSquirrelRun(b testing.TB, name string) func() goja.Value {
	return loadSquirrelRunFile(b, filepath.Join("testdata", "bench", name+".nut"))
}

// loadSquirrelRunFile compiles and runs the file at path and returns a
// function calling its root function run().
func loadSquirrelRunFile(b testing.TB, path string) func() goja.Value {
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	name := strings.TrimSuffix(filepath.Base(path), ".nut")
	vm := goja.New()
	rt, err := NewRuntime(vm, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var p *Program
	if strings.HasSuffix(path, ".sqjs") {
		// already compiled (hand-edited compiler output, for experiments)
		p = &Program{Name: name, JS: string(src)}
	} else if p, err = Compile(name+".nut", src); err != nil {
		b.Fatal(err)
	}
	if _, err := rt.Run(p); err != nil {
		b.Fatal(err)
	}
	// call the Squirrel closure directly (no value conversion per call)
	direct, _ := goja.AssertFunction(rt.sq.Get("rootValue"))
	f, err := direct(goja.Undefined(), vm.ToValue("run"))
	if err != nil {
		b.Fatal(err)
	}
	call, _ := goja.AssertFunction(f)
	root, _ := goja.AssertFunction(rt.sq.Get("root"))
	self, _ := root(goja.Undefined())
	return func() goja.Value {
		v, err := call(goja.Undefined(), self)
		if err != nil {
			b.Fatal(err)
		}
		return v
	}
}

func loadJSRun(b testing.TB, name string) func() goja.Value {
	return loadJSRunFile(b, filepath.Join("testdata", "bench", name+".js"))
}

// loadJSRunFile evaluates the JavaScript file at path and returns a function
// calling its function run().
func loadJSRunFile(b testing.TB, path string) func() goja.Value {
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	vm := goja.New()
	v, err := vm.RunString("(function(){\"use strict\";\n" + string(src) + "\nreturn run;})()")
	if err != nil {
		b.Fatal(err)
	}
	call, _ := goja.AssertFunction(v)
	return func() goja.Value {
		v, err := call(goja.Undefined())
		if err != nil {
			b.Fatal(err)
		}
		return v
	}
}

func timeRuns(n int, f func() goja.Value) time.Duration {
	start := time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	return time.Since(start)
}

// cpuRuns is the process CPU time (user and system, all threads, so
// including the garbage collector's) of n calls of f.
func cpuRuns(n int, f func() goja.Value) time.Duration {
	c0 := processCPU()
	for i := 0; i < n; i++ {
		f()
	}
	return processCPU() - c0
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// oracleNsPerRun times run() in the reference interpreter with its clock().
func oracleNsPerRun(name string, runs int) (float64, bool) {
	oracle := os.Getenv("SQORACLE")
	if oracle == "" {
		oracle = "/work/sq304/bin/sq"
	}
	if _, err := os.Stat(oracle); err != nil {
		return 0, false
	}
	src, err := os.ReadFile(filepath.Join("testdata", "bench", name+".nut"))
	if err != nil {
		return 0, false
	}
	driver := fmt.Sprintf("\nrun();\nlocal t0 = clock();\nfor (local i = 0; i < %d; i++) run();\nprint(((clock() - t0) * 1.0e9 / %d).tointeger());\n", runs, runs)
	f := filepath.Join(os.TempDir(), "sqbench_"+name+".nut")
	if err := os.WriteFile(f, append(src, driver...), 0o644); err != nil {
		return 0, false
	}
	defer os.Remove(f)
	out, err := exec.Command(oracle, f).Output()
	if err != nil {
		return 0, false
	}
	ns, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	return ns, err == nil
}

func BenchmarkCompare(b *testing.B) {
	for _, name := range benchPrograms {
		b.Run(name, func(b *testing.B) {
			sq := loadSquirrelRun(b, name)
			js := loadJSRun(b, name)
			sq()
			js()
			// a round is k runs of each, long enough (about 20 ms of the
			// JavaScript twin) to include the garbage collection each
			// program causes
			k := int(20*time.Millisecond/max(timeRuns(1, js), time.Microsecond)) + 1
			b.ResetTimer()
			// alternate the two so that both see the same machine load, time
			// them in process CPU time (not wall time, which other processes
			// on a loaded machine inflate) and keep the fastest round of each
			var tsq, tjs time.Duration
			for i := 0; i < b.N; i++ {
				a := cpuRuns(k, sq)
				c := cpuRuns(k, js)
				if i == 0 || a < tsq {
					tsq = a
				}
				if i == 0 || c < tjs {
					tjs = c
				}
			}
			b.StopTimer()
			sqNs := float64(tsq.Nanoseconds()) / float64(k)
			jsNs := float64(tjs.Nanoseconds()) / float64(k)
			b.ReportMetric(sqNs, "squirrel-ns/op")
			b.ReportMetric(jsNs, "js-ns/op")
			b.ReportMetric(sqNs/jsNs, "ratio")
			if ns, ok := oracleNsPerRun(name, 50); ok {
				b.ReportMetric(ns, "sq304-ns/op")
			}
		})
	}
}

// TestBenchProgramsAgree checks that each benchmark program computes the
// same result in Squirrel as in its JavaScript twin (where the program's
// result does not depend on table order), so the comparison is fair.
func TestBenchProgramsAgree(t *testing.T) {
	for _, name := range benchPrograms {
		src, err := os.ReadFile(filepath.Join("testdata", "bench", name+".nut"))
		if err != nil {
			t.Fatal(err)
		}
		got := runNut(t, name+".nut", append(src, "\nprint(run());\n"...))
		jsrc, _ := os.ReadFile(filepath.Join("testdata", "bench", name+".js"))
		vm := goja.New()
		v, err := vm.RunString("(function(){\"use strict\";\n" + string(jsrc) + "\nreturn run();})()")
		if err != nil {
			t.Fatal(err)
		}
		if got != v.String() {
			t.Errorf("%s: squirrel run() = %s, javascript run() = %s", name, got, v.String())
		}
	}
}
