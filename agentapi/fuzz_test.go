package agentapi

import (
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
		cls := newBlobs(rt)
		obj := cls.Wrap(append([]byte(nil), data...))
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
