package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// answer is one HTTP response as the test saw it.
type answer struct {
	status int
	header http.Header
	body   string
}

// ask sends one request and reads the whole answer.
func ask(t *testing.T, method, url, body string, header map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return answer{}
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	res, err := c.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return answer{}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, string(b)}
}

// runWithURL runs script for d of real time and calls fn, on its own
// goroutine, with the agent URL as soon as the listener prints it; the
// run ends after d.
func runWithURL(t *testing.T, script string, d time.Duration, fn func(url string)) agenttest.Output {
	t.Helper()
	var wg sync.WaitGroup
	out := agenttest.Run(t, script, agenttest.Options{For: d, OnLine: func(line string) {
		if url, ok := strings.CutPrefix(line, "[Status] agent URL: "); ok {
			wg.Add(1)
			go func() { defer wg.Done(); fn(url) }()
		}
	}})
	wg.Wait()
	if out.Err != nil {
		t.Fatalf("run: %v\n%q", out.Err, out.Stdout)
	}
	return out
}

const agentURLScript = `
http.onrequest(function (req, res) {
	if (req.path == "/throw") null.field;
	if (req.path == "/later") { imp.wakeup(0.2, function () { res.send(202, "later"); }); return; }
	if (req.path == "/twice") {
		res.send(201, "one");
		try { res.send(200, "two"); } catch (e) { server.log(e.message); }
		return;
	}
	if (req.path == "/blob") { const b = blob(3); b[0] = 0; b[1] = 255; b[2] = 10; res.send(200, b); return; }
	if (req.path == "/badargs") {
		const m = [];
		for (const f of [function () { res.header("Bad Name", "v"); }, function () { res.header("X-A", "a\nb"); },
		                 function () { res.header("X-A", {}); }, function () { res.send(200, {}); }]) {
			try { f(); m.push("no throw"); } catch (e) { m.push(e.message); }
		}
		res.header("X-Flag", true);
		res.send(400, m.join("\n"));
		return;
	}
	if (req.path == "/badcode") { try { res.send(99, "x"); } catch (e) { res.send(400, e.message); } return; }
	res.header("X-Echo", req.method);
	res.header("Content-Type", "application/json");
	res.send(200, http.jsonencode(req, {compact: true}));
});
server.log("url " + http.agenturl());
`

// TestAgentURLServesRealRequests sends real HTTP requests to the agent
// URL: the request table (method, path, query, lower-case headers, body),
// headers and status set by the script, a blob body, a handler that throws
// (500, error logged with its stack), an answer sent later, a second send
// (throws), a bad status code, and a body over the 1 MiB limit (413
// without reaching the script).
func TestAgentURLServesRealRequests(t *testing.T) {
	got := map[string]answer{}
	var mu sync.Mutex
	var base string
	out := runWithURL(t, agentURLScript, 3*time.Second, func(url string) {
		base = url
		put := func(k string, a answer) { mu.Lock(); got[k] = a; mu.Unlock() }
		put("post", ask(t, "POST", url+"/api/light?state=on&color=red+ish", "payload", map[string]string{"X-Custom": "Yes"}))
		put("root", ask(t, "GET", url, "", nil))
		put("throw", ask(t, "GET", url+"/throw", "", nil))
		put("later", ask(t, "GET", url+"/later", "", nil))
		put("twice", ask(t, "GET", url+"/twice", "", nil))
		put("blob", ask(t, "GET", url+"/blob", "", nil))
		put("badcode", ask(t, "GET", url+"/badcode", "", nil))
		put("badargs", ask(t, "GET", url+"/badargs", "", nil))
		put("big", ask(t, "POST", url+"/big", strings.Repeat("x", 1<<20+1), nil))
	})
	if !slices.Contains(out.Agent(), "url "+base) {
		t.Errorf("http.agenturl() is not the printed URL %s: %q", base, out.Agent())
	}
	p := got["post"]
	var req struct {
		Method, Path, Body string
		Query, Headers     map[string]string
	}
	if err := json.Unmarshal([]byte(p.body), &req); err != nil || p.status != 200 {
		t.Fatalf("POST: %d %q: %v", p.status, p.body, err)
	}
	if req.Method != "POST" || req.Path != "/api/light" || req.Body != "payload" ||
		req.Query["state"] != "on" || req.Query["color"] != "red ish" || req.Headers["x-custom"] != "Yes" ||
		req.Headers["content-length"] != "7" {
		t.Errorf("request table %+v", req)
	}
	if p.header.Get("X-Echo") != "POST" || p.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", p.header)
	}
	if r := got["root"]; r.status != 200 || !strings.Contains(r.body, `"path":"/"`) {
		t.Errorf("root: %d %q", r.status, r.body)
	}
	if r := got["throw"]; r.status != 500 || !strings.Contains(r.body, "threw") {
		t.Errorf("throw: %d %q", r.status, r.body)
	}
	if errs := strings.Join(out.AgentErrors(), "\n"); !strings.Contains(errs, "TypeError: Cannot read property 'field' of") || !strings.Contains(errs, "agent.js:3") {
		t.Errorf("the handler's error is not logged with its location: %q", out.AgentErrors())
	}
	if r := got["later"]; r.status != 202 || r.body != "later" {
		t.Errorf("later: %d %q", r.status, r.body)
	}
	if r := got["twice"]; r.status != 201 || r.body != "one" {
		t.Errorf("twice: %d %q", r.status, r.body)
	}
	if !slices.Contains(out.Agent(), "httpresponse.send: the response to GET /twice was already sent") {
		t.Errorf("second send did not throw: %q", out.Agent())
	}
	if r := got["blob"]; r.status != 200 || r.body != "\x00\xff\n" {
		t.Errorf("blob: %d %q", r.status, r.body)
	}
	if r := got["badcode"]; r.status != 400 || r.body != "httpresponse.send: argument 'statuscode' must be an integer from 100 to 599, got number 99" {
		t.Errorf("badcode: %d %q", r.status, r.body)
	}
	wantBad := "httpresponse.header: argument 'name' must be a header name (letters, digits and !#$%&'*+-.^_`|~), got string \"Bad Name\"\n" +
		"httpresponse.header: argument 'value' must be a string, number or boolean without line breaks, got string \"a\\nb\"\n" +
		"httpresponse.header: argument 'value' must be a string, number or boolean without line breaks, got object\n" +
		"httpresponse.send: argument 'body' must be a string, number, boolean or blob, got object"
	if r := got["badargs"]; r.status != 400 || r.body != wantBad || r.header.Get("X-Flag") != "true" {
		t.Errorf("badargs: %d %q %v\nwant body %q", r.status, r.body, r.header, wantBad)
	}
	if r := got["big"]; r.status != 413 {
		t.Errorf("big: %d %q", r.status, r.body)
	}
	for _, l := range out.Agent() {
		if strings.Contains(l, "/big") {
			t.Errorf("the oversized request reached the script: %q", l)
		}
	}
}

