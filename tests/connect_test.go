package tests

import (
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/internal/testpki"
)

// TestConnectFailuresSayWhy: the script sees only onconnect(-1); the log
// says why, once per attempt, as mosquitto_pub would: nothing listening,
// no such host, TLS spoken to a plain port, a certificate nobody trusts
// (naming its subject). The URL's password is never shown.
func TestConnectFailuresSayWhy(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "agenthost.yaml"), []byte("broker: script\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().String()
	ln.Close()
	// A plain server that answers TLS with text.
	plain := serve(t, nil, func(c net.Conn) { _, _ = c.Write([]byte("HTTP/1.0 400 Bad Request\r\n\r\n")) })
	// A TLS server with a certificate from a CA the agent does not trust.
	pki, err := testpki.New(filepath.Join(dir, "pki"))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(pki.CertFile, pki.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	untrusted := serve(t, &tls.Config{Certificates: []tls.Certificate{cert}}, func(c net.Conn) {
		_ = c.(*tls.Conn).Handshake()
	})
	for _, c := range []struct{ url, cause string }{
		{"tcp://user:hunter22@" + closedPort, "connection refused: nothing listens at that address"},
		{"tcp://user:hunter22@nonexistent.invalid:1883", `DNS: no such host "nonexistent.invalid"`},
		{"ssl://user:hunter22@" + plain, "TLS handshake failed: the server did not answer in TLS (a plain MQTT port?)"},
		{"ssl://user:hunter22@" + untrusted, `TLS: the certificate of "CN=localhost,O=agenthost tests" was refused: x509: certificate signed by unknown authority`},
	} {
		script := `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("onconnect " + rc); });
c.connect("` + c.url + `", "why");
`
		if err := os.WriteFile(filepath.Join(dir, "why.js"), []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runBin(t, dir, "run", "why.js", "--until-idle")
		if !slices.Equal(r.agent(), []string{"onconnect -1"}) {
			t.Errorf("%s: agent %q", c.url, r.agent())
		}
		var causes []string
		for _, s := range r.status() {
			if strings.Contains(s, "failed:") {
				causes = append(causes, s)
			}
		}
		if len(causes) != 1 || !strings.Contains(causes[0], c.cause) || !strings.Contains(causes[0], "user:xxxxx@") {
			t.Errorf("%s: want one status line with %q, got %q", c.url, c.cause, causes)
		}
		if strings.Contains(strings.Join(causes, ""), "dialled") {
			t.Errorf("%s: the script's own URL was dialled, yet the line says otherwise: %q", c.url, causes)
		}
		if all := strings.Join(append(r.stdout, r.stderr...), "\n"); strings.Contains(all, "hunter22") {
			t.Errorf("%s: the password shows:\n%s", c.url, all)
		}
	}
	// --broker sends the script's connection elsewhere: the failure names
	// both the script's URL and the address dialled, redacted.
	script := "const c = mqtt.createclient();\nc.onconnect(function (rc) { server.log(\"onconnect \" + rc); });\nc.connect(\"tcp://example.com\", \"why\");\n"
	if err := os.WriteFile(filepath.Join(dir, "why.js"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, dir, "run", "why.js", "--until-idle", "--broker", "tcp://user:hunter22@"+closedPort)
	want := "connect tcp://example.com (dialled tcp://user:xxxxx@" + closedPort + ") failed: connection refused: nothing listens at that address (onconnect -1)"
	found := false
	for _, s := range r.status() {
		found = found || strings.HasSuffix(s, want)
	}
	if !found || strings.Contains(strings.Join(append(r.stdout, r.stderr...), "\n"), "hunter22") {
		t.Errorf("want a status line ending %q (no password), got %q", want, r.status())
	}
}

// serve accepts connections on 127.0.0.1 (TLS when cfg is set) and runs
// handle on each until the test ends; it returns the address.
func serve(t *testing.T, cfg *tls.Config, handle func(net.Conn)) string {
	t.Helper()
	var ln net.Listener
	var err error
	if cfg != nil {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", cfg)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
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
			go func() { defer c.Close(); handle(c) }()
		}
	}()
	return ln.Addr().String()
}
