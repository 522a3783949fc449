package agentapi_test

import (
	"bytes"
	"context"
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
