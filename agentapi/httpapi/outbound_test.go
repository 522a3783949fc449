package httpapi_test

import (
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// testServer is a local HTTPS server with the routes the outbound tests
// use, and a CA file that trusts it.
func testServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Test", "a")
		w.Header().Add("X-Test", "b")
		fmt.Fprint(w, "hello "+r.Header.Get("User-Agent"))
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(201)
		fmt.Fprintf(w, "%s %s %s %q", r.Method, r.Header.Get("X-Key"), r.Header.Get("Content-Type"), b)
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			fmt.Fprintf(w, "part%d;", i)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			// Returning normally would send "200" with an empty body, and
			// on a starved machine that answer can reach the client in the
			// moment between its TLS close_notify and closing the socket
			// (net/http then prefers the response to the timeout). Abort:
			// nothing is sent.
			panic(http.ErrAbortHandler)
		case <-time.After(300 * time.Millisecond):
			fmt.Fprint(w, "slow")
		}
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hello", http.StatusFound)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted-certificate test makes it complain
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, ca
}

// closedPort returns a local address where nothing listens.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestOutboundRequests runs the outbound API against a local TLS server
// whose CA is configured (tls.ca): a GET with repeated headers, a POST
// with headers and body, sendsync, a streamed body, a timeout (28), a
// refused connection (7), a redirect left to the script, and cancel.
func TestOutboundRequests(t *testing.T) {
	srv, ca := testServer(t)
	script := `
const base = imp.configparams.base;
function show(name) {
	return function (r) { server.log(name + " " + r.statuscode + " " + JSON.stringify(r.body) + " " + (r.headers["x-test"] || r.headers["location"] || "")); };
}
http.get(base + "/hello").sendasync(show("get"));
http.post(base + "/echo", {"X-Key": "k1", "Content-Type": "text/plain"}, "the body").sendasync(show("post"));
http.request("PATCH", base + "/echo", {}, blob(2)).sendasync(show("patch"));
const s = http.get(base + "/hello").sendsync();
server.log("sync " + s.statuscode + " " + s.body + " " + s.rawheaders.length);
let parts = [];
http.get(base + "/stream").sendasync(function (r) { server.log("stream " + r.statuscode + " [" + r.body + "] " + parts.join("")); },
	function (chunk) { parts.push(chunk); });
http.get(base + "/slow").sendasync(show("timeout"), 0.05);
http.get("http://" + imp.configparams.closed + "/").sendasync(show("refused"));
http.get(base + "/redirect").sendasync(show("redirect"));
const c = http.get(base + "/hang");
c.sendasync(function (r) { server.log("cancelled request completed " + r.statuscode); });
imp.wakeup(0.2, function () { c.cancel(); server.log("cancelled"); });
`
	cfg := fmt.Sprintf("tls: {ca: %s}\nhttp: {listen: off}\nconfigparams: {base: %q, closed: %q}\n", ca, srv.URL, closedPort(t))
	out := agenttest.MustRun(t, script, agenttest.Options{Config: cfg})
	got := out.Agent()
	want := []string{
		`sync 200 hello agenthost 5`, // content-length, content-type, date, x-test twice
		`get 200 "hello agenthost" a, b`,
		`post 201 "POST k1 text/plain \"the body\"" `,
		`patch 201 "PATCH   \"\\x00\\x00\"" `,
		`stream 200 [] part0;part1;part2;`,
		`timeout 28 "Get \"` + srv.URL + `/slow\": context deadline exceeded" `,
		`refused 7 `,
		`redirect 302 "<a href=\"/hello\">Found</a>.\n\n" /hello`,
		`cancelled`,
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, w) || (w == "refused 7 " && strings.HasPrefix(g, "refused 7 ")) {
				found = true
			}
		}
		if !found {
			t.Errorf("no line starting %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d lines, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	if got[0] != want[0] {
		t.Errorf("sendsync did not answer first (it blocks the agent): %q", got[0])
	}
}

