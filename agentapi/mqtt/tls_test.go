package mqtt_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/internal/agenttest"
	"github.com/agenthost/agenthost/internal/testpki"
)

// TestEmbeddedTLS: with embedded.tls set, an ssl:// connect goes to the
// embedded broker's TLS listener and verifies its certificate against
// tls.ca; an unrelated CA fails the connect with -1.
func TestEmbeddedTLS(t *testing.T) {
	pki, err := testpki.New(filepath.Join(t.TempDir(), "pki"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := testpki.New(filepath.Join(t.TempDir(), "other"))
	if err != nil {
		t.Fatal(err)
	}
	script := `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("rc " + rc); if (rc == 0) c.disconnect(); });
c.connect("ssl://secure.example.com", "tls-test");
`
	for _, tc := range []struct {
		ca   string
		want string
	}{
		{pki.CAFile, "rc 0"},
		{other.CAFile, "rc -1"},
		{"", "rc 0"}, // no tls.ca: the embedded broker's own certificate is trusted
	} {
		cfg := fmt.Sprintf("embedded:\n  tls: {cert: %q, key: %q}\n", pki.CertFile, pki.KeyFile)
		if tc.ca != "" {
			cfg += fmt.Sprintf("tls: {ca: %q}\n", tc.ca)
		}
		out := agenttest.MustRun(t, script, agenttest.Options{Config: cfg})
		agenttest.WantAgent(t, out, tc.want)
		if !slices.ContainsFunc(out.Status(), func(s string) bool {
			return strings.HasPrefix(s, "ssl://secure.example.com:8883 -> embedded broker 127.0.0.1:") && strings.HasSuffix(s, "(TLS)")
		}) {
			t.Fatalf("status lines %q", out.Status())
		}
	}
}

// TestSSLWithoutEmbeddedTLSFallsBackToTCP: the embedded broker without TLS
// still serves an ssl:// script, over plain TCP, and says so.
func TestSSLWithoutEmbeddedTLSFallsBackToTCP(t *testing.T) {
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("rc " + rc); c.disconnect(); });
c.connect("ssl://secure.example.com", "tls-test");
`, agenttest.Options{})
	agenttest.WantAgent(t, out, "rc 0")
	if !slices.ContainsFunc(out.Status(), func(s string) bool { return strings.Contains(s, "(plain TCP: the embedded broker has no TLS") }) {
		t.Fatalf("status lines %q", out.Status())
	}
}
