package squirrel

import (
	"errors"
	"fmt"
	"os"
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
	return runNutMode(t, name, src, genMode{})
}

// runNutMode is runNut with the code forms of mode (see compileMode).
func runNutMode(t testing.TB, name string, src []byte, mode genMode) string {
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
	p, err := compileMode(Source{Name: name, Text: src}, nil, mode)
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

// runForError runs p in a fresh runtime and returns the Squirrel error it
// ends with; anything else fails the test.
func runForError(t *testing.T, p *Program) *Error {
	t.Helper()
	rt, err := NewRuntime(goja.New(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.Run(p)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error", err)
	}
	return e
}
