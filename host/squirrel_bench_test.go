package host_test

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/host"
	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/sqagent"
	"github.com/dop251/goja"
)

// BenchmarkSquirrelOnAgenthost runs the compute-heavy programs of
// squirrel/testdata/bench on agenthost: each Squirrel program as a .nut
// agent (compiled by sqagent, run by the Squirrel runtime on a session's
// loop with the agent API in its root table) and its hand-written
// JavaScript twin as a .js agent on a session of its own. Rounds of the two
// alternate and the fastest round of each counts, in process CPU time. It
// reports each one's time per run(), the ratio (Squirrel ÷ JavaScript; the
// target is at most 2) and, when the Squirrel 3.0.4 reference interpreter
// is installed ($SQORACLE, by default /work/sq304/bin/sq), its time per
// run() by its own clock() and the ratio of agenthost's Squirrel to it.
//
//	go test -run '^$' -bench SquirrelOnAgenthost -benchtime 20x ./host/
func BenchmarkSquirrelOnAgenthost(b *testing.B) {
	for _, name := range []string{"intloop", "tables", "strings", "classes", "json"} {
		b.Run(name, func(b *testing.B) {
			sq := squirrelRun(b, name)
			js := jsRun(b, name)
			if sq() != js() && name != "tables" && name != "json" { // those two depend on table order
				b.Fatalf("%s: the Squirrel and JavaScript programs disagree", name)
			}
			k := int(20*time.Millisecond/max(wallRuns(1, js), time.Microsecond)) + 1
			b.ResetTimer()
			var tsq, tjs time.Duration
			for i := 0; i < b.N; i++ {
				a, c := cpuRuns(k, sq), cpuRuns(k, js)
				if i == 0 || a < tsq {
					tsq = a
				}
				if i == 0 || c < tjs {
					tjs = c
				}
			}
			b.StopTimer()
			sqNs, jsNs := float64(tsq.Nanoseconds())/float64(k), float64(tjs.Nanoseconds())/float64(k)
			b.ReportMetric(sqNs, "squirrel-ns/op")
			b.ReportMetric(jsNs, "js-ns/op")
			b.ReportMetric(sqNs/jsNs, "sq/js")
			if ns, ok := oracleNs(name, 50); ok {
				b.ReportMetric(ns, "sq304-ns/op")
				b.ReportMetric(sqNs/ns, "sq/sq304")
			}
		})
	}
}

// benchSession is a session with no broker and no listener: the programs
// only compute.
func benchSession(b *testing.B) *host.Session {
	cfg := configparams.Default()
	cfg.Broker = "script"
	cfg.HTTP.Listen = "off"
	cfg.StateDir = b.TempDir()
	cfg.ConfigParams = map[string]any{"deviceid": "0123456789abcdef"}
	sess, err := host.NewSession(host.SessionOptions{Config: cfg, Handler: hostlog.NewHandler(io.Discard, io.Discard, false, nil)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(sess.Close)
	return sess
}

func benchFile(name, ext string) string {
	return filepath.Join("..", "squirrel", "testdata", "bench", name+ext)
}

// squirrelRun loads the .nut program as an agent and returns a function
// calling its run() (the benchmark's goroutine owns the loop: it is never
// started).
func squirrelRun(b *testing.B, name string) func() string {
	sess := benchSession(b)
	agent, err := sqagent.Install(sess.Env, sess.Loop)
	if err != nil {
		b.Fatal(err)
	}
	p, err := sqagent.Compile(benchFile(name, ".nut"), sqagent.LoadOptions{})
	if err == nil {
		err = agent.Run(p)
	}
	if err != nil {
		b.Fatal(err)
	}
	rt := agent.Runtime()
	run, root := rt.RootValue("run"), rt.RootTable()
	return func() string {
		v, err := rt.CallValue(run, root)
		if err != nil {
			b.Fatal(rt.WrapError(err))
		}
		return v.String()
	}
}

// jsRun loads the .js twin as an agent and returns a function calling its
// run().
func jsRun(b *testing.B, name string) func() string {
	sess := benchSession(b)
	src, err := os.ReadFile(benchFile(name, ".js"))
	if err != nil {
		b.Fatal(err)
	}
	v, err := sess.Loop.Runtime().RunString("(function(){\"use strict\";\n" + string(src) + "\nreturn run;})()")
	if err != nil {
		b.Fatal(err)
	}
	run, _ := goja.AssertFunction(v)
	return func() string {
		v, err := run(goja.Undefined())
		if err != nil {
			b.Fatal(err)
		}
		return v.String()
	}
}

func wallRuns(n int, f func() string) time.Duration {
	start := time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	return time.Since(start)
}

// cpuRuns is the process CPU time (all threads, the garbage collector's
// included) of n calls of f.
func cpuRuns(n int, f func() string) time.Duration {
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

// oracleNs times run() in the reference interpreter by its clock().
func oracleNs(name string, runs int) (float64, bool) {
	oracle := os.Getenv("SQORACLE")
	if oracle == "" {
		oracle = "/work/sq304/bin/sq"
	}
	if _, err := os.Stat(oracle); err != nil {
		return 0, false
	}
	src, err := os.ReadFile(benchFile(name, ".nut"))
	if err != nil {
		return 0, false
	}
	driver := fmt.Sprintf("\nrun();\nlocal t0 = clock();\nfor (local i = 0; i < %d; i++) run();\nprint(((clock() - t0) * 1.0e9 / %d).tointeger());\n", runs, runs)
	f := filepath.Join(os.TempDir(), fmt.Sprintf("sqbench_%s_%d.nut", name, os.Getpid()))
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
