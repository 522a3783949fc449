package squirrel

import (
	"errors"
	"fmt"

	"github.com/dop251/goja"
)

// The bridge: how host (JavaScript/Go) values and Squirrel values meet.
// Host API objects are plain goja objects whose methods are Go functions;
// Squirrel code reaches them through the root table. Values crossing the
// boundary are converted (see runtime/bridge.js for the rules):
//
//	host -> Squirrel: null/undefined -> null, booleans, numbers (integer when
//	the value is an int32, float otherwise), strings as UTF-8 bytes, arrays,
//	functions (callable from Squirrel; the host function sees its own object
//	as `this`), other objects as tables of their properties (one table per
//	object, so identity is kept).
//	Squirrel -> host: numbers, strings as text (UTF-8 decoded when valid,
//	else one code unit per byte), tables and instances as plain objects,
//	arrays, closures as JS functions whose length is the closure's number of
//	parameters (so a host can adapt to a callback's arity), and tables that
//	came from host objects as the original objects.

func (r *Runtime) helper(name string) goja.Callable {
	f, ok := goja.AssertFunction(r.sq.Get(name))
	if !ok {
		panic("squirrel: runtime helper " + name + " missing")
	}
	return f
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

// ClassSpec describes a class implemented by the host (such as the imp's
// blob): Squirrel code creates instances by calling the class, and each
// instance wraps the host object the constructor returns.
type ClassSpec struct {
	// New creates the host object for an instance from the constructor's
	// arguments (converted to host values). An error becomes a Squirrel
	// exception with its text.
	New func(args []goja.Value) (*goja.Object, error)
	// Methods lists the host object's methods Squirrel may call; each call
	// runs the host object's method of that name with `this` the object.
	Methods []string
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
			panic(r.vm.ToValue(fromBytes(err.Error())))
		}
		return obj
	})
	methods := r.vm.ToValue(spec.Methods)
	_, err := r.helper("hostClass")(goja.Undefined(), r.vm.ToValue(name), ctor, methods, r.vm.ToValue(spec.TypeName))
	return r.wrapError(err)
}
