package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/httpapi"
	"github.com/agenthost/agenthost/agentapi/server"
	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/internal/agenttest"
	"github.com/agenthost/agenthost/ratelimit"
	"github.com/agenthost/agenthost/scriptvm"
)

// delayServer is a plain local HTTP server whose /delay answers "done"
// after 600 ms and whose /hang answers only when the client gives up.
func delayServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/delay", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			panic(http.ErrAbortHandler) // send nothing: a late "200" could race the client's timeout
		case <-time.After(600 * time.Millisecond):
			fmt.Fprint(w, "done")
		}
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestSendsyncWaitIsNotCPU: with limits.cpu_per_callback at 200 ms, a
// sendsync that waits 600 ms for its answer returns it (the wait on the
// network is not the script running), while a callback whose own code
// runs 240 ms around such a sendsync is still stopped by the watchdog:
// the time before and after the wait adds up.
func TestSendsyncWaitIsNotCPU(t *testing.T) {
	srv := delayServer(t)
	out := agenttest.MustRun(t, `
const base = imp.configparams.base;
function spin(ms) { const t = Date.now(); while (Date.now() - t < ms) {} }
imp.wakeup(0, function waits() {
	const t = Date.now();
	const r = http.get(base + "/delay").sendsync();
	server.log("waited " + r.statuscode + " " + r.body + " " + (Date.now() - t >= 600));
});
imp.wakeup(0.01, function spinsAround() {
	spin(120);
	const r = http.get(base + "/delay").sendsync();
	server.log("answered " + r.statuscode);
	spin(120);
	server.log("not reached");
});
imp.wakeup(0.02, function () { server.log("after"); });
`, agenttest.Options{UntilIdle: true, Config: fmt.Sprintf("http: {listen: off}\nlimits: {cpu_per_callback: 200ms}\nconfigparams: {base: %q}\n", srv.URL)})
	agenttest.WantAgent(t, out, "waited 200 done true", "answered 200", "after")
	errs := out.AgentErrors()
	if len(errs) < 1 || !strings.Contains(errs[0], "WatchdogError: stopped: it ran longer than 200ms (limits.cpu_per_callback)") ||
		!strings.Contains(strings.Join(errs, "\n"), "spinsAround") {
		t.Errorf("want one WatchdogError in spinsAround, got %q", errs)
	}
	if n := strings.Count(strings.Join(errs, "\n"), "WatchdogError"); n != 1 {
		t.Errorf("%d WatchdogErrors, want 1: %q", n, errs)
	}
}

// TestSendsyncTimesOutWith28: a sendsync whose server never answers ends
// after the sync timeout with statuscode 28, though the timeout is longer
// than the callback budget, and the script goes on.
func TestSendsyncTimesOutWith28(t *testing.T) {
	srv := delayServer(t)
	var logs bytes.Buffer
	var errs []string
	loop := scriptvm.New(scriptvm.Options{CallbackBudget: 100 * time.Millisecond,
		OnError: func(se *scriptvm.ScriptError) { errs = append(errs, se.Error()) }})
	off := ratelimit.Spec{Off: true}
	env, err := agentapi.NewEnv(agentapi.Options{Loop: loop, Log: hostlog.NewClocked(hostlog.NewHandler(&logs, &logs, false, nil), time.Now),
		SaveFile: t.TempDir() + "/s.json", Limits: agentapi.Limits{Log: off, Outbound: off, Inbound: off}})
	if err != nil {
		t.Fatal(err)
	}
	const syncTimeout = 400 * time.Millisecond
	if err := env.Install(server.New(), httpapi.New(httpapi.Options{Listen: "off", SyncTimeout: syncTimeout})); err != nil {
		t.Fatal(err)
	}
	prg, err := scriptvm.Compile("agent.js", fmt.Sprintf(`
const r = http.get(%q).sendsync();
server.log(r.statuscode + " " + r.body);
server.log("went on");
`, srv.URL+"/hang"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	_, err = loop.Run(context.Background(), prg, scriptvm.RunOptions{UntilIdle: true})
	took := time.Since(t0)
	env.Close()
	if err != nil || len(errs) > 0 {
		t.Fatalf("run: %v, script errors %q", err, errs)
	}
	var lines []string
	for _, l := range strings.Split(logs.String(), "\n") {
		if _, rest, ok := strings.Cut(l, "[Agent] "); ok {
			lines = append(lines, rest)
		}
	}
	want := fmt.Sprintf("28 Get %q: context deadline exceeded|went on", srv.URL+"/hang")
	if strings.Join(lines, "|") != want {
		t.Errorf("lines %q, want %s", lines, want)
	}
	if took < syncTimeout || took > syncTimeout+2*time.Second {
		t.Errorf("the run took %s, want the sync timeout (%s) and little more", took, syncTimeout)
	}
}
