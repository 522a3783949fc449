package squirrel

import (
	"os"
	"testing"

	"github.com/dop251/goja"
)

// TestProfileBench writes a JS-level CPU profile of one benchmark program
// ($SQPROF names it) to /tmp/sqprof.pb.gz (a development aid).
func TestProfileBench(t *testing.T) {
	name := os.Getenv("SQPROF")
	if name == "" {
		t.Skip("set SQPROF to a benchmark program name")
	}
	b := &testing.B{}
	run := loadSquirrelRun(b, name)
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
