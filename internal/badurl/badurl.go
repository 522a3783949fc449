// Package badurl lists, for tests, broker URLs that carry a password and
// are refused, one for every error path of brokerurl.Parse, so each place
// that takes a broker URL (the config file's broker, AGENTHOST_BROKER,
// --broker, a script's connect()) can check that none of its errors shows
// the password. It holds no state; any goroutine may call it.
package badurl

import "strings"

// Case is a refused URL.
type Case struct {
	Name   string // the error path
	URL    string // carries the password
	Reason string // how brokerurl's error describes the problem (a prefix)
}

// User is the user name of every case; the redacted form of each URL shows
// "alice:xxxxx@".
const User = "alice"

// WithPassword returns one refused URL per error path, each with password
// in its user info. password must not contain "/?#@:" or spaces (the
// paths those characters reach have cases of their own).
func WithPassword(password string) []Case {
	cases := []Case{
		{"no scheme", "alice:PW@h:1883", "has no scheme"},
		{"unsupported scheme", "http://alice:PW@h", "has an unsupported scheme"},
		{"misspelt scheme", "tcpp://alice:PW@h", "has an unsupported scheme"},
		{"unparseable port", "tcp://alice:PW@h:x", "is not a valid URL"},
		{"bad escape", "tcp://alice:PW@h/%zz", "is not a valid URL"},
		{"no host", "tcp://alice:PW@:1883", "has no host"},
		{"empty port", "tcp://alice:PW@h:", `has an invalid port ""`},
		{"port out of range", "ssl://alice:PW@h:65536", `has an invalid port "65536"`},
		{"port zero", "ws://alice:PW@h:0/mqtt", `has an invalid port "0"`},
		{"path", "tcp://alice:PW@h/x", "has a path"},
		{"slash in the password", "tcp://alice:PW/more@h:1883", "has an unencoded"},
		{"slash in the password, numeric start", "ws://alice:2024/PW@h", "has an unencoded"},
		{"question mark in the password", "ssl://alice:PW?x@h", "has an unencoded"},
		{"hash in the password", "wss://alice:PW#x@h/mqtt", "has an unencoded"},
	}
	for i := range cases {
		cases[i].URL = strings.Replace(cases[i].URL, "PW", password, 1)
	}
	return cases
}
