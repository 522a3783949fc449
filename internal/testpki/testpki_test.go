package testpki_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/internal/testpki"
)

func TestNewWritesVerifiableChain(t *testing.T) {
	dir := t.TempDir()
	p, err := testpki.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{p.CAFile, p.CertFile, p.KeyFile} {
		if filepath.Dir(f) != dir {
			t.Errorf("%s not in %s", f, dir)
		}
	}
	if fi, err := os.Stat(p.KeyFile); err != nil {
		t.Fatal(err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode = %v, want 0600", fi.Mode().Perm())
	}

	keyPEM, err := os.ReadFile(p.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := pem.Decode(keyPEM); b == nil || b.Type != "PRIVATE KEY" {
		t.Fatalf("key file is not PKCS#8 PEM: %q", keyPEM)
	}
	pair, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"127.0.0.1", "::1", "localhost"} {
		_, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: p.CertPool()})
		if err != nil {
			t.Errorf("verify for %s: %v", name, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "example.com", Roots: p.CertPool()}); err == nil {
		t.Error("certificate unexpectedly valid for example.com")
	}

	other, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "127.0.0.1", Roots: other.CertPool()}); err == nil {
		t.Error("certificate verified against an unrelated CA")
	}
	if other.CACert.Equal(p.CACert) {
		t.Error("two calls to New produced the same CA")
	}
}

// TestOpenSSLAccepts checks the files with the OpenSSL command line tool,
// the library mosquitto uses. Skipped when openssl is not installed.
func TestOpenSSLAccepts(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	p, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(openssl, "verify", "-CAfile", p.CAFile, "-verify_ip", "127.0.0.1", p.CertFile).CombinedOutput()
	if err != nil || !strings.Contains(string(out), ": OK") {
		t.Errorf("openssl verify: %v: %s", err, out)
	}
	out, err = exec.Command(openssl, "pkey", "-in", p.KeyFile, "-noout").CombinedOutput()
	if err != nil {
		t.Errorf("openssl pkey: %v: %s", err, out)
	}
	other, err := testpki.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(openssl, "verify", "-CAfile", other.CAFile, p.CertFile).CombinedOutput()
	if err == nil {
		t.Errorf("openssl verified against an unrelated CA: %s", out)
	}
}
