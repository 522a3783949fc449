package scriptvm

import (
	"reflect"
	"unsafe"

	"github.com/dop251/goja"
)

// Guarding a built-in in place: the guards give a built-in function
// object of goja's a new Go function (the check, then the original's),
// instead of putting a wrapper function object where the built-in was.
//
// Why: every agent of a fleet has its own runtime, and goja offers no way
// to make a function object cheaper than its own built-ins (about 700 B
// each: the object, its property map, name and length). A wrapper costs
// that again, and the original it replaces is garbage left between the
// objects that stay, which a fleet of thousands keeps as fragmentation. A
// wrapped typed array constructor cost more (a prototype of its own,
// replaced, and copies of the statics). In place, the built-in keeps its
// identity, name, length, prototype and statics, and every way of calling
// or constructing it, including goja's own internal ones (a species
// constructor, %TypedArray%.from, super() of a subclass), goes through
// the check.
//
// goja keeps these functions in unexported fields (f, the call, and
// construct, [[Construct]]), so they are reached with reflect and unsafe,
// after checking that the object's Go type has a field of that name and
// exact type; when it has not (another goja version), the guards fall
// back to wrapper function objects, which protect the same way and cost
// more (TestGuardsAreInPlace says which is in effect).

var (
	callType      = reflect.TypeOf((func(goja.FunctionCall) goja.Value)(nil))
	constructType = reflect.TypeOf((func([]goja.Value, *goja.Object) *goja.Object)(nil))
)

// nativeSlot returns a pointer to the field name of the Go object behind
// obj, when that field has type typ and is set; nil otherwise.
func nativeSlot(obj *goja.Object, name string, typ reflect.Type) unsafe.Pointer {
	impl, ok := implOf(obj)
	if !ok {
		return nil
	}
	field := impl.FieldByName(name)
	if !field.IsValid() || field.Type() != typ || field.IsNil() {
		return nil
	}
	return unsafe.Pointer(field.UnsafeAddr())
}

// implOf returns the struct goja keeps behind obj (what its unexported
// field self points to), addressable; ok is false when obj is nil or
// goja's layout is not the one this expects.
func implOf(obj *goja.Object) (impl reflect.Value, ok bool) {
	if obj == nil {
		return reflect.Value{}, false
	}
	v := reflect.ValueOf(obj).Elem()
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	self := v.FieldByName("self")
	if !self.IsValid() || self.Kind() != reflect.Interface || self.IsNil() {
		return reflect.Value{}, false
	}
	p := self.Elem()
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	return p.Elem(), true
}

// guardCall makes the built-in function obj run wrap(orig) instead of its
// Go function orig, and reports whether it could. Loop goroutine, before
// any script runs in the runtime.
func guardCall(obj *goja.Object, wrap func(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value) bool {
	p := nativeSlot(obj, "f", callType)
	if p == nil {
		return false
	}
	slot := (*func(goja.FunctionCall) goja.Value)(p)
	*slot = wrap(*slot)
	return true
}

// guardConstruct makes the built-in constructor obj run wrap(orig) as its
// [[Construct]] instead of orig, and reports whether it could. Loop
// goroutine, before any script runs in the runtime.
func guardConstruct(obj *goja.Object, wrap func(orig func([]goja.Value, *goja.Object) *goja.Object) func([]goja.Value, *goja.Object) *goja.Object) bool {
	p := nativeSlot(obj, "construct", constructType)
	if p == nil {
		return false
	}
	slot := (*func([]goja.Value, *goja.Object) *goja.Object)(p)
	*slot = wrap(*slot)
	return true
}
