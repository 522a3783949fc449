package brokerurl

import (
	"errors"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/internal/badurl"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		raw, want, err string
	}{
		{"tcp://h", "tcp://h:1883", ""},
		{"ssl://h", "ssl://h:8883", ""},
		{"ws://h/mqtt", "ws://h:80/mqtt", ""},
		{"wss://h", "wss://h:443", ""},
		{"TCP://h:1", "tcp://h:1", ""},
		{"tcp://[::1]", "tcp://[::1]:1883", ""},
		{"tcp://u:pw@h:2", "tcp://u:pw@h:2", ""},
		{"tcp://h:65535", "tcp://h:65535", ""},
		{"tcp://h:10", "tcp://h:10", ""},
		{"ws://h/a@b", "ws://h:80/a@b", ""},
		{"wss://u:p%2Fw@h/mqtt?k=v", "wss://u:p%2Fw@h:443/mqtt?k=v", ""},
		{"tcp://h:65536", "", `"tcp://h:65536" has an invalid port "65536" (want 1-65535)`},
		{"tcp://h:100000", "", `"tcp://h:100000" has an invalid port "100000" (want 1-65535)`},
		{"http://h", "", `"http://h" has an unsupported scheme: want tcp://, ssl://, ws:// or wss://`},
		{"h:1883", "", `"h:1883" has no scheme: want tcp://, ssl://, ws:// or wss://`},
		{"tcp://:1883", "", `"tcp://:1883" has no host`},
		{"ssl://h:99999", "", `"ssl://h:99999" has an invalid port "99999" (want 1-65535)`},
		{"tcp://h:0", "", `"tcp://h:0" has an invalid port "0" (want 1-65535)`},
		{"tcp://h:", "", `"tcp://h:" has an invalid port "" (want 1-65535)`},
		{"ws://h:x/", "", `"ws://h:x/" is not a valid URL: invalid port ":x" after host`},
		{"tcp://h/x", "", `"tcp://h/x" has a path: tcp:// URLs take none`},
		{"tcp://user:secret@h:99999", "", `"tcp://user:xxxxx@h:99999" has an invalid port "99999" (want 1-65535)`},
		{"tcp://user:secret@h:x", "", `"tcp://user:xxxxx@h:x" is not a valid URL: invalid port ":x" after host`},
		{"tcp://user:se/cret@h:1", "", `"tcp://user:xxxxx@h:1" has an unencoded "/", "?" or "#" before its "@": write them in a user name or password as %2F, %3F, %23 (and an "@" after the host as %40)`},
		{"ws://h:80/a@b", "", `"ws://h:xxxxx@b" has an unencoded "/", "?" or "#" before its "@": write them in a user name or password as %2F, %3F, %23 (and an "@" after the host as %40)`},
	} {
		u, err := Parse(c.raw)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Parse(%q) error = %v, want %s", c.raw, err, c.err)
			}
			continue
		}
		if err != nil || u.String() != c.want {
			t.Errorf("Parse(%q) = %v, %v; want %s", c.raw, u, err, c.want)
		}
	}
}

// TestNoErrorShowsThePassword: every error path of Parse, reached by a URL
// with a password, shows the URL with the password replaced, and the
// password nowhere.
func TestNoErrorShowsThePassword(t *testing.T) {
	const secret = "S3cr3tPW"
	for _, c := range badurl.WithPassword(secret) {
		_, err := Parse(c.URL)
		var be *Error
		if !errors.As(err, &be) || !strings.HasPrefix(be.Reason, c.Reason) {
			t.Errorf("%s: Parse(%q) = %v, want an *Error saying %q", c.Name, c.URL, err, c.Reason)
			continue
		}
		if strings.Contains(err.Error(), secret) || !strings.Contains(be.URL, badurl.User+":xxxxx@") {
			t.Errorf("%s: the error for %q shows the password or hides the user: %v", c.Name, c.URL, err)
		}
	}
}

