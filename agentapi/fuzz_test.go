package agentapi

import (
	"strings"
	"testing"

	"github.com/dop251/goja"
)

// FuzzBlob drives a blob's seek, read and write methods with arbitrary
// arguments: every bad argument is a JS exception, never a Go panic, and
// the read pointer stays inside the blob.
func FuzzBlob(f *testing.F) {
	f.Add([]byte("hello"), int64(2), "c", int64(3), "xy")
	f.Add([]byte{0xff, 0}, int64(-1), "e", int64(-5), "")
	f.Add([]byte{}, int64(1<<40), "q", int64(1<<62), "\xff\xfe")
	f.Fuzz(func(t *testing.T, data []byte, pos int64, whence string, n int64, s string) {
		rt := goja.New()
		cls := newBlobClass(rt)
		obj := cls.wrap(append([]byte(nil), data...))
		b := obj.Export().(*Blob)
		call := func(name string, args ...any) {
			fn, _ := goja.AssertFunction(obj.Get(name))
			vals := make([]goja.Value, len(args))
			for i, a := range args {
				vals[i] = rt.ToValue(a)
			}
			_, _ = fn(obj, vals...) // a JS exception is fine; a panic fails the fuzz
		}
		call("seek", pos, whence)
		call("readstring", n)
		call("writestring", s)
		call("readblob", n)
		call("seek", pos)
		call("resize", n)
		if b.pos < 0 || b.pos > len(b.data) {
			t.Fatalf("pointer %d outside blob of %d bytes", b.pos, len(b.data))
		}
	})
}

// FuzzParseURL: connect() URL parsing never panics; an accepted URL has a
// known scheme, a host and a port, and its redacted form never shows the
// password.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"tcp://h", "ssl://h:8883", "ws://[::1]:80/mqtt", "http://x", "tcp://", "tcp://u:pw@h",
		"tcp://h:99999", "tcp://h:-1", "%zz", "tcp://u:p@ss@h", "://x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseURL(raw)
		if err == nil {
			if u.Hostname() == "" || u.Port() == "" {
				t.Fatalf("accepted %q without host or port", raw)
			}
			switch u.Scheme {
			case "tcp", "ssl", "ws", "wss":
			default:
				t.Fatalf("accepted scheme %q", u.Scheme)
			}
			if p, ok := u.User.Password(); ok && len(p) >= 4 && strings.Contains(RedactURL(raw), p) && !strings.Contains(u.Host, p) {
				t.Fatalf("RedactURL(%q) shows the password", raw)
			}
		}
	})
}
