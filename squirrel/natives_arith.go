package squirrel

import (
	"reflect"
	"strconv"

	"github.com/dop251/goja"
)

// arithNatives defines the fast paths compiled code calls for + - * on
// operands of unknown type ($fadd, $fsub, $fmul) and for t[k] += n on a
// table with a key of unknown type ($tadd), and a slot read o.name on an
// object of unknown type ($gx). goja runs a call of a Go
// function for less than the typeof tests and branches it replaces, so
// these do the common cases in Go: integers (wrapped to 32 bits as 3.0.4
// does), and for + strings with strings or integers. Anything else
// (floats, booleans, null, metamethods, errors) returns undefined, and the
// compiled code then calls the JavaScript helper ($add, $sub, $mul) that
// has 3.0.4's full rules. Called on the goja runtime's goroutine only.
func arithNatives(vm *goja.Runtime, set func(string, func(goja.FunctionCall) goja.Value)) {
	intT := reflect.TypeOf(int64(0)) // goja's integer values export as int64
	isInt := func(v goja.Value) bool { return v.ExportType() == intT }
	text := func(v goja.Value) goja.String {
		s, _ := vm.ToValue(strconv.FormatInt(v.ToInteger(), 10)).(goja.String)
		return s
	}
	set("fadd", func(c goja.FunctionCall) goja.Value {
		a, b := c.Argument(0), c.Argument(1)
		if isInt(a) {
			if isInt(b) {
				return vm.ToValue(int32(a.ToInteger() + b.ToInteger()))
			}
			if sb, ok := b.(goja.String); ok {
				if sa := text(a); sa != nil {
					return sa.Concat(sb)
				}
			}
			return goja.Undefined()
		}
		if sa, ok := a.(goja.String); ok {
			if sb, ok := b.(goja.String); ok {
				return sa.Concat(sb)
			}
			if isInt(b) {
				if sb := text(b); sb != nil {
					return sa.Concat(sb)
				}
			}
		}
		return goja.Undefined()
	})
	// tadd(t, k, n, flags) is t[k] += n (flags&2: -= n) on a table t whose
	// slot k (a string) holds an integer; flags&1 returns the old value.
	set("tadd", func(c goja.FunctionCall) goja.Value {
		o, ok := c.Argument(0).(*goja.Object)
		k, ok2 := c.Argument(1).(goja.String)
		n := c.Argument(2)
		if !ok || !ok2 || !isInt(n) {
			return goja.Undefined()
		}
		name := k.String()
		v := o.Get(name)
		if v == nil || !isInt(v) {
			return goja.Undefined()
		}
		flags := c.Argument(3).ToInteger()
		r := v.ToInteger() + n.ToInteger()
		if flags&2 != 0 {
			r = v.ToInteger() - n.ToInteger()
		}
		nv := vm.ToValue(int32(r))
		if o.Set(name, nv) != nil {
			return goja.Undefined()
		}
		if flags&1 != 0 {
			return v
		}
		return nv
	})
	// gx(o, name) is o[name] when o is an object other than a function
	// (a table, array, instance, class...) and the property exists, else
	// undefined: the test compiled code makes before a slot read's fast path
	// (functions go to the slow path, as their slots are their delegate's).
	set("gx", func(c goja.FunctionCall) goja.Value {
		if o, ok := c.Argument(0).(*goja.Object); ok && o.ClassName() != "Function" {
			if v := o.Get(c.Argument(1).String()); v != nil {
				return v
			}
		}
		return goja.Undefined()
	})
	// rvw(WP) names the prototype of weak references; rv(v) is then what a
	// container stores for v: a weak reference's object, else v (one
	// pointer comparison instead of a property lookup on every store).
	var weakProto *goja.Object
	set("rvw", func(c goja.FunctionCall) goja.Value {
		weakProto, _ = c.Argument(0).(*goja.Object)
		return goja.Undefined()
	})
	set("rv", func(c goja.FunctionCall) goja.Value {
		v := c.Argument(0)
		if o, ok := v.(*goja.Object); ok && weakProto != nil && o.Prototype() == weakProto {
			return o.Get("Ār")
		}
		return v
	})
	set("fsub", func(c goja.FunctionCall) goja.Value {
		a, b := c.Argument(0), c.Argument(1)
		if isInt(a) && isInt(b) {
			return vm.ToValue(int32(a.ToInteger() - b.ToInteger()))
		}
		return goja.Undefined()
	})
	set("fmul", func(c goja.FunctionCall) goja.Value {
		a, b := c.Argument(0), c.Argument(1)
		if isInt(a) && isInt(b) {
			return vm.ToValue(int32(a.ToInteger() * b.ToInteger()))
		}
		return goja.Undefined()
	})
}
