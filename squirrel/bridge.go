package squirrel

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/dop251/goja"
)

// The bridge: how host (JavaScript/Go) values and Squirrel values meet.
// Host API objects are goja objects whose methods are Go functions;
// Squirrel code reaches them through the root table. Values crossing the
// boundary are converted (see runtime/bridge.js for the rules):
//
//	host -> Squirrel: null/undefined -> null, booleans, numbers (integer when
//	the value is an int32, float otherwise), strings as UTF-8 bytes, arrays
//	(copied), functions (callable from Squirrel; the host function sees the
//	object it was read from as `this`), objects a host class owns ->
//	instances of it, objects backed by Go values or with a prototype of
//	their own -> live references (instances whose members are read from the
//	object when used), other objects -> tables of their properties (one
//	table per object, so identity is kept).
//	Squirrel -> host: numbers, strings as text (UTF-8 decoded when valid,
//	else one code unit per byte), tables as plain objects, instances as
//	objects of their fields and bound methods, arrays, closures as JS
//	functions whose length is the closure's number of parameters (so a host
//	can adapt to a callback's arity), and values that came from the host as
//	the original host values.

func (r *Runtime) helper(name string) goja.Callable {
	f, ok := goja.AssertFunction(r.sq.Get(name))
	if !ok {
		panic("squirrel: runtime helper " + name + " missing")
	}
	return f
}

// isGo reports whether v is backed by a Go value (a dynamic object or a
// wrapped Go pointer), which the bridge presents as a live reference.
func isGo(v goja.Value) bool {
	obj, ok := v.(*goja.Object)
	if !ok {
		return false
	}
	t := obj.ExportType()
	return t != nil && t.Kind() == reflect.Pointer
}

// SetRoot makes a host value visible to Squirrel code as the root-table slot
// name (creating or replacing it), converted to a Squirrel value.
func (r *Runtime) SetRoot(name string, v goja.Value) error {
	_, err := r.helper("setRoot")(goja.Undefined(), r.vm.ToValue(name), v)
	return r.wrapError(err)
}

// Root returns the root-table slot name converted to a host value, or
// undefined when the slot does not exist.
func (r *Runtime) Root(name string) goja.Value {
	v, err := r.helper("getRoot")(goja.Undefined(), r.vm.ToValue(name))
	if err != nil || v == nil {
		return goja.Undefined()
	}
	return v
}

// RootValue returns the root-table slot name as the Squirrel value it is
// (not converted), or nil when the slot does not exist.
func (r *Runtime) RootValue(name string) goja.Value {
	v, err := r.helper("rootValue")(goja.Undefined(), r.vm.ToValue(name))
	if err != nil || v == nil || goja.IsUndefined(v) {
		return nil
	}
	return v
}

// ToSquirrel converts a host value to a Squirrel value.
func (r *Runtime) ToSquirrel(v goja.Value) goja.Value {
	out, err := r.helper("toSq")(goja.Undefined(), v)
	if err != nil {
		return goja.Null()
	}
	return out
}

// ToHost converts a Squirrel value to a host value.
func (r *Runtime) ToHost(v goja.Value) goja.Value {
	out, err := r.helper("toJS")(goja.Undefined(), v)
	if err != nil {
		return goja.Null()
	}
	return out
}

// Text renders a Squirrel value as tostring() does (running its _tostring
// metamethod, if any), as UTF-8 text when its bytes are valid UTF-8. An
// error is a Squirrel exception from the metamethod.
func (r *Runtime) Text(v goja.Value) (string, error) {
	out, err := r.helper("errorText")(goja.Undefined(), v)
	if err != nil {
		return "", r.wrapError(err)
	}
	return out.String(), nil
}

