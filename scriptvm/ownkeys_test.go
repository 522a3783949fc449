package scriptvm

import (
	"testing"

	"github.com/dop251/goja"
)

// TestOwnKeysWithin: the own string keys of ordinary objects are read in
// place (ok for every one of them, so the fast path is in effect with the
// goja compiled in); inherited keys, symbols and deleted keys do not
// count; other kinds of objects are left to the caller.
func TestOwnKeysWithin(t *testing.T) {
	rt := goja.New()
	for _, c := range []struct {
		src                string
		hasA, hasB, within bool
		ok                 bool
	}{
		{`({qos: 1})`, true, false, true, true},
		{`({retain: true, qos: 1})`, true, true, true, true},
		{`({})`, false, false, true, true},
		{`({qos: 1, retian: true})`, true, false, false, true},
		{`({x: 1})`, false, false, false, true},
		{`({0: 1})`, false, false, false, true},
		{`(function () { const o = {qos: 1, x: 2}; delete o.x; return o; })()`, true, false, true, true},
		{`Object.create({qos: 1, x: 2})`, false, false, true, true},
		{`({qos: 1, [Symbol("s")]: 2})`, true, false, true, true},
		{`(function () { const o = {}; Object.defineProperty(o, "hidden", {value: 1}); return o; })()`, false, false, false, true},
		{`new (class { constructor() { this.qos = 1; } })()`, true, false, true, true},
		{`[1]`, false, false, false, false},
		{`new Proxy({qos: 1}, {})`, false, false, false, false},
		{`new Map()`, false, false, false, false},
	} {
		v, err := rt.RunString(c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		hasA, hasB, within, ok := OwnKeysWithin(rt, v.ToObject(rt), "qos", "retain")
		if ok != c.ok || (ok && (hasA != c.hasA || hasB != c.hasB || within != c.within)) {
			t.Errorf("%s: qos %v retain %v within %v ok %v; want %v %v %v %v", c.src, hasA, hasB, within, ok, c.hasA, c.hasB, c.within, c.ok)
		}
	}
}
