package sqagent

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/squirrel"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Load splices @include'd files and #require'd libraries in place of their
// directives, and every line of the unit knows the file and line it came
// from.
func TestLoadSplicesFilesWithTheirOrigins(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"agent.nut":                  "#require \"Lib.lib.nut:1.0.0\"\nlocal a = 1;\n@include \"sub/b.nut\"\n@include once \"sub/b.nut\"\nlocal z = 2;\n",
		"sub/b.nut":                  "local b = 1;\n@include once \"c.nut\"\n",
		"sub/c.nut":                  "local c = 1;",
		"libs/Lib/1.0.0/Lib.lib.nut": "class Lib { static VERSION = \"1.0.0\"; }\n",
	})
	asm, err := Load(filepath.Join(dir, "agent.nut"), LoadOptions{LibDir: filepath.Join(dir, "libs")})
	if err != nil {
		t.Fatal(err)
	}
	wantText := "class Lib { static VERSION = \"1.0.0\"; }\nlocal a = 1;\nlocal b = 1;\nlocal c = 1;\nlocal b = 1;\nlocal z = 2;\n"
	if string(asm.Source.Text) != wantText {
		t.Errorf("text %q, want %q", asm.Source.Text, wantText)
	}
	want := []squirrel.Origin{{File: "Lib.lib.nut", Line: 1}, {File: "agent.nut", Line: 2}, {File: "sub/b.nut", Line: 1},
		{File: "sub/c.nut", Line: 1}, {File: "sub/b.nut", Line: 1}, {File: "agent.nut", Line: 5}}
	if len(asm.Source.Origins) != len(want) {
		t.Fatalf("origins %v, want %v", asm.Source.Origins, want)
	}
	for i := range want {
		if asm.Source.Origins[i] != want[i] {
			t.Errorf("line %d from %v, want %v", i+1, asm.Source.Origins[i], want[i])
		}
	}
	// the once-included file is included once; the other twice, as written
	if n := strings.Count(string(asm.Source.Text), "local c"); n != 1 {
		t.Errorf("c.nut included %d times", n)
	}
}

// A library is found in either layout; a single copy declaring another
// version, or no copy, is an error naming the directive.
func TestResolveLibrary(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"Promise/4.0.1/Promise.lib.nut": "// versioned\n",
		"Flat.lib.nut":                  "class Flat { static VERSION = \"2.0.0\"; }\n",
		"Plain.lib.nut":                 "// declares no version\n",
	})
	for _, tc := range []struct {
		lib, version, want, err string
	}{
		{"Promise.lib.nut", "4.0.1", filepath.Join(dir, "Promise", "4.0.1", "Promise.lib.nut"), ""},
		{"Flat.lib.nut", "2.0.0", filepath.Join(dir, "Flat.lib.nut"), ""},
		{"Plain.lib.nut", "9.9.9", filepath.Join(dir, "Plain.lib.nut"), ""},
		{"Flat.lib.nut", "1.0.0", "", "declares version 2.0.0, not 1.0.0"},
		{"Promise.lib.nut", "4.0.0", "", "library Promise.lib.nut version 4.0.0 is not in"},
		{"../x.nut", "1", "", "cannot hold a path"},
	} {
		got, err := ResolveLibrary(dir, tc.lib, tc.version)
		var se *SourceError
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s:%s = %q, %v; want %q", tc.lib, tc.version, got, err, tc.want)
		case tc.err != "" && (!errors.As(err, &se) || !strings.Contains(se.Msg, tc.err)):
			t.Errorf("%s:%s: error %v, want one saying %q", tc.lib, tc.version, err, tc.err)
		}
	}
	if _, err := ResolveLibrary("", "Promise.lib.nut", "4.0.1"); err == nil || !strings.Contains(err.Error(), "no library directory is set") {
		t.Errorf("no directory: %v", err)
	}
}

// Cycles and missing files are errors naming the directive's file and line.
func TestLoadErrorsNameTheDirective(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"a.nut":       "// a\n@include \"b.nut\"\n",
		"b.nut":       "\n\n@include \"a.nut\"\n",
		"missing.nut": "@include \"none.nut\"\n",
	})
	for file, want := range map[string]string{
		"a.nut":       "b.nut:3: @include cycle: a.nut -> b.nut -> a.nut",
		"missing.nut": "missing.nut:1: @include \"none.nut\": no such file",
	} {
		_, err := Load(filepath.Join(dir, file), LoadOptions{})
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v, want %q", file, err, want)
		}
	}
}