// Main loads a program and returns its main chunk as a host function: calling
// it (with any `this`, no arguments) runs the chunk with the root table as
// `this`. A host event loop calls it like any other callback; exceptions
// come out as goja exceptions, which WrapError turns into *Error.
func (r *Runtime) Main(p *Program) (goja.Callable, error) {
	main, err := r.Load(p)
	if err != nil {
		return nil, err
	}
	js, err := r.helper("toJS")(goja.Undefined(), main)
	if err != nil {
		return nil, r.wrapError(err)
	}
	f, ok := goja.AssertFunction(js)
	if !ok {
		return nil, errors.New("squirrel: main is not callable")
	}
	return f, nil
}

// WrapError turns an error from calling Squirrel code (a goja exception
// carrying a Squirrel value) into *Error, with the thrown value as text and
// the Squirrel frames of its stack. Other errors pass through unchanged.
func (r *Runtime) WrapError(err error) error { return r.wrapError(err) }

// Native is a method of a host class implemented in Go: it gets the host
// object of the instance it is called on and the Squirrel arguments as they
// are (read them with Runtime.Bytes, Integer, Number...), and returns a
// Squirrel value (nil for null). It throws with Runtime.Throw.
type Native func(self *goja.Object, args []goja.Value) goja.Value

// ClassSpec describes a class implemented by the host (such as the imp's
// blob): Squirrel code creates instances by calling the class, and each
// instance wraps the host object the constructor returns.
type ClassSpec struct {
	// New creates the host object for an instance from the constructor's
	// arguments: converted to host values, or as Squirrel values when Raw
	// is set. An error becomes a Squirrel exception with its text.
	New func(args []goja.Value) (*goja.Object, error)
	Raw bool
	// Methods lists the host object's methods Squirrel may call; each call
	// runs the host object's method of that name with `this` the object,
	// arguments and result converted.
	Methods []string
	// Natives are methods implemented in Go on Squirrel values.
	Natives map[string]Native
	// Owns, when set, reports whether a host object crossing into
	// Squirrel (a blob a module returns) is an instance of this class; it
	// is then wrapped in one.
	Owns func(obj *goja.Object) bool
	// TypeName is what typeof gives for instances ("" keeps "instance").
	TypeName string
}

// DefineClass installs a host-implemented class as the root-table slot name.
func (r *Runtime) DefineClass(name string, spec ClassSpec) error {
	if spec.New == nil {
		return fmt.Errorf("squirrel: DefineClass %q: ClassSpec.New is nil", name)
	}
	ctor := r.vm.ToValue(func(c goja.FunctionCall) goja.Value {
		obj, err := spec.New(c.Arguments)
		if err != nil {
			r.Throw(err.Error())
		}
		return obj
	})
	natives := make([]any, 0, len(spec.Natives))
	for m, fn := range spec.Natives {
		natives = append(natives, []any{m, func(c goja.FunctionCall) goja.Value {
			self, _ := c.Argument(0).(*goja.Object)
			arr := c.Argument(1).ToObject(r.vm)
			vals := make([]goja.Value, arr.Get("length").ToInteger())
			for i := range vals {
				vals[i] = arr.Get(strconv.Itoa(i))
			}
			v := fn(self, vals)
			if v == nil {
				return goja.Null()
			}
			return v
		}})
	}
	var owns goja.Value = goja.Null()
	if spec.Owns != nil {
		owns = r.vm.ToValue(func(c goja.FunctionCall) goja.Value {
			obj, ok := c.Argument(0).(*goja.Object)
			return r.vm.ToValue(ok && spec.Owns(obj))
		})
	}
	_, err := r.helper("hostClass")(goja.Undefined(), r.vm.ToValue(name), ctor, r.vm.ToValue(spec.Methods),
		r.vm.NewArray(natives...), owns, r.vm.ToValue(spec.TypeName), r.vm.ToValue(spec.Raw))
	return r.wrapError(err)
}

// Throw raises a Squirrel exception whose value is the string msg (UTF-8
// text). It does not return. Call it only from a Native or a host function
// Squirrel code called.
func (r *Runtime) Throw(msg string) {
	panic(r.vm.ToValue(fromBytes(msg)))
}

