package squirrel

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// The way the host runs a .nut agent: the Squirrel runtime installed in the
// loop's goja runtime, host API objects in the root table, the program's
// Script as the loop's top level, and callbacks re-entering Squirrel through
// the loop. Uncaught errors in callbacks reach the loop's OnError with the
// .nut position.
func TestRunsOnTheHostLoop(t *testing.T) {
	clock := scriptvm.NewVirtualClock(time.Unix(1700000000, 0))
	var errs []*scriptvm.ScriptError
	loop := scriptvm.New(scriptvm.Options{Clock: clock, OnError: func(e *scriptvm.ScriptError) { errs = append(errs, e) }})
	vm := loop.Runtime()
	rt, err := NewRuntime(vm, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var logs []string
	server := vm.NewObject()
	_ = server.Set("log", func(c goja.FunctionCall) goja.Value {
		logs = append(logs, c.Argument(0).String())
		return goja.Undefined()
	})
	imp := vm.NewObject()
	_ = imp.Set("wakeup", func(c goja.FunctionCall) goja.Value {
		secs := c.Argument(0).ToFloat()
		cb, ok := goja.AssertFunction(c.Argument(1))
		if !ok {
			panic(vm.NewTypeError("imp.wakeup: callback is not a function"))
		}
		loop.SetTimer(time.Duration(secs*float64(time.Second)), func() { loop.Call(cb, goja.Undefined()) })
		return goja.Undefined()
	})
	_ = rt.SetRoot("server", server)
	_ = rt.SetRoot("imp", imp)
	src := `
local n = 0;
function tick() {
	server.log("tick " + n + " at " + time());
	n++;
	if (n < 3) imp.wakeup(1.5, tick);
	else imp.wakeup(1, function() {
		local cfg = {};
		server.log("last");
		return cfg.missing;
	});
}
imp.wakeup(0.5, tick);
server.log("started");
`
	p, err := Compile("agent.nut", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	script, err := p.Script()
	if err != nil {
		t.Fatal(err)
	}
	stop, err := loop.Run(context.Background(), script, scriptvm.RunOptions{UntilIdle: true})
	if err != nil {
		t.Fatal(err)
	}
	if stop != scriptvm.StoppedIdle {
		t.Errorf("stopped: %v", stop)
	}
	want := "started|tick 0 at 1700000000|tick 1 at 1700000002|tick 2 at 1700000003|last"
	if strings.Join(logs, "|") != want {
		t.Errorf("logs %q, want %q", strings.Join(logs, "|"), want)
	}
	if len(errs) != 1 {
		t.Fatalf("%d errors reported, want 1", len(errs))
	}
	if !strings.Contains(errs[0].Message, "the index 'missing' does not exist") {
		t.Errorf("reported %q", errs[0].Message)
	}
	// the first Squirrel frame of the stack is the line that failed (frames
	// of the runtime itself come before it: a host skips them by file name,
	// as squirrelFrames does)
	found := false
	for _, f := range errs[0].Stack {
		if f.File == "squirrel-runtime.js" || strings.HasPrefix(f.File, "<") {
			continue
		}
		found = f.File == "agent.nut" && f.Line == 10
		break
	}
	if !found {
		t.Errorf("stack %v: first Squirrel frame is not agent.nut:10", errs[0].Stack)
	}
}
