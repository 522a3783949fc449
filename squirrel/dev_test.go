package squirrel

// Developer tools, skipped unless their environment variable is set:
//
//	SQFILE=x.nut [SQJS=1] [SQREALTIME=1] go test -run TestRunFile     run a file, optionally show its JS
//	SQDIR=dir SQORACLE=/path/to/sq go test -run TestOracleDir    compare every .nut in dir with the reference interpreter
//	SQPROF=tables go test -run TestProfileBench                 JS-level CPU profile of a benchmark program
//	SQCOMPILEDIR=dir go test -run TestCompileDir                 compile every .nut in dir (e.g. real libraries)

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// TestRunFile runs the file named by $SQFILE and prints its output (a
// development aid; skipped otherwise).
func TestRunFile(t *testing.T) {
	f := os.Getenv("SQFILE")
	if f == "" {
		t.Skip("set SQFILE to run a file")
	}
	src, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("SQJS") != "" {
		p, err := Compile(f, src)
		if err == nil {
			os.Stdout.WriteString(p.JS)
		}
	}
	os.Stdout.WriteString(runNut(t, f, src))
}

// TestOracleDir runs every .nut in $SQDIR through both this compiler and the
// reference interpreter at $SQORACLE (default /work/sq304/bin/sq) and
// reports the first differing line of stdout (a development aid).
func TestOracleDir(t *testing.T) {
	dir := os.Getenv("SQDIR")
	if dir == "" {
		t.Skip("set SQDIR to compare a directory with the oracle")
	}
	oracle := os.Getenv("SQORACLE")
	if oracle == "" {
		oracle = "/work/sq304/bin/sq"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.nut"))
	pass := 0
	for _, f := range files {
		src, _ := os.ReadFile(f)
		cmd := exec.Command(oracle, filepath.Base(f))
		cmd.Dir = filepath.Dir(f)
		want, _ := cmd.Output()
		got := runNutStdout(t, filepath.Base(f), src)
		if d := firstDiff(normalize(string(want)), normalize(got)); d != "" {
			t.Errorf("%s: %s", f, d)
			continue
		}
		pass++
	}
	t.Logf("%d/%d match", pass, len(files))
}

// TestProfileBench writes a JS-level CPU profile of one benchmark program
// ($SQPROF names it, or a
// .nut or .sqjs file) to /tmp/sqprof.pb.gz (a development aid).
func TestProfileBench(t *testing.T) {
	name := os.Getenv("SQPROF")
	if name == "" {
		t.Skip("set SQPROF to a benchmark program name")
	}
	var run func() goja.Value
	if strings.HasSuffix(name, ".nut") || strings.HasSuffix(name, ".sqjs") {
		run = loadSquirrelRunFile(t, name)
	} else {
		run = loadSquirrelRun(t, name)
	}
	f, _ := os.Create("/tmp/sqprof.pb.gz")
	defer f.Close()
	if err := goja.StartProfile(f); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		run()
	}
	goja.StopProfile()
}

// TestTimeFile times run() in each file of $SQTIME (comma-separated .nut,
// compiled .sqjs or plain .js files), reporting per file the best process
// CPU time of 15 interleaved rounds of $SQTIMEN (default 20) calls (a
// development aid; interleaving and CPU time tame a loaded machine).
func TestTimeFile(t *testing.T) {
	list := os.Getenv("SQTIME")
	if list == "" {
		t.Skip("set SQTIME to files defining run()")
	}
	n := 20
	if s := os.Getenv("SQTIMEN"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	files := strings.Split(list, ",")
	runs := make([]func() goja.Value, len(files))
	best := make([]time.Duration, len(files))
	for i, f := range files {
		if strings.HasSuffix(f, ".js") {
			runs[i] = loadJSRunFile(t, f)
		} else {
			runs[i] = loadSquirrelRunFile(t, f)
		}
		runs[i]()
	}
	for round := 0; round < 15; round++ {
		for i, run := range runs {
			if d := cpuRuns(n, run); round == 0 || d < best[i] {
				best[i] = d
			}
		}
	}
	for i, f := range files {
		t.Logf("%-30s %10v per run  %.2f", filepath.Base(f), best[i]/time.Duration(n), float64(best[i])/float64(best[0]))
	}
}

// TestCompileDir compiles every .nut in $SQCOMPILEDIR (a development aid
// for trying real libraries, which are not ours to commit).
func TestCompileDir(t *testing.T) {
	dir := os.Getenv("SQCOMPILEDIR")
	if dir == "" {
		t.Skip("set SQCOMPILEDIR")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.nut"))
	for _, f := range files {
		src, _ := os.ReadFile(f)
		start := time.Now()
		_, err := Compile(filepath.Base(f), src)
		t.Logf("%s: %v (%v)", filepath.Base(f), err, time.Since(start))
		if err != nil {
			t.Error(err)
		}
	}
}

// BenchmarkNewRuntime measures installing the runtime into a fresh goja
// runtime.
func BenchmarkNewRuntime(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := NewRuntime(goja.New(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
