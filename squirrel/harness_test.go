package squirrel

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// runNut compiles and runs src with print() capturing output, the way the
// corpus probes run. An uncaught error is appended like sq reports it.
func runNut(t testing.TB, name string, src []byte) string {
	t.Helper()
	var out strings.Builder
	vm := goja.New()
	now := func() time.Time { return time.Unix(1700000000, 0) }
	if os.Getenv("SQREALTIME") != "" {
		now = time.Now
	}
	rt, err := NewRuntime(vm, Options{Print: func(s string) { out.WriteString(s) }, Now: now})
	if err != nil {
		t.Fatalf("NewRuntime: %v", err)
	}
	p, err := Compile(name, src)
	if err != nil {
		out.WriteString("COMPILE ERROR: " + err.Error() + "\n")
		return out.String()
	}
	if _, err := rt.Run(p); err != nil {
		out.WriteString("\nERROR: " + err.Error() + "\n")
	}
	return out.String()
}

var addrRE = regexp.MustCompile(`0x(0x)?[0-9a-fA-F]+|0x\(nil\)`)

func normalize(s string) string { return addrRE.ReplaceAllString(s, "0x?") }

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

func runNutStdout(t testing.TB, name string, src []byte) string {
	out := runNut(t, name, src)
	if i := strings.Index(out, "\nERROR: "); i >= 0 {
		out = out[:i]
	}
	if strings.HasPrefix(out, "COMPILE ERROR: ") {
		return ""
	}
	return out
}

// firstDiff describes the first line where got differs from want.
func firstDiff(want, got string) string {
	if want == got {
		return ""
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d: want %q, got %q", i+1, w, g)
		}
	}
	return "outputs differ"
}