func TestSchemeErrorNamesTheScheme(t *testing.T) {
	_, err := Parse("tcpp://x")
	var be *Error
	if !errors.As(err, &be) || be.Scheme != "tcpp" {
		t.Fatalf("error %v: want *Error with Scheme tcpp", err)
	}
}

func TestRedact(t *testing.T) {
	for raw, want := range map[string]string{
		"tcp://u:pw@h:1":       "tcp://u:xxxxx@h:1",
		"tcp://u@h":            "tcp://u@h",
		"tcp://h":              "tcp://h",
		"tcp://u:p@ss@h:x":     "tcp://u:xxxxx@h:x",
		"%zz://u:secret@h":     "%zz://u:xxxxx@h",
		"u:secret@h:1883/%zz":  "u:xxxxx@h:1883/%zz",
		"tcp://u:secret@h/%zz": "tcp://u:xxxxx@h/%zz",
		"tcp://u:se/cret@h:1":  "tcp://u:xxxxx@h:1",
		"ws://u:2024/pw@h":     "ws://u:xxxxx@h",
		"wss://u:p?w#x@h/mqtt": "wss://u:xxxxx@h/mqtt",
		"ws://h/a@b":           "ws://h/a@b",
	} {
		if got := Redact(raw); got != want {
			t.Errorf("Redact(%q) = %q, want %q", raw, got, want)
		}
	}
}

// FuzzParse: parsing never panics; an accepted URL has a known scheme, a
// host and a port; neither the redacted form nor an error ever shows the
// password of scheme://user:PASSWORD@rest, whatever characters follow its
// first eight (more) or the host part (rest) holds.
func FuzzParse(f *testing.F) {
	for _, s := range [][4]string{{"tcp", "u", "", "h"}, {"ssl", "u", "", "h:8883"}, {"ws", "", "", "[::1]:80/mqtt"}, {"http", "u", "", "x"},
		{"tcp", "", "", ""}, {"tcp", "u", "", "h:99999"}, {"tcp", "u", "", "h:-1"}, {"%zz", "u", "", "h"}, {"tcp", "u", "", "h:x"},
		{"tcpp", "u", "", "h"}, {"", "u", "", "h:1883"}, {"tcp", "u:v", "", "h/%zz"}, {"tcp", "\x00", "", "h#f"},
		{"tcp", "u", "/x", "h:1"}, {"ws", "u", "?x", "h/mqtt"}, {"wss", "u", "#x", "h"}, {"tcp", "u", "@x/y", "h"},
		{"tcp", "u", ":1/x", "h"}, {"ws", "u", "", "h/a@b"}, {"tcp", "u", "%zz", "h"}} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	const secret = "S3cr3tPW"
	f.Fuzz(func(t *testing.T, scheme, user, more, rest string) {
		raw := user + ":" + secret + more + "@" + rest
		if scheme != "" {
			raw = scheme + "://" + raw
		}
		u, err := Parse(raw)
		if err == nil {
			if u.Hostname() == "" || u.Port() == "" {
				t.Fatalf("accepted %q without host or port", raw)
			}
			switch u.Scheme {
			case "tcp", "ssl", "ws", "wss":
			default:
				t.Fatalf("accepted scheme %q", u.Scheme)
			}
		}
		// Only when the secret is a password as a reader sees it: the
		// first ':' after the scheme starts it, and it appears nowhere else.
		if strings.Contains(scheme, "://") || strings.ContainsAny(scheme+user, "/?#@:") ||
			strings.Count(raw, secret) != 1 {
			return
		}
		if r := Redact(raw); strings.Contains(r, secret) {
			t.Fatalf("Redact(%q) = %q shows the password", raw, r)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Fatalf("the error for %q shows the password: %v", raw, err)
		}
		if err == nil && strings.Contains(u.Redacted(), secret) {
			t.Fatalf("%q is accepted, and its redacted form %q shows the password", raw, u.Redacted())
		}
	})
}
