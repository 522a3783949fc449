package tests

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// agentURL starts the agenturl example with its device on a free port
// and returns the process and the agent URL it printed.
func agentURL(t *testing.T) (*proc, string) {
	t.Helper()
	p := startBin(t, "", "run", example("agenturl/agent.js"), "--device", example("agenturl/device.js"), "--http", "127.0.0.1:0")
	line := p.waitLine(func(l string) bool { return strings.HasPrefix(l, "[Status] agent URL: ") }, "the agent URL")
	url := strings.TrimPrefix(line, "[Status] agent URL: ")
	p.waitExact("[Agent] Open " + url + " in a browser")
	p.waitExact("[Device] device ready")
	return p, url
}

// findChromium returns the path of a Chromium, or fails (CI=true) or
// skips the test when there is none: scripts/test.sh installs it.
func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (scripts/test.sh installs it with apt-get)")
	}
	t.Skip("chromium is not installed; scripts/test.sh installs it")
	return ""
}

// TestAgentURLPageInChromium opens the example's page in headless
// Chromium, clicks its button twice and reads what the page shows: the
// device's answers, carried agent -> device -> agent -> page.
func TestAgentURLPageInChromium(t *testing.T) {
	chrome := findChromium(t)
	p, url := agentURL(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	answered := func(n int) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById("answer").textContent.indexOf("(reading %d)") > 0`, n),
			chromedp.WithPollingTimeout(20*time.Second))
	}
	fail := func(step string, err error) {
		t.Fatalf("chromium, %s: %v\nagent output %q\nstderr %q", step, err, p.output(), p.stderr())
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.ID("ask"))); err != nil {
		fail("loading the page", err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		fail("reading the title", err)
	}
	var answers []string
	for n := 1; n <= 2; n++ {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ask")), answered(n)); err != nil {
			fail(fmt.Sprintf("click %d", n), err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("answer")))
		if err != nil {
			fail("reading the answer", err)
		}
		answers = append(answers, text)
	}
	first, second := answers[0], answers[1]
	if title != "Ask the device" {
		t.Errorf("title %q", title)
	}
	re := regexp.MustCompile(`^The device says: temperature is 2[0-9](\.[0-9])? °C \(reading (\d)\)$`)
	for i, got := range []string{first, second} {
		m := re.FindStringSubmatch(got)
		if m == nil || m[2] != fmt.Sprint(i+1) {
			t.Errorf("answer %d on the page: %q", i+1, got)
		}
	}
	p.waitExact("[Device] asked for temperature (2)")
}

// TestAgentURLWithCurl asks the example's agent with curl, as a script or
// a person would: the page, an answer from the device, and a 404.
func TestAgentURLWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	_, url := agentURL(t)
	run := func(args ...string) (string, string) {
		out, err := exec.Command(curl, append([]string{"-s", "-w", "\n%{http_code}"}, args...)...).Output()
		if err != nil {
			t.Fatalf("curl %v: %v", args, err)
		}
		// -w puts the status code on a line of its own after the body.
		i := strings.LastIndexByte(string(out), '\n')
		return string(out[:i]), string(out[i+1:])
	}
	body, code := run(url + "/")
	if code != "200" || !strings.Contains(body, `<button id="ask">`) {
		t.Errorf("GET /: %s %q", code, body)
	}
	body, code = run("-X", "POST", url+"/ask?what=pressure")
	var a struct {
		What  string
		Value float64
		Unit  string
		Count int
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil || code != "200" || a.What != "pressure" || a.Unit != "°C" || a.Count != 1 || a.Value < 20 || a.Value >= 30 {
		t.Errorf("POST /ask: %s %q (%v)", code, body, err)
	}
	if _, code = run(url + "/nope"); code != "404" {
		t.Errorf("GET /nope: %s", code)
	}
}

// TestHTTPLimitInLimitsAndReport: `agenthost limits` lists the HTTP
// limiter, and a run's --report holds its decisions: with 2 credits the
// third request against a local TLS server is refused with 429.
func TestHTTPLimitInLimitsAndReport(t *testing.T) {
	r := runBin(t, "", "limits")
	if r.code != 0 || !strings.Contains(r.rawOut, "http              rate 2/s                   burst 40") {
		t.Fatalf("limits: exit %d\n%s", r.code, r.rawOut)
	}

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ca.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})))
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), fmt.Sprintf("tls: {ca: ca.pem}\nlimits: {http: {rate: 1/min, burst: 2}}\nconfigparams: {base: %q}\n", srv.URL))
	writeFile(t, filepath.Join(dir, "agent.js"), `
for (let i = 0; i < 3; i++) http.get(imp.configparams.base + "/x").sendasync(function (r) { server.log("status " + r.statuscode); });
`)
	r = runBin(t, dir, "run", "agent.js", "--until-idle", "--http", "off", "--report", "report.json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.rawOut)
	}
	if got := strings.Join(r.agent(), ","); got != "status 429,status 200,status 200" {
		t.Errorf("agent lines %q", r.agent())
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Summary []struct {
			Limiter                  string
			Allowed, Queued, Refused int
		}
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, data)
	}
	found := false
	for _, s := range rep.Summary {
		if s.Limiter == "http" {
			found = true
			if s.Allowed != 2 || s.Refused != 1 {
				t.Errorf("http summary %+v, want 2 allowed, 1 refused", s)
			}
		}
	}
	if !found {
		t.Errorf("no http limiter in the report:\n%s", data)
	}
	if !strings.Contains(r.rawOut, "http") {
		t.Errorf("no http line in the summary table:\n%s", r.rawOut)
	}
}

// TestDeviceMessagingThroughTheBinary: agent and device scripts exchange
// a table holding integers, a float, a string, a blob of binary bytes,
// nested arrays and null, both ways, on the virtual clock.
func TestDeviceMessagingThroughTheBinary(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agent.js"), `
device.onconnect(function () {
	const b = blob(3); b[0] = 0; b[1] = 255; b[2] = 9;
	device.send("data", {i: 7, f: 0.25, s: "ü", b: b, a: [1, [2, null]], t: true});
});
device.on("back", function (d) {
	server.log(typeof d.i + " " + d.i + " " + d.f + " " + d.s + " " + d.b.len() + ":" + d.b[1] + " " + JSON.stringify(d.a) + " " + d.t + " " + d.at);
});
`)
	writeFile(t, filepath.Join(dir, "device.js"), `
agent.on("data", function (d) {
	server.log("got " + d.b.len() + " bytes");
	imp.wakeup(3, function () { d.at = hardware.millis(); agent.send("back", d); });
});
`)
	r := runBin(t, dir, "run", "agent.js", "--device", "device.js", "--clock", "virtual", "--for", "10s", "--http", "off")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.rawOut)
	}
	if got := strings.Join(r.agent(), "|"); got != `number 7 0.25 ü 3:255 [1,[2,null]] true 3000` {
		t.Errorf("agent lines %q", r.agent())
	}
	if dev := prefixed(r.stdout, "[Device] "); len(dev) != 1 || dev[0] != "got 3 bytes" {
		t.Errorf("device lines %q", dev)
	}
}

// TestAgentURLUnansweredRequestGets504: a handler that keeps the response
// and answers only after 120 s leaves the request to the host, which
// answers 504 once 60 s have passed on the session clock (under --clock
// virtual, as soon as the agent is idle: the client waits no 60 real
// seconds); the late send is then ignored with a warning, not thrown.
func TestAgentURLUnansweredRequestGets504(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agent.js"), `
http.onrequest(function (request, response) {
	const asked = time();
	server.log("asked " + request.path);
	imp.wakeup(120, function () {
		server.log("answering after " + (time() - asked) + " s");
		response.send(200, "late");
	});
});
`)
	p := startBin(t, dir, "run", "agent.js", "--clock", "virtual", "--http", "127.0.0.1:0")
	line := p.waitLine(func(l string) bool { return strings.HasPrefix(l, "[Status] agent URL: ") }, "the agent URL")
	url := strings.TrimPrefix(line, "[Status] agent URL: ")
	start := time.Now()
	resp, err := http.Get(url + "/slow")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if el := time.Since(start); resp.StatusCode != 504 || string(body) != "the agent did not answer in time\n" || el > 10*time.Second {
		t.Fatalf("GET /slow: %d %q after %s, want 504 within 10 s", resp.StatusCode, body, el)
	}
	for _, want := range []string{"[Agent] asked /slow",
		"[Status] WARNING: GET /slow: the agent did not call response.send within 1m0s; answered 504",
		"[Agent] answering after 120 s",
		"[Status] WARNING: httpresponse.send for GET /slow ignored: the host already answered it (timeout or error)"} {
		p.waitExact(want)
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	if code := p.wait(); code != 0 || p.stderr() != "" {
		t.Fatalf("exit %d stderr %q", code, p.stderr())
	}
}