// Bytes returns the bytes of a Squirrel string.
func (r *Runtime) Bytes(v goja.Value) ([]byte, bool) {
	if v == nil {
		return nil, false
	}
	if s, ok := v.Export().(string); ok {
		if _, isObj := v.(*goja.Object); !isObj {
			return []byte(toBytes(s)), true
		}
	}
	return nil, false
}

// String makes a Squirrel string of bytes b.
func (r *Runtime) String(b []byte) goja.Value { return r.vm.ToValue(fromBytes(string(b))) }

// Integer returns the value of a Squirrel integer.
func (r *Runtime) Integer(v goja.Value) (int32, bool) {
	if v == nil {
		return 0, false
	}
	if _, isObj := v.(*goja.Object); isObj {
		return 0, false
	}
	switch x := v.Export().(type) {
	case int64:
		return int32(x), true
	case float64:
		if x == math.Trunc(x) && x >= math.MinInt32 && x <= math.MaxInt32 {
			return int32(x), true
		}
	}
	return 0, false
}

// Number returns the value of a Squirrel integer or float.
func (r *Runtime) Number(v goja.Value) (float64, bool) {
	if i, ok := r.Integer(v); ok {
		return float64(i), true
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return 0, false
	}
	if t := obj.Get("Āt"); t == nil || t.ToInteger() != 5 {
		return 0, false
	}
	return obj.Get("Āv").ToFloat(), true
}

// Float makes a Squirrel float (rounded to 32 bits).
func (r *Runtime) Float(f float64) goja.Value {
	v, err := r.helper("F")(goja.Undefined(), r.vm.ToValue(float64(float32(f))))
	if err != nil {
		panic(err)
	}
	return v
}

// HostOf returns the host object of a host-class instance or of a live
// reference, or nil.
func (r *Runtime) HostOf(v goja.Value) *goja.Object {
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	h, ok := obj.Get("Āh").(*goja.Object)
	if !ok {
		return nil
	}
	return h
}

// TypeName returns typeof's answer for a Squirrel value, without
// metamethods ("table", "instance", "float"...).
func (r *Runtime) TypeName(v goja.Value) string {
	out, err := r.helper("typeName")(goja.Undefined(), v)
	if err != nil {
		return "unknown"
	}
	return out.String()
}

// Get reads obj[key] (key a string) as Squirrel code would, metamethods and
// delegates included. A missing slot is an error.
func (r *Runtime) Get(obj goja.Value, key string) (goja.Value, error) {
	v, err := r.helper("gk")(goja.Undefined(), obj, r.vm.ToValue(fromBytes(key)))
	if err != nil {
		return nil, r.wrapError(err)
	}
	return v, nil
}

// CallValue calls a Squirrel function (or class, or callable object) with
// `this` self and Squirrel arguments as they are, returning the Squirrel
// result. An exception comes back as the goja error (WrapError reads it).
func (r *Runtime) CallValue(fn, self goja.Value, args ...goja.Value) (goja.Value, error) {
	return r.helper("sqCall")(goja.Undefined(), fn, self, r.vm.NewArray(toAny(args)...))
}

func toAny(vs []goja.Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// RootName returns the name of a root-table slot holding v, or "".
func (r *Runtime) RootName(v goja.Value) string {
	out, err := r.helper("rootNameOf")(goja.Undefined(), v)
	if err != nil || goja.IsNull(out) {
		return ""
	}
	return out.String()
}

// Methods lists the names of a class's members that hold functions (its
// own and those it inherited).
func (r *Runtime) Methods(class goja.Value) []string {
	out, err := r.helper("classMethods")(goja.Undefined(), class)
	if err != nil {
		return nil
	}
	var names []string
	_ = r.vm.ExportTo(out, &names)
	return names
}

// RootTable returns the root table (a Squirrel value), the `this` of a
// program's main chunk.
func (r *Runtime) RootTable() goja.Value {
	v, err := r.helper("root")(goja.Undefined())
	if err != nil {
		return goja.Null()
	}
	return v
}
