package squirrel

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

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
