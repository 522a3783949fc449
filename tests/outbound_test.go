package tests

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// echoReply is what the outbound test server's /echo route answers: what
// it received, as JSON.
type echoReply struct {
	Method, Proto, UA, Key, Num, Flag, Type, Body string
}

// outboundServer is the local HTTPS server (HTTP/2 on) the outbound tests
// talk to. hangStarted is closed when /hang has a request; hangEnded gets
// a value when that request's client went away.
type outboundServer struct {
	*httptest.Server
	hangStarted chan struct{}
	hangEnded   chan struct{}
}

func newOutboundServer(t *testing.T) *outboundServer {
	t.Helper()
	s := &outboundServer{hangStarted: make(chan struct{}), hangEnded: make(chan struct{}, 1)}
	var startOnce sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Add("X-Reply", "a")
		w.Header().Add("X-Reply", "b")
		w.Header().Set("Content-Type", "application/json")
		status := 200
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			status = 201
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(echoReply{Method: r.Method, Proto: r.Proto, UA: r.UserAgent(),
			Key: r.Header.Get("X-Key"), Num: r.Header.Get("X-Num"), Flag: r.Header.Get("X-Flag"),
			Type: r.Header.Get("Content-Type"), Body: hex.EncodeToString(b)})
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			fmt.Fprintf(w, "part%d;", i)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/badutf8", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte{'a', 0xff, 'b'}) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/echo", http.StatusFound) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			panic(http.ErrAbortHandler) // send nothing: a late "200" could race the client's timeout
		case <-time.After(waitLimit):
			fmt.Fprint(w, "slow")
		}
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		startOnce.Do(func() { close(s.hangStarted) })
		select {
		case <-r.Context().Done():
			s.hangEnded <- struct{}{}
			panic(http.ErrAbortHandler)
		case <-time.After(waitLimit):
		}
	})
	mux.HandleFunc("/waithang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-s.hangStarted:
			fmt.Fprint(w, "hang started")
		case <-time.After(waitLimit):
			fmt.Fprint(w, "hang never started")
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for range 16 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte{0})
	})
	s.Server = httptest.NewUnstartedServer(mux)
	s.EnableHTTP2 = true
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// selfSigned is a certificate for 127.0.0.1 that no CA file vouches for.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "untrusted"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// quietTLSServer starts an HTTPS server with cfg that answers "ok".
func quietTLSServer(t *testing.T, cfg *tls.Config) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	s.TLS = cfg
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// hangUpListener accepts connections, reads the request and closes them
// without a word.
func hangUpListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Read(make([]byte, 4096))
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// outboundScript runs its steps one after another, each starting the next
// from its callback, so the log lines come in a fixed order.
const outboundScript = `
const p = imp.configparams, base = p.base;
const steps = [];
function next() { const f = steps.shift(); if (f) f(); else server.log("all done"); }
function brief(name) { return function (r) { server.log(name + " " + r.statuscode + " " + (r.body.length > 0)); next(); }; }
function xreply(r) { return r.headers["x-reply"] + " | " + r.rawheaders.filter(function (h) { return h.indexOf("X-Reply") == 0; }).join(";"); }
function full(name) { return function (r) { server.log(name + " " + r.statuscode + " " + r.body.trim() + " | " + xreply(r)); next(); }; }

// sendsync blocks the agent: the wakeup due now runs only after it.
imp.wakeup(0, function () { server.log("wakeup after sendsync"); next(); });
const s = http.get(base + "/echo").sendsync();
server.log("sendsync " + s.statuscode + " " + s.body.trim() + " | " + xreply(s) + " | " + s.headers["content-type"]);
const sf = http.get("http://" + p.closed + "/").sendsync();
server.log("sendsync-refused " + sf.statuscode + " " + (sf.body.length > 0) + " " + sf.rawheaders.length);

steps.push(function () {
	http.get(base + "/echo", {"X-Key": "k1", "X-Num": 5, "X-Flag": true, "User-Agent": "probe/1"}).sendasync(full("get"));
});
steps.push(function () {
	const b = blob(3); b[0] = 0; b[1] = 255; b[2] = 65;
	http.post(base + "/echo", {"Content-Type": "application/octet-stream", "X-Key": "k2"}, b).sendasync(full("post"));
});
steps.push(function () { http.put(base + "/echo", {"Content-Type": "text/plain; charset=utf-8"}, "é put").sendasync(full("put")); });
steps.push(function () { http.httpdelete(base + "/echo", {"X-Key": "k3"}).sendasync(full("delete")); });
steps.push(function () { http.request("patch", base + "/echo", {}, "p").sendasync(full("patch")); });
steps.push(function () { http.request("OPTIONS", base + "/echo", null, null).sendasync(full("options")); });
steps.push(function () {
	const chunks = [];
	http.get(base + "/stream").sendasync(function (r) {
		server.log("stream " + r.statuscode + " body=[" + r.body + "] chunks=" + chunks.join(""));
		next();
	}, function (c) { chunks.push(c); }, 5);
});
steps.push(function () { http.get(base + "/echo").sendasync(brief("null-stream-timeout"), null, 30); });
steps.push(function () { http.get(base + "/echo").sendasync(brief("no-timeout"), NO_TIMEOUT); });
steps.push(function () { http.get(base + "/badutf8").sendasync(function (r) { server.log("badutf8 " + JSON.stringify(r.body)); next(); }); });
steps.push(function () {
	http.get(base + "/redirect").sendasync(function (r) { server.log("redirect " + r.statuscode + " " + r.headers["location"]); next(); });
});
steps.push(function () {
	const r = http.get(base + "/echo");
	r.cancel(); // not sent yet: does nothing
	r.sendasync(function (res) { server.log("cancel-before-send " + res.statuscode); r.cancel(); server.log("cancel-after-done ok"); next(); });
});
steps.push(function () {
	const h = http.get(base + "/hang");
	h.sendasync(function (r) { server.log("cancelled request completed " + r.statuscode); },
		function (c) { server.log("cancelled request streamed"); });
	http.get(base + "/waithang").sendasync(function (r) {
		h.cancel(); h.cancel();
		server.log("cancelled after " + r.body);
		next();
	});
});
steps.push(function () { http.get(base + "/slow").sendasync(brief("timeout"), 0.05); });
steps.push(function () { http.get("http://" + p.closed + "/").sendasync(brief("refused")); });
// A 64-letter label is not a valid host name: the resolver says "no such
// host" without asking a DNS server, so this works offline.
steps.push(function () { http.get("http://" + "a".repeat(64) + ".example/").sendasync(brief("dns")); });
steps.push(function () { http.get("http://[::1/").sendasync(brief("malformed")); });
steps.push(function () { http.get(p.untrusted + "/").sendasync(brief("untrusted")); });
// The test certificate names 127.0.0.1, not localhost.
steps.push(function () { http.get(base.replace("127.0.0.1", "localhost") + "/echo").sendasync(brief("wrong-host")); });
steps.push(function () { http.get(p.oldtls + "/").sendasync(brief("handshake")); });
steps.push(function () { http.get(p.plain.replace("http://", "https://") + "/").sendasync(brief("https-to-plain")); });
steps.push(function () { http.get("http://" + p.hangup + "/").sendasync(brief("empty-reply")); });
steps.push(function () { http.get(base + "/big").sendasync(brief("too-large")); });
steps.push(function () {
	let streamed = 0;
	http.get(base + "/big").sendasync(function (r) { server.log("too-large-streamed " + r.statuscode + " " + (streamed <= 16 << 20)); next(); },
		function (c) { streamed += c.length; });
});
`

