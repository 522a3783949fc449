// Package testpki generates throw-away X.509 material for tests: a
// self-signed certificate authority and a server certificate issued by it,
// written as PEM files that both Go's crypto/tls and OpenSSL-based programs
// (mosquitto, openssl s_client) accept.
//
// Keys are ECDSA P-256; private keys are written as PKCS#8 PEM
// ("-----BEGIN PRIVATE KEY-----") with mode 0600. Certificates are signed
// with ECDSA-SHA256 and are valid from one hour in the past until 30 days
// in the future, so clock skew between a test and a spawned broker does not
// matter.
//
// Every call to New creates a new, independent CA, so calling New twice
// (in two directories) yields two mutually unrelated trust roots; this is
// the intended way to obtain a "wrong CA" for negative tests.
//
// The package holds no global state; all functions are safe to call from
// any goroutine, including concurrently from parallel tests using
// different directories.
package testpki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// File names written by New inside its directory.
const (
	CAFileName   = "ca.crt"
	CertFileName = "server.crt"
	KeyFileName  = "server.key"
)

// PKI describes the files written by New. All paths are absolute when the
// directory given to New was absolute.
type PKI struct {
	Dir      string // directory holding the files
	CAFile   string // PEM certificate of the CA (trust anchor for clients)
	CertFile string // PEM server certificate, issued by the CA
	KeyFile  string // PKCS#8 PEM private key of the server certificate

	// CACert is the parsed CA certificate, convenient for building a pool.
	CACert *x509.Certificate
}

// New creates dir if needed and writes ca.crt, server.crt and server.key
// into it: a fresh self-signed CA and a server certificate issued by it
// whose subject alternative names are 127.0.0.1, ::1 and localhost.
// Existing files with those names are overwritten. The returned error
// names the step or file that failed.
func New(dir string) (*PKI, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("testpki: create directory: %w", err)
	}

	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("testpki: generate CA key: %w", err)
	}
	now := time.Now()
	caSerial, err := serial()
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          caSerial,
		Subject:               pkix.Name{CommonName: "agenthost test CA " + caSerial.Text(16)[:8], Organization: []string{"agenthost tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("testpki: create CA certificate: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("testpki: parse CA certificate: %w", err)
	}

	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("testpki: generate server key: %w", err)
	}
	srvSerial, err := serial()
	if err != nil {
		return nil, err
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: srvSerial,
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"agenthost tests"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("testpki: create server certificate: %w", err)
	}
	srvKeyDER, err := x509.MarshalPKCS8PrivateKey(srvKey)
	if err != nil {
		return nil, fmt.Errorf("testpki: marshal server key: %w", err)
	}

	p := &PKI{
		Dir:      dir,
		CAFile:   filepath.Join(dir, CAFileName),
		CertFile: filepath.Join(dir, CertFileName),
		KeyFile:  filepath.Join(dir, KeyFileName),
		CACert:   caCert,
	}
	if err := writePEM(p.CAFile, "CERTIFICATE", caDER, 0o644); err != nil {
		return nil, err
	}
	if err := writePEM(p.CertFile, "CERTIFICATE", srvDER, 0o644); err != nil {
		return nil, err
	}
	if err := writePEM(p.KeyFile, "PRIVATE KEY", srvKeyDER, 0o600); err != nil {
		return nil, err
	}
	return p, nil
}

// CertPool returns a new pool containing only this PKI's CA certificate.
func (p *PKI) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.CACert)
	return pool
}

// ClientTLSConfig returns a client configuration that trusts only this
// PKI's CA. Each call returns a new value the caller may modify.
func (p *PKI) ClientTLSConfig() *tls.Config {
	return &tls.Config{RootCAs: p.CertPool(), MinVersion: tls.VersionTLS12}
}

func serial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("testpki: serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil // strictly positive, at most 16 bytes
}

func writePEM(path, blockType string, der []byte, mode os.FileMode) error {
	data := pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
	if data == nil {
		return errors.New("testpki: encode " + path)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		return fmt.Errorf("testpki: write %s: %w", path, err)
	}
	// WriteFile does not change the mode of an existing file.
	if err := os.Chmod(path, mode); err != nil {
		return fmt.Errorf("testpki: chmod %s: %w", path, err)
	}
	return nil
}
