package mqtt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// connectCause says in a few words why a connect attempt failed, for the
// [Status] line that goes with onconnect(-1): the script only sees -1, a
// person reading the log wants the cause, as mosquitto_pub names it.
// Nothing in it comes from the URL's user info.
func connectCause(err error, conn *trackedConn, timeout time.Duration) string {
	if conn != nil {
		if _, detail := conn.guard.why(); detail != "" {
			return detail
		}
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	var netErr net.Error
	switch {
	case err == nil:
		return "no reason given"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return fmt.Sprintf("DNS: no such host %q", dnsErr.Name)
		}
		return fmt.Sprintf("DNS: looking up %q failed: %s", dnsErr.Name, dnsErr.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused: nothing listens at that address"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to the host"
	case errors.As(err, &certErr):
		return "TLS: " + certificateProblem(certErr.UnverifiedCertificates, certErr.Err)
	case errors.As(err, &unknownCA):
		return "TLS: " + certificateProblem([]*x509.Certificate{unknownCA.Cert}, unknownCA)
	case errors.As(err, &hostErr):
		return "TLS: " + certificateProblem([]*x509.Certificate{hostErr.Certificate}, hostErr)
	case errors.As(err, &invalid):
		return "TLS: " + certificateProblem([]*x509.Certificate{invalid.Cert}, invalid)
	case errors.As(err, &recordErr):
		return "TLS handshake failed: the server did not answer in TLS (a plain MQTT port?)"
	case errors.As(err, &alert):
		return "TLS handshake failed: the server sent the alert " + alert.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout(), strings.Contains(err.Error(), "timeout"):
		return fmt.Sprintf("timed out after %s without a CONNACK", timeout)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return "the broker closed the connection before answering CONNECT"
	}
	return err.Error()
}

// certificateProblem names the server's certificate (its subject) and
// what is wrong with it.
func certificateProblem(chain []*x509.Certificate, err error) string {
	subject := "the server's certificate"
	if len(chain) > 0 && chain[0] != nil {
		subject = fmt.Sprintf("the certificate of %q", chain[0].Subject.String())
	}
	return subject + " was refused: " + err.Error()
}
