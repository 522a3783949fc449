package squirrel

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Golden files. testdata/probes (*.nut, *.out) and testdata/compile_errors
// (*.nut, *.err) are the shared corpus (see testdata/README.md, merged from
// its own branch); testdata/cases and testdata/cases/errors are this
// package's own, recorded the same way from the reference interpreter.

// probes a runtime may leave out (the corpus README names stdlib_thread and
// stdlib_compilestring as optional; both are supported here)
var skippedProbes = map[string]string{}

func TestCorpusProbes(t *testing.T) { runGoldenProbes(t, filepath.Join("testdata", "probes")) }

func TestCorpusCompileErrors(t *testing.T) {
	runGoldenErrors(t, filepath.Join("testdata", "compile_errors"), true)
}

func TestCases(t *testing.T) { runGoldenProbes(t, filepath.Join("testdata", "cases")) }

func TestCaseCompileErrors(t *testing.T) {
	runGoldenErrors(t, filepath.Join("testdata", "cases", "errors"), true)
}

// runGoldenProbes runs every dir/*.nut and compares its output with
// dir/*.out line by line, after normalising object addresses; a failure
// names the file and the first line that differs.
func runGoldenProbes(t *testing.T, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.nut"))
	if len(files) == 0 {
		t.Skipf("no probes in %s", dir)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".nut"), func(t *testing.T) {
			t.Parallel() // each probe has its own goja runtime
			if why, ok := skippedProbes[name]; ok {
				t.Skip(why)
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".nut") + ".out")
			if err != nil {
				t.Fatalf("no recording: %v", err)
			}
			// as compiled (top-level code and functions not called from
			// loops are compact, long cold functions compiled lazily), then
			// with every fast path inline and every function that can be
			// compiled lazily
			for _, mode := range []genMode{{}, {allHot: true, allLazy: true}} {
				got := runNutMode(t, name, src, mode)
				if d := firstDiff(normalize(string(want)), normalize(got)); d != "" {
					t.Errorf("%s (%+v): %s", f, mode, d)
				}
			}
		})
	}
}

var errLineRE = regexp.MustCompile(`^(\S+) line = \((\d+)\) column = \((\d+)\) : error (.*)$`)

// runGoldenErrors compiles every dir/*.nut, which must fail with the
// message and line (and, when withCol, the column) in dir/*.err.
func runGoldenErrors(t *testing.T, dir string, withCol bool) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.nut"))
	if len(files) == 0 {
		t.Skipf("no files in %s", dir)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".nut"), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := os.ReadFile(strings.TrimSuffix(f, ".nut") + ".err")
			if err != nil {
				t.Fatalf("no recording: %v", err)
			}
			m := errLineRE.FindStringSubmatch(strings.TrimRight(string(rec), "\n"))
			if m == nil {
				t.Fatalf("unreadable recording %q", rec)
			}
			line, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			_, err = Compile(name, src)
			ce, ok := err.(*CompileError)
			if !ok {
				t.Fatalf("%s compiled (err %v); want %q at line %d", f, err, m[4], line)
			}
			if ce.Msg != m[4] || ce.Line != line || (withCol && ce.Col != col) {
				t.Errorf("%s: got %q at %d:%d; want %q at %d:%d", f, ce.Msg, ce.Line, ce.Col, m[4], line, col)
			}
			if ce.File != name {
				t.Errorf("%s: error names file %q", f, ce.File)
			}
		})
	}
}