// TestOutboundUntrustedCertificate: without the test server's CA the
// request fails with 60 (peer certificate not trusted), not silently.
func TestOutboundUntrustedCertificate(t *testing.T) {
	srv, _ := testServer(t)
	out := agenttest.MustRun(t, `http.get(imp.configparams.base + "/hello").sendasync(function (r) { server.log(r.statuscode + " " + r.body); });`,
		agenttest.Options{Config: fmt.Sprintf("http: {listen: off}\nconfigparams: {base: %q}\n", srv.URL)})
	if a := out.Agent(); len(a) != 1 || !strings.HasPrefix(a[0], "60 ") || !strings.Contains(a[0], "certificate") {
		t.Errorf("agent lines %q, want one \"60 ...certificate...\"", a)
	}
}

// TestOutboundRateLimit: with limits.http at 2 credits, the third request
// fails at once with 429 and sends nothing; the report counts both.
func TestOutboundRateLimit(t *testing.T) {
	srv, ca := testServer(t)
	report := filepath.Join(t.TempDir(), "report.json")
	out := agenttest.MustRun(t, `
for (let i = 0; i < 3; i++) http.get(imp.configparams.base + "/hello").sendasync(function (r) { server.log(i + " " + r.statuscode + " " + r.body); });
`, agenttest.Options{Report: report, Config: fmt.Sprintf("tls: {ca: %s}\nhttp: {listen: off}\nlimits: {http: {rate: 1/min, burst: 2}}\nconfigparams: {base: %q}\n", ca, srv.URL)})
	got := out.Agent()
	// The refusal comes first (nothing is sent); the two answers in
	// whichever order the server gives them.
	if len(got) != 3 || got[0] != "2 429 HTTP request rate limit exceeded (limits.http: 2 credits, +1/min); nothing was sent" ||
		!slices.Contains(got, "0 200 hello agenthost") || !slices.Contains(got, "1 200 hello agenthost") {
		t.Errorf("agent lines %q", got)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"limiter": "http"`) && !strings.Contains(string(data), `"limiter":"http"`) {
		t.Errorf("report has no http decisions:\n%s", data)
	}
	if !strings.Contains(out.Summary, "http") {
		t.Errorf("summary has no http line:\n%s", out.Summary)
	}
}

// TestOutboundOnVirtualClock: a request in flight stops virtual time, so
// a 10 s wakeup set before it fires after its answer, though the answer
// takes 300 ms of real time.
func TestOutboundOnVirtualClock(t *testing.T) {
	srv, ca := testServer(t)
	out := agenttest.MustRun(t, `
const t0 = Date.now();
imp.wakeup(10, function () { server.log("wakeup at " + (Date.now() - t0)); });
http.get(imp.configparams.base + "/slow").sendasync(function (r) { server.log("answer " + r.body + " at " + (Date.now() - t0)); });
`, agenttest.Options{Virtual: true, Config: fmt.Sprintf("tls: {ca: %s}\nhttp: {listen: off}\nconfigparams: {base: %q}\n", ca, srv.URL)})
	agenttest.WantAgent(t, out, "answer slow at 0", "wakeup at 10000")
}

// TestOutboundArgumentErrors: bad arguments throw errors naming the
// function and argument.
func TestOutboundArgumentErrors(t *testing.T) {
	out := agenttest.MustRun(t, `
const r = http.get("http://127.0.0.1:1/");
for (const f of [
	function () { http.get(5); },
	function () { http.get("ftp://example.com/"); },
	function () { http.post("http://x/", {}); },
	function () { http.get("http://x/", {"Bad Name": "v"}); },
	function () { http.get("http://x/", {"X-Ok": "a\nb"}); },
	function () { http.get("http://x/", {"X-Ok": {}}); },
	function () { http.get("http://x/", ["a"]); },
	function () { http.request("GET /", "http://x/", {}, ""); },
	function () { http.put("http://x/", {}, {a: 1}); },
	function () { r.sendasync(); },
	function () { r.sendasync(null); },
	function () { r.sendasync("done"); },
	function () { r.sendasync(function () {}, 0); },
	function () { r.sendasync(function () {}); r.sendasync(function () {}); },
	function () { r.cancel(); r.cancel(); throw new Error("cancel twice is fine"); },
]) {
	try { f(); server.log("no throw"); } catch (e) { server.log(e.message); }
}
`, agenttest.Options{Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out,
		"http.get: argument 'url' must be a string, got number 5",
		`http.get: argument 'url' must start with http:// or https://, got "ftp://example.com/"`,
		"http.post: wants (url, headers, body), got 2 argument(s)",
		"http.get: argument 'headers': \"Bad Name\" is not a header name (letters, digits and !#$%&'*+-.^_`|~)",
		`http.get: argument 'headers': header "X-Ok" must be a string, number or boolean without line breaks, got string "a\nb"`,
		`http.get: argument 'headers': header "X-Ok" must be a string, number or boolean without line breaks, got object`,
		"http.get: argument 'headers' must be a table of header names to values, got array",
		`http.request: argument 'verb' must be an HTTP method such as "OPTIONS", got string "GET /"`,
		"http.put: argument 'body' must be a string or blob, got object",
		"httprequest.sendasync: argument 'doneCallback' must be a function, got undefined",
		"httprequest.sendasync: argument 'doneCallback' must be a function, got null",
		`httprequest.sendasync: argument 'doneCallback' must be a function, got string "done"`,
		"httprequest.sendasync: argument 'timeout' must be a number of seconds > 0 or NO_TIMEOUT, got number 0",
		"httprequest.sendasync: this request was already sent (make a new one with http.get/post/...)",
		"cancel twice is fine",
	)
}

