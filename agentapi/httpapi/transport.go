package httpapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"
)

// Transport failures of outbound requests, as statuscodes below 100. The
// imp reports libcurl's error numbers; these are the ones a request here
// can produce, with libcurl's meaning.
const (
	CodeMalformedURL  = 3  // the URL cannot be parsed (CURLE_URL_MALFORMAT)
	CodeDNS           = 6  // the host name does not resolve (CURLE_COULDNT_RESOLVE_HOST)
	CodeConnect       = 7  // the connection was refused or the host is unreachable (CURLE_COULDNT_CONNECT)
	CodeTimeout       = 28 // the timeout passed (CURLE_OPERATION_TIMEDOUT)
	CodeTLS           = 35 // the TLS handshake failed (CURLE_SSL_CONNECT_ERROR)
	CodeEmptyReply    = 52 // the server closed the connection without answering (CURLE_GOT_NOTHING)
	CodeSend          = 55 // sending the request failed (CURLE_SEND_ERROR)
	CodeRecv          = 56 // the connection failed while receiving (CURLE_RECV_ERROR)
	CodeCertificate   = 60 // the server's certificate is not trusted (CURLE_PEER_FAILED_VERIFICATION)
	CodeTooLarge      = 63 // the response is larger than MaxResponseBody (CURLE_FILESIZE_EXCEEDED)
	CodeAgentStopping = 42 // the agent stopped while the request was in flight (CURLE_ABORTED_BY_CALLBACK)
)

// newClient is the HTTP client of outbound requests: TLS verified with
// base's roots (the system's when nil), no redirects followed (the script
// sees 3xx, as with libcurl's defaults), no proxy from the environment.
func newClient(base *tls.Config) *http.Client {
	tlsc := &tls.Config{MinVersion: tls.VersionTLS12}
	if base != nil {
		tlsc = base.Clone()
		tlsc.ServerName = "" // per request, from the URL
	}
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsc,
		TLSHandshakeTimeout: 30 * time.Second,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        16,
		IdleConnTimeout:     60 * time.Second,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// transportCode maps a failed request's error to its statuscode.
func transportCode(ctx context.Context, err error) int {
	var (
		dnsErr   *net.DNSError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		certErr  x509.CertificateInvalidError
		verifErr *tls.CertificateVerificationError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
		opErr    *net.OpError
	)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return CodeTimeout
	case ctx.Err() != nil:
		return CodeAgentStopping
	case errors.As(err, &dnsErr):
		return CodeDNS
	case errors.As(err, &verifErr), errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &certErr):
		return CodeCertificate
	case errors.As(err, &recErr), errors.As(err, &alertErr):
		return CodeTLS
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return CodeConnect
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return CodeEmptyReply
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return CodeConnect
	case errors.As(err, &opErr) && opErr.Op == "write":
		return CodeSend
	case errors.As(err, &opErr) && opErr.Op == "remote error":
		return CodeTLS
	}
	return CodeRecv
}
