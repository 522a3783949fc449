package squirrel

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The golden corpus: testdata/probes/*.nut with the output Squirrel 3.0.4
// gave for each (*.out), and testdata/compile_errors/*.nut with the
// compiler message 3.0.4 gave (*.err). See testdata/README.md.

// probes a runtime may leave out (the corpus README names stdlib_thread and
// stdlib_compilestring as optional; both are supported here)
var skippedProbes = map[string]string{}

func TestCorpusProbes(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "probes", "*.nut"))
	if len(files) == 0 {
		t.Skip("no probes in testdata/probes (the corpus is merged from its own branch)")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".nut"), func(t *testing.T) {
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
			got := runNut(t, name, src)
			if d := firstDiff(normalize(string(want)), normalize(got)); d != "" {
				t.Errorf("%s: %s", f, d)
			}
		})
	}
}

var errLineRE = regexp.MustCompile(`^(\S+) line = \((\d+)\) column = \((\d+)\) : error (.*)$`)

func TestCorpusCompileErrors(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "compile_errors", "*.nut"))
	if len(files) == 0 {
		t.Skip("no files in testdata/compile_errors")
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
			_, err = Compile(name, src)
			ce, ok := err.(*CompileError)
			if !ok {
				t.Fatalf("%s compiled (err %v); want %q at line %d", f, err, m[4], line)
			}
			if ce.Msg != m[4] || ce.Line != line {
				t.Errorf("%s: got %q at line %d col %d; want %q at line %d col %s", f, ce.Msg, ce.Line, ce.Col, m[4], line, m[3])
			}
		})
	}
}