// TestOutboundHTTPThroughTheBinary runs one agent through `agenthost run
// --until-idle` against a local HTTPS server trusted through tls.ca: every
// verb, headers and bodies both ways (HTTP/2), sendsync blocking the agent,
// sendasync with its stream callback, null stream and NO_TIMEOUT, cancel
// before, during and after a request, and each transport failure with the
// statuscode docs/api.md gives it.
func TestOutboundHTTPThroughTheBinary(t *testing.T) {
	srv := newOutboundServer(t)
	untrusted := quietTLSServer(t, &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}})
	oldTLS := quietTLSServer(t, &tls.Config{MaxVersion: tls.VersionTLS11})
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "plain") }))
	plain.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(plain.Close)

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ca.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})))
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), fmt.Sprintf(
		"tls: {ca: ca.pem}\nconfigparams: {base: %q, closed: %q, untrusted: %q, oldtls: %q, plain: %q, hangup: %q}\n",
		srv.URL, fmt.Sprintf("127.0.0.1:%d", freePort(t)), untrusted.URL, oldTLS.URL, plain.URL, hangUpListener(t)))
	writeFile(t, filepath.Join(dir, "agent.js"), outboundScript)

	r := runBin(t, dir, "run", "agent.js", "--until-idle", "--http", "off")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.rawOut, strings.Join(r.stderr, "\n"))
	}
	echo := func(method, ua, key, num, flag, typ, body string) string {
		b, _ := json.Marshal(echoReply{Method: method, Proto: "HTTP/2.0", UA: ua, Key: key, Num: num, Flag: flag, Type: typ, Body: body})
		return string(b)
	}
	const both = " | a, b | X-Reply: a;X-Reply: b"
	want := []string{
		"sendsync 200 " + echo("GET", "agenthost", "", "", "", "", "") + both + " | application/json",
		"sendsync-refused 7 true 0",
		"wakeup after sendsync",
		"get 200 " + echo("GET", "probe/1", "k1", "5", "true", "", "") + both,
		"post 201 " + echo("POST", "agenthost", "k2", "", "", "application/octet-stream", "00ff41") + both,
		"put 201 " + echo("PUT", "agenthost", "", "", "", "text/plain; charset=utf-8", hex.EncodeToString([]byte("é put"))) + both,
		"delete 200 " + echo("DELETE", "agenthost", "k3", "", "", "", "") + both,
		"patch 200 " + echo("PATCH", "agenthost", "", "", "", "", "70") + both,
		"options 200 " + echo("OPTIONS", "agenthost", "", "", "", "", "") + both,
		"stream 200 body=[] chunks=part0;part1;part2;",
		"null-stream-timeout 200 true",
		"no-timeout 200 true",
		`badutf8 "a` + "\uFFFD" + `b"`,
		"redirect 302 /echo",
		"cancel-before-send 200",
		"cancel-after-done ok",
		"cancelled after hang started",
		"timeout 28 true",
		"refused 7 true",
		"dns 6 true",
		"malformed 3 true",
		"untrusted 60 true",
		"wrong-host 60 true",
		"handshake 35 true",
		"https-to-plain 56 true",
		"empty-reply 52 true",
		"too-large 63 true",
		"too-large-streamed 63 true",
		"all done",
	}
	got := r.agent()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("agent lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if errs := r.agentErrors(); len(errs) != 0 {
		t.Errorf("agent errors: %q", errs)
	}
	// The cancelled request was in flight: the server saw its client go.
	select {
	case <-srv.hangEnded:
	case <-time.After(waitLimit):
		t.Error("the server never saw the cancelled /hang request end")
	}
}
