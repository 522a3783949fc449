package scriptvm

import (
	"reflect"
	"sync"

	"github.com/dop251/goja"
)

// OwnKeysWithin reports, for an ordinary object — one goja keeps as a
// plain property table: an object literal, Object.create(...), a class
// instance —, whether every own string key it has is a or b (within), and
// which of the two it has. ok is false for any other object (arrays,
// proxies, host objects), and whenever goja's layout is not the one this
// expects: the caller then enumerates the keys with GetOwnPropertyNames.
// Loop goroutine (obj belongs to rt).
//
// Why: enumerating an options object to warn about unknown keys made a
// copy of goja's key list, an iterator and a slice of strings per call —
// a twentieth of a QoS 0 publish's CPU. This reads goja's key list in
// place, without allocating. The list is an unexported field, reached with
// reflect (read only) after checking its type, as native.go does.
func OwnKeysWithin(rt *goja.Runtime, obj *goja.Object, a, b string) (hasA, hasB, within, ok bool) {
	if obj == nil {
		return false, false, false, false
	}
	l := plainLayoutOf(rt)
	if l.typ == nil {
		return false, false, false, false
	}
	self := reflect.ValueOf(obj).Elem().Field(l.self)
	if self.IsNil() {
		return false, false, false, false
	}
	p := self.Elem()
	if p.Type() != l.typ || p.IsNil() {
		return false, false, false, false
	}
	names := p.Elem().Field(l.names)
	within = true
	for i, n := 0, names.Len(); i < n; i++ {
		switch names.Index(i).String() {
		case a:
			hasA = true
		case b:
			hasB = true
		default:
			within = false
		}
	}
	return hasA, hasB, within, true
}

// plainLayout is where goja keeps an ordinary object's own string keys:
// the Go type behind such an object (a pointer to a struct), the index of
// goja.Object's field self, which holds it, and the index of its field
// propNames, a slice of a string type. typ is nil when goja's types do not
// have that shape. It depends only on the goja compiled in, so it is
// worked out once per process (from the first runtime asked) and never
// changes after.
type plainLayout struct {
	typ   reflect.Type
	self  int
	names int
}

var (
	plainOnce sync.Once
	plainL    plainLayout
)

func plainLayoutOf(rt *goja.Runtime) plainLayout {
	plainOnce.Do(func() { plainL = findPlainLayout(rt.NewObject()) })
	return plainL
}

func findPlainLayout(sample *goja.Object) plainLayout {
	ot := reflect.TypeOf(sample).Elem()
	sf, found := ot.FieldByName("self")
	if !found || len(sf.Index) != 1 || sf.Type.Kind() != reflect.Interface {
		return plainLayout{}
	}
	p := reflect.ValueOf(sample).Elem().Field(sf.Index[0])
	if p.IsNil() || p.Elem().Kind() != reflect.Pointer || p.Elem().Elem().Kind() != reflect.Struct {
		return plainLayout{}
	}
	typ := p.Elem().Type()
	nf, found := typ.Elem().FieldByName("propNames")
	if !found || len(nf.Index) != 1 || nf.Type.Kind() != reflect.Slice || nf.Type.Elem().Kind() != reflect.String {
		return plainLayout{}
	}
	return plainLayout{typ: typ, self: sf.Index[0], names: nf.Index[0]}
}
