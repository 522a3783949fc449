package mqttwire

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// DialOptions configure Dial.
type DialOptions struct {
	// TLS configures ssl:// and wss://; nil verifies against the system
	// roots.
	TLS *tls.Config
	// Timeout bounds the TCP connect and the TLS or websocket handshake; 0
	// means 10 s.
	Timeout time.Duration
	// SendBuffer, when > 0, sets the TCP socket's send buffer (SO_SNDBUF)
	// for tcp:// and ssl://, so that a peer that stops reading makes
	// writes wait after that many bytes instead of after the several
	// megabytes the operating system would buffer.
	SendBuffer int
}

// Dial opens a connection to rawURL: tcp://host:port, ssl://host:port,
// ws://... or wss://.... ctx aborts it. Errors are net errors: IsDNS tells
// a name that did not resolve.
func Dial(ctx context.Context, rawURL string, o DialOptions) (net.Conn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	switch u.Scheme {
	case "tcp", "ssl":
	case "ws", "wss":
		return paho.NewWebsocket(u.String(), o.TLS, o.Timeout, nil, nil)
	default:
		return nil, fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	d := &net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	if tc, ok := conn.(*net.TCPConn); ok && o.SendBuffer > 0 {
		_ = tc.SetWriteBuffer(o.SendBuffer)
	}
	if u.Scheme == "tcp" {
		return conn, nil
	}
	cfg := o.TLS
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if cfg.ServerName == "" {
		cfg = cfg.Clone()
		cfg.ServerName = u.Hostname()
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// IsDNS reports whether err is a host name that could not be resolved.
func IsDNS(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de)
}

// IsTimeout reports whether err is a network operation that timed out.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
}