// TestAgentURLListensWhenTheScriptNeverReadsHTTP: the http global is
// made when the script first reads it, but the listener starts with the
// agent whether or not it does: a script that never mentions http still
// has an agent URL, which answers 503 (no handler).
func TestAgentURLListensWhenTheScriptNeverReadsHTTP(t *testing.T) {
	var a answer
	out := runWithURL(t, `server.log("up " + NO_TIMEOUT);`, time.Second, func(url string) { a = ask(t, "GET", url+"/x", "", nil) })
	agenttest.WantAgent(t, out, "up -1")
	if a.status != 503 || a.body != "the agent has no http.onrequest handler\n" {
		t.Fatalf("GET /x: %d %q", a.status, a.body)
	}
}

// TestAgentURLWithoutHandlerAndPublicURL: a request before any handler
// (or after it is removed) gets 503; the public URL, when configured, is
// what agenturl() returns while the listener still serves.
func TestAgentURLWithoutHandlerAndPublicURL(t *testing.T) {
	script := `
server.log(http.agenturl());
imp.wakeup(1, function () {
	http.onrequest(function (q, r) { r.send(200, "on"); http.onrequest(null); server.log("removed"); });
	server.log("registered");
});
`
	var mu sync.Mutex
	var url string
	got := map[string]answer{}
	var wg sync.WaitGroup
	request := func(name string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			u := url
			mu.Unlock()
			a := ask(t, "GET", u, "", nil)
			mu.Lock()
			got[name] = a
			mu.Unlock()
		}()
	}
	out := agenttest.Run(t, script, agenttest.Options{For: 2 * time.Second,
		Config: "http: {public_url: \"https://myagent.example.com/\"}\n",
		OnLine: func(line string) {
			if rest, ok := strings.CutPrefix(line, "[Status] agent URL: https://myagent.example.com (listening on "); ok {
				mu.Lock()
				url = strings.TrimSuffix(rest, ")")
				mu.Unlock()
				request("before") // the handler comes 1 s later
			}
			switch line {
			case "[Agent] registered":
				request("during")
			case "[Agent] removed":
				request("after")
			}
		}})
	wg.Wait()
	if out.Err != nil {
		t.Fatal(out.Err)
	}
	agenttest.WantAgent(t, out, "https://myagent.example.com", "registered", "removed")
	if got["before"].status != 503 || got["during"].status != 200 || got["during"].body != "on" || got["after"].status != 503 {
		t.Errorf("before %d, during %d %q, after %d", got["before"].status, got["during"].status, got["during"].body, got["after"].status)
	}
}

// TestRequestDuringStartWaitsForTheHandler: a request that arrives while
// the script's top level is still running (the listener is up before the
// script starts) is answered by the handler the top level registers, not
// refused.
func TestRequestDuringStartWaitsForTheHandler(t *testing.T) {
	var got answer
	out := runWithURL(t, `
const start = Date.now();
while (Date.now() - start < 300) {} // a slow start
http.onrequest(function (req, res) { res.send(200, "handled after " + (Date.now() - start >= 300)); });
`, 2*time.Second, func(url string) { got = ask(t, "GET", url, "", nil) })
	if got.status != 200 || got.body != "handled after true" {
		t.Fatalf("early request: %d %q; output %q", got.status, got.body, out.Stdout)
	}
}
