package tests

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestScripts runs every tests/testdata/*.js and *.nut (Squirrel) through
// the binary with --until-idle and compares what it printed with the
// file's header:
//
//	// config: {flow-style YAML}   the agenthost.yaml beside the script
//	// want: line                  the [Agent] lines on stdout, in order
//	// want-stderr: line           the lines on stderr, in order
//	// want-exit: N                the exit code (default 0)
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.js")
	nut, err2 := filepath.Glob("testdata/*.nut")
	if err != nil || err2 != nil || len(files) == 0 || len(nut) == 0 {
		t.Fatalf("no scripts: %v %v", err, err2)
	}
	for _, f := range append(files, nut...) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var want, wantErr []string
			wantExit, config := 0, ""
			for _, l := range strings.Split(string(src), "\n") {
				switch {
				case strings.HasPrefix(l, "// want: "):
					want = append(want, strings.TrimPrefix(l, "// want: "))
				case strings.HasPrefix(l, "// want-stderr: "):
					wantErr = append(wantErr, strings.TrimPrefix(l, "// want-stderr: "))
				case strings.HasPrefix(l, "// want-exit: "):
					wantExit, _ = strconv.Atoi(strings.TrimPrefix(l, "// want-exit: "))
				case strings.HasPrefix(l, "// config: "):
					config = strings.TrimPrefix(l, "// config: ")
				}
			}
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, filepath.Base(f)), string(src))
			if config != "" {
				writeFile(t, filepath.Join(dir, "agenthost.yaml"), config+"\n")
			}
			r := runBin(t, dir, "run", filepath.Base(f), "--until-idle")
			if r.code != wantExit {
				t.Fatalf("exit %d, want %d\nstdout %q\nstderr %q", r.code, wantExit, r.stdout, r.stderr)
			}
			if got := r.agent(); !slices.Equal(got, want) {
				t.Fatalf("agent lines\n got %q\nwant %q\nstderr %q", got, want, r.stderr)
			}
			if !slices.Equal(r.stderr, wantErr) {
				t.Fatalf("stderr\n got %q\nwant %q", r.stderr, wantErr)
			}
		})
	}
}
