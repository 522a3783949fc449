package agentapi

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/dop251/goja"
)

// Throwf throws a TypeError with a formatted message. Modules name the
// function and argument in it: "imp.wakeup: argument 'seconds' must be ...".
func (e *Env) Throwf(format string, args ...any) {
	ThrowType(e.Runtime, fmt.Sprintf(format, args...))
}

// ThrowRange throws a RangeError with a formatted message: an argument of
// the right type outside its allowed range.
func (e *Env) ThrowRange(format string, args ...any) {
	ThrowRangeError(e.Runtime, fmt.Sprintf(format, args...))
}

// ThrowType throws a TypeError whose message is msg exactly (goja's own
// NewTypeError would format msg again, mangling any '%' it holds).
func ThrowType(rt *goja.Runtime, msg string) {
	panic(rt.NewTypeError("%s", msg))
}

// ThrowRangeError throws a RangeError whose message is msg exactly.
func ThrowRangeError(rt *goja.Runtime, msg string) {
	obj, err := rt.New(rt.Get("RangeError"), rt.ToValue(msg))
	if err != nil {
		ThrowType(rt, msg)
	}
	panic(obj)
}

// ThrowError throws an Error whose message is err's text (an operation
// that failed for a reason outside the script, e.g. a full disk).
func (e *Env) ThrowError(err error) {
	panic(e.Runtime.NewGoError(err))
}

// Callback returns the function in v and its declared parameter count;
// nil for undefined or null. Anything else throws, naming where.
func (e *Env) Callback(v goja.Value, where string) (goja.Callable, int) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, 0
	}
	fn, ok := goja.AssertFunction(v)
	if !ok {
		e.Throwf("%s must be a function or null, got %s", where, Describe(v))
	}
	return fn, Arity(v)
}

// RequiredCallback returns the function in v, a callback the call cannot
// do without (imp.wakeup, httprequest.sendasync, crypto.sign): anything
// else, null and undefined included, throws a TypeError naming where
// ("imp.wakeup: argument 'callback' must be a function, got null").
func (e *Env) RequiredCallback(v goja.Value, where string) goja.Callable {
	fn, ok := goja.AssertFunction(v)
	if !ok {
		e.Throwf("%s must be a function, got %s", where, Describe(v))
	}
	return fn
}

// Arity is a function's declared parameter count (its length property).
func Arity(v goja.Value) int {
	if obj, ok := v.(*goja.Object); ok {
		if l := obj.Get("length"); l != nil {
			return int(l.ToInteger())
		}
	}
	return 0
}

// IsAbsent reports whether an optional argument was left out (undefined
// or null).
func IsAbsent(v goja.Value) bool { return v == nil || goja.IsUndefined(v) || goja.IsNull(v) }

// Describe names a value's type (and a short rendering of primitives) for
// error messages: `string "abc"`, `number 1.5`, `array`, `function`...
func Describe(v goja.Value) string {
	switch {
	case v == nil || goja.IsUndefined(v):
		return "undefined"
	case goja.IsNull(v):
		return "null"
	}
	obj, isObj := v.(*goja.Object)
	if !isObj {
		switch x := v.Export().(type) {
		case string:
			if len(x) > 40 {
				x = x[:40] + "..."
			}
			return fmt.Sprintf("string %q", x)
		case int64, float64:
			return "number " + v.String()
		case bool:
			return "boolean " + v.String()
		}
		return v.ExportType().String()
	}
	if _, ok := GoValue(v).(*Blob); ok {
		return "blob"
	}
	if _, ok := goja.AssertFunction(v); ok {
		return "function"
	}
	if obj.ClassName() == "Array" {
		return "array"
	}
	return "object"
}

// GoValue returns the Go value behind a host object (a blob, a client, a
// message), or nil for anything else. Unlike Export it never runs script
// code: a plain object's getters are not called.
func GoValue(v goja.Value) any {
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	if t := obj.ExportType(); t == nil || t.Kind() != reflect.Pointer {
		return nil
	}
	return obj.Export()
}

// NumberArg returns v as a float64 when it is a number (NaN included) or
// a Number object (a Squirrel float in a table: see Blobs.ExactFloats).
func NumberArg(v goja.Value) (float64, bool) {
	if obj, isObj := v.(*goja.Object); isObj {
		if obj.ClassName() == "Number" {
			return obj.ToFloat(), true
		}
		return 0, false
	}
	if v == nil {
		return 0, false
	}
	switch x := v.Export().(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// IntArg returns v as an integer when it is a finite number (or Number
// object) with no fractional part (within ±2^53).
func IntArg(v goja.Value) (int64, bool) {
	var x float64
	if obj, isObj := v.(*goja.Object); isObj {
		if obj.ClassName() != "Number" {
			return 0, false
		}
		x = obj.ToFloat()
	} else {
		if v == nil {
			return 0, false
		}
		switch e := v.Export().(type) {
		case int64:
			return e, true
		case float64:
			x = e
		default:
			return 0, false
		}
	}
	if x != x || x > 1<<53 || x < -(1<<53) || x != float64(int64(x)) {
		return 0, false
	}
	return int64(x), true
}

// StringArg returns v as a string when it is one.
func StringArg(v goja.Value) (string, bool) {
	if _, isObj := v.(*goja.Object); isObj || v == nil {
		return "", false
	}
	s, ok := v.Export().(string)
	return s, ok
}

// NameFunc gives a host function the name scripts and stack traces see
// ("server.log" rather than the Go symbol goja takes by default). It does
// nothing to a function that already has a script name.
func NameFunc(rt *goja.Runtime, v goja.Value, name string) {
	obj, ok := v.(*goja.Object)
	if !ok {
		return
	}
	if _, isFn := goja.AssertFunction(v); !isFn {
		return
	}
	if cur := obj.Get("name"); cur != nil && !isGoSymbol(cur.String()) {
		return
	}
	_ = obj.DefineDataProperty("name", rt.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// NameMethods names the host functions of obj, and of the plain objects
// it holds, after their place: prefix.key ("http.hash.sha256").
func NameMethods(rt *goja.Runtime, prefix string, obj *goja.Object) { nameMethods(rt, prefix, obj, 3) }

func nameMethods(rt *goja.Runtime, prefix string, obj *goja.Object, depth int) {
	for _, k := range obj.Keys() {
		v := obj.Get(k)
		if _, isFn := goja.AssertFunction(v); isFn {
			NameFunc(rt, v, prefix+"."+k)
		} else if o, ok := v.(*goja.Object); ok && depth > 0 && o.ClassName() == "Object" && GoValue(v) == nil {
			nameMethods(rt, prefix+"."+k, o, depth-1)
		}
	}
}

// isGoSymbol reports whether a function name is a Go symbol, as goja
// names host functions made from Go funcs.
func isGoSymbol(name string) bool {
	return strings.Contains(name, "/") || strings.Contains(name, "(*") || strings.HasSuffix(name, "-fm")
}
