// Package brokerurl parses and validates MQTT broker URLs — the ones
// scripts pass to connect() and the one a config file, AGENTHOST_BROKER or
// --broker names — with one set of rules, and redacts their passwords for
// display. Every error it returns shows the URL redacted.
package brokerurl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Schemes are the accepted URL schemes, in the order messages list them.
var Schemes = []string{"tcp", "ssl", "ws", "wss"}

// DefaultPort returns the port a scheme uses when the URL names none, ""
// for an unknown scheme.
func DefaultPort(scheme string) string {
	switch scheme {
	case "tcp":
		return "1883"
	case "ssl":
		return "8883"
	case "ws":
		return "80"
	case "wss":
		return "443"
	}
	return ""
}

// Error is a broker URL that was refused. Its text shows the URL redacted.
type Error struct {
	URL    string // redacted
	Reason string // e.g. "has no host"
	// Scheme is set when the scheme is what is wrong (for "did you mean").
	Scheme string
}

func (e *Error) Error() string { return fmt.Sprintf("%q %s", e.URL, e.Reason) }

// Parse validates raw and returns it parsed, with the scheme's default
// port filled in. Rules: scheme tcp, ssl, ws or wss (any case); a host;
// a port, when given, from 1 to 65535; no path for tcp:// and ssl://; no
// unencoded "/", "?" or "#" in a user name or password (a parser would
// take part of the password for the host, so such URLs are refused).
func Parse(raw string) (*url.URL, error) {
	bad := func(reason string) error { return &Error{URL: Redact(raw), Reason: reason} }
	scheme, _, hasScheme := strings.Cut(raw, "://")
	if !hasScheme {
		return nil, &Error{URL: Redact(raw), Reason: "has no scheme: want tcp://, ssl://, ws:// or wss://"}
	}
	if DefaultPort(strings.ToLower(scheme)) == "" {
		return nil, &Error{URL: Redact(raw), Reason: "has an unsupported scheme: want tcp://, ssl://, ws:// or wss://", Scheme: scheme}
	}
	if misplacedAt(raw) {
		return nil, bad(`has an unencoded "/", "?" or "#" before its "@": write them in a user name or password as %2F, %3F, %23 (and an "@" after the host as %40)`)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, bad("is not a valid URL: " + redactIn(err.Error(), raw))
	}
	if u.Hostname() == "" {
		return nil, bad("has no host")
	}
	port := u.Port()
	if port == "" && strings.HasSuffix(u.Host, ":") {
		return nil, bad(`has an invalid port "" (want 1-65535)`)
	}
	if port != "" && !ValidPort(port, 1) {
		return nil, bad(fmt.Sprintf("has an invalid port %q (want 1-65535)", port))
	}
	if (u.Scheme == "tcp" || u.Scheme == "ssl") && u.Path != "" && u.Path != "/" {
		return nil, bad(fmt.Sprintf("has a path: %s:// URLs take none", u.Scheme))
	}
	if port == "" {
		u.Host = net.JoinHostPort(u.Hostname(), DefaultPort(u.Scheme))
	}
	return u, nil
}

// misplacedAt reports whether raw has an "@" after a "/", "?" or "#" and
// a ":" before it: a password holding one of those characters unencoded.
// A URL parser ends the host at the first of them, so it would take part
// of the password for the host and port, and show the rest as a path.
func misplacedAt(raw string) bool {
	_, rest, _ := strings.Cut(raw, "://")
	at := strings.LastIndex(rest, "@")
	end := strings.IndexAny(rest, "/?#")
	return at >= 0 && end >= 0 && end < at && strings.Contains(rest[:at], ":")
}

// ValidPort reports whether p is a decimal port number from lo to 65535
// (lo is 0 where 0 means "any free port", 1 for a port to connect to).
func ValidPort(p string, lo int) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	n := 0
	for _, ch := range p {
		if ch < '0' || ch > '9' {
			return false
		}
		n = n*10 + int(ch-'0')
	}
	return n >= lo && n <= 65535
}

// Redact returns raw for display with any password in its user info
// replaced by "xxxxx", whether or not raw is a valid URL, so credentials
// never reach a log line, an error message or a report.
func Redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			return u.Redacted()
		}
	}
	// Not parseable, or parsed without user info (no "://" makes the rest
	// opaque, and a "/", "?" or "#" in the password ends the host early):
	// hide the password between "://" (or the start) and the last '@'.
	rest, start := raw, 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + 3
		rest = raw[start:]
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, _, hasPass := strings.Cut(rest[:at], ":")
		if hasPass {
			return raw[:start] + user + ":xxxxx" + raw[start+at:]
		}
	}
	return raw
}

// redactIn replaces any password of raw appearing in msg (a parser's
// error may quote part of the URL).
func redactIn(msg, raw string) string {
	rest := raw
	if i := strings.Index(raw, "://"); i >= 0 {
		rest = raw[i+3:]
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if _, pass, ok := strings.Cut(rest[:at], ":"); ok && pass != "" {
			msg = strings.ReplaceAll(msg, pass, "xxxxx")
		}
	}
	return msg
}
