package agentapi_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/server"
	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/ratelimit"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// greeter is a module written for this test: a global with one function
// that answers asynchronously through the loop's door, and a member added
// to another module's global.
type greeter struct{ env *agentapi.Env }

func (*greeter) Name() string { return "greeter" }

func (g *greeter) Install(env *agentapi.Env) error {
	g.env = env
	o := env.Runtime.NewObject()
	_ = o.Set("later", func(call goja.FunctionCall) goja.Value {
		cb, _ := env.Callback(call.Argument(0), "greeter.later: argument 'callback'")
		op := env.Loop.Begin(scriptvm.Busy)
		go op.Complete(func() { env.Loop.Call(cb, goja.Undefined(), env.Runtime.ToValue("hello from another goroutine")) })
		return goja.Undefined()
	})
	if err := env.Define("greeter", o); err != nil {
		return err
	}
	return env.DefineMember("server", "greet", env.Runtime.ToValue(func(name string) string { return "hi " + name }))
}

func newEnv(t *testing.T, out *bytes.Buffer) (*scriptvm.Loop, *agentapi.Env) {
	t.Helper()
	var errs []string
	loop := scriptvm.New(scriptvm.Options{OnError: func(se *scriptvm.ScriptError) { errs = append(errs, se.Error()) }})
	t.Cleanup(func() {
		if len(errs) > 0 {
			t.Errorf("script errors: %q", errs)
		}
	})
	log := hostlog.NewClocked(hostlog.NewHandler(out, out, false, nil), time.Now)
	off := ratelimit.Spec{Off: true}
	env, err := agentapi.NewEnv(agentapi.Options{Loop: loop, Log: log, SaveFile: t.TempDir() + "/s.json",
		Limits: agentapi.Limits{Log: off, Outbound: off, Inbound: off}})
	if err != nil {
		t.Fatal(err)
	}
	return loop, env
}

func TestAModuleIsOneTypeAndOneTableLine(t *testing.T) {
	var out bytes.Buffer
	loop, env := newEnv(t, &out)
	if err := env.Install(server.New(), &greeter{}); err != nil {
		t.Fatal(err)
	}
	prg, err := scriptvm.Compile("agent.js", `server.log(server.greet("imp"));
greeter.later(function (text) { server.log(text); });`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loop.Run(context.Background(), prg, scriptvm.RunOptions{UntilIdle: true}); err != nil {
		t.Fatal(err)
	}
	env.Close()
	lines := agentLines(out.String())
	if want := "hi imp|hello from another goroutine"; strings.Join(lines, "|") != want {
		t.Fatalf("lines %q, want %s", lines, want)
	}
	if got := strings.Join(env.Globals(), ","); got != "server,greeter" {
		t.Fatalf("Globals() = %s", got)
	}
}

func TestModulesCannotClaimTheSameName(t *testing.T) {
	var out bytes.Buffer
	_, env := newEnv(t, &out)
	err := env.Install(server.New(), server.New())
	if err == nil || err.Error() != `agentapi: installing server: global "server" is already defined` {
		t.Fatalf("second server module: %v", err)
	}
	_, env = newEnv(t, &out)
	if err := env.Install(&greeter{}); err == nil || !strings.Contains(err.Error(), `global "server" is not defined (install its module first)`) {
		t.Fatalf("member of a missing global: %v", err)
	}
}

func agentLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if _, rest, ok := strings.Cut(l, "[Agent] "); ok {
			out = append(out, rest)
		}
	}
	return out
}

// lazyModule defines two lazy globals, and count(), how many times their
// values were built.
type lazyModule struct{ built int }

func (*lazyModule) Name() string { return "lazy" }

func (m *lazyModule) Install(env *agentapi.Env) error {
	build := func() goja.Value {
		m.built++
		o := env.Runtime.NewObject()
		_ = o.Set("hello", func(goja.FunctionCall) goja.Value { return env.Runtime.ToValue("hi") })
		return o
	}
	if err := env.DefineLazy("lazy", build); err != nil {
		return err
	}
	if err := env.DefineLazy("lazy2", build); err != nil {
		return err
	}
	if err := env.DefineLazy("lazy", build); err == nil || !strings.Contains(err.Error(), `global "lazy" is already defined`) {
		return fmt.Errorf("defining lazy twice: %v", err)
	}
	return env.Define("count", env.Runtime.ToValue(func() int { return m.built }))
}

// TestLazyGlobalIsBuiltOnFirstReadOnly: a lazy global's value is built
// once, when it is first read, and then is what Define makes: the same
// object on every read, read-only, named methods. Before the first read
// it is listed and found like any global, an assignment to it is ignored
// (a TypeError in strict code) and builds nothing; its descriptor shows
// an accessor (the one documented difference).
func TestLazyGlobalIsBuiltOnFirstReadOnly(t *testing.T) {
	var out bytes.Buffer
	loop, env := newEnv(t, &out)
	m := &lazyModule{}
	if err := env.Install(server.New(), m); err != nil {
		t.Fatal(err)
	}
	prg, err := scriptvm.Compile("agent.js", `
var d = Object.getOwnPropertyDescriptor(globalThis, "lazy");
server.log([count(), "lazy" in globalThis, Object.keys(globalThis).join(), typeof d.get, d.get.name, d.set, d.enumerable, d.configurable].join(" "));
lazy = 5;
(function () { "use strict"; try { lazy2 = 1; server.log("assigned"); } catch (e) { server.log(e.name + " " + count()); } })();
server.log([count(), typeof lazy, lazy.hello(), lazy.hello.name, lazy === globalThis.lazy, count()].join(" "));
d = Object.getOwnPropertyDescriptor(globalThis, "lazy");
server.log([d.writable, d.enumerable, d.configurable, typeof d.value].join(" "));
(function () { "use strict"; try { lazy = 1; server.log("assigned"); } catch (e) { server.log(e.name); } })();
server.log([lazy2.hello(), count(), lazy !== lazy2].join(" "));
`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loop.Run(context.Background(), prg, scriptvm.RunOptions{UntilIdle: true}); err != nil {
		t.Fatal(err)
	}
	env.Close()
	want := []string{
		"0 true server,lazy,lazy2,count,d function get lazy  true true",
		"TypeError 0",
		"0 object hi lazy.hello true 1",
		"false true false object",
		"TypeError",
		"hi 2 true",
	}
	if got := agentLines(out.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := strings.Join(env.Globals(), ","); got != "server,lazy,lazy2,count" {
		t.Fatalf("Globals() = %s", got)
	}
}