// TestStreamedChunksKeepCharacters: a streamed body whose reads split
// multi-byte UTF-8 characters reaches the script's chunks whole — their
// concatenation is the body, with no U+FFFD — and bytes that are not
// UTF-8 at all still arrive (as U+FFFD, as in a whole body).
func TestStreamedChunksKeepCharacters(t *testing.T) {
	body := strings.Repeat("é€😀", 20000) // 2-, 3- and 4-byte sequences, 180,000 bytes
	mux := http.NewServeMux()
	mux.HandleFunc("/split", func(w http.ResponseWriter, r *http.Request) {
		// every write ends inside a character
		b := []byte(body)
		for i := 0; i < len(b); {
			n := min(1001, len(b)-i)
			w.Write(b[i : i+n])
			w.(http.Flusher).Flush()
			i += n
		}
		w.Write([]byte{0xe2, 0x82}) // a sequence the body never completes
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	script := `
let parts = [];
http.get(imp.configparams.base + "/split").sendasync(function (r) {
	const all = parts.join("");
	http.get(imp.configparams.base + "/split").sendasync(function (whole) {
		server.log("chunks " + parts.length + " body intact " + (all.slice(0, imp.configparams.body.length) == imp.configparams.body) +
			" same as unstreamed " + (all == whole.body) + " tail " + JSON.stringify(all.slice(imp.configparams.body.length)));
	});
}, function (chunk) { parts.push(chunk); });
`
	cfg := fmt.Sprintf("http: {listen: off}\nconfigparams: {base: %q, body: %q}\n", srv.URL, body)
	out := agenttest.MustRun(t, script, agenttest.Options{Config: cfg})
	got := out.Agent()
	want := regexp.MustCompile(`^chunks ([0-9]+) body intact true same as unstreamed true tail "\x{FFFD}+"$`)
	if len(got) != 1 || !want.MatchString(got[0]) {
		t.Fatalf("agent lines %q, want one line matching %s", got, want)
	}
	if n, _ := strconv.Atoi(want.FindStringSubmatch(got[0])[1]); n < 2 {
		t.Fatalf("the body came in %d chunk(s); the test needs several", n)
	}
}
