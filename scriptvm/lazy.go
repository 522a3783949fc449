package scriptvm

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/dop251/goja"
)

// Guarding lazily: goja makes most built-ins on first use, from templates
// it shares between runtimes (a holder such as Array.prototype is a
// templated object: its properties are made, one by one, by the
// template's factories the first time anything looks at them). Guarding
// a built-in eagerly makes it exist, in every runtime of a fleet, whether
// its script uses it or not (about 90 KB an agent).
//
// installLazy instead gives each templated holder whose properties are
// guarded (the global object, Object, Array.prototype, String.prototype,
// Function.prototype) a template of this runtime's own: the same property
// names, the same factories, but those of guarded built-ins call the
// original factory and then guard the function it made, in place
// (native.go), before any script can hold it. Every way a script reaches
// a property of a templated object (a read, Reflect.get, a descriptor,
// for-in, Object.keys, with, destructuring) goes through the template, so
// every way gets the guarded function. Holders goja makes whole, not from
// a template (Array, JSON, Reflect, the typed array constructors), are
// guarded when the template property that hands them to scripts is made
// (the global's, and Array.prototype.constructor for Array).
//
// What stays eager: Array.prototype.values (a wrapper, see installGuards),
// and ArrayBuffer, which goja also hands out through ArrayBuffer.prototype,
// made whole whenever the host or a typed array makes a buffer.
//
// The template, its props map and the factory type are unexported in goja:
// they are reached with reflect, and written with unsafe only after the
// exact types are checked; when they do not match (another goja version),
// installLazy reports false and the guards are installed eagerly.

// Bits of guardian.guardedOnce.
const (
	onceArray   = 1 << iota // Array.from
	onceJSON                // JSON.parse, JSON.stringify
	onceReflect             // Reflect.apply, Reflect.construct
	onceBuffers             // first of len(bufferConstructors) bits
)

var (
	runtimeType = reflect.TypeOf((*goja.Runtime)(nil))
	valueType   = reflect.TypeOf((*goja.Value)(nil)).Elem()
	objectType  = reflect.TypeOf((*goja.Object)(nil))
	factoryType = reflect.TypeOf((func(*goja.Runtime) goja.Value)(nil))
)

// templateSwap is a holder's template copy waiting to be installed.
type templateSwap struct {
	slot unsafe.Pointer // the holder's tmpl field
	tmpl reflect.Value  // the copy: a pointer to goja's objectTemplate
}

// installLazy installs the guards lazily (see above) and reports whether
// it could; when it reports false it has changed nothing. Loop goroutine,
// before any script runs in the runtime.
func (g *guardian) installLazy() bool {
	if !nativeLayoutKnown(g.rt) {
		return false
	}
	byHolder := map[string]map[string]*guard{}
	table := g.guards()
	for i := range table {
		gd := &table[i] // the table is shared and never changes: hooks keep a pointer, not a copy
		if gd.object == "Array.prototype" && gd.name == iteratorMethod {
			continue // eager, below
		}
		if byHolder[gd.object] == nil {
			byHolder[gd.object] = map[string]*guard{}
		}
		byHolder[gd.object][gd.name] = gd
	}
	templated := []string{"Object", "Array.prototype", "String.prototype", "Function.prototype"}
	var swaps []templateSwap
	for _, path := range templated {
		holder := g.lazyHolder(path)
		guards := byHolder[path]
		delete(byHolder, path)
		hooks := map[string]func(*goja.Object){}
		for name, gd := range guards {
			hooks[name] = func(fn *goja.Object) { g.guardFunc(gd, fn) }
		}
		if path == "Array.prototype" {
			hooks["constructor"] = g.guardArray
		}
		s, ok := templateCopy(holder, hooks)
		if !ok {
			return false
		}
		swaps = append(swaps, s)
	}
	hooks := map[string]func(*goja.Object){"Array": g.guardArray, "JSON": g.guardJSON, "Reflect": g.guardReflect}
	for i, name := range bufferConstructors {
		bit := uint32(onceBuffers) << i
		hooks[name] = func(ctor *goja.Object) { g.guardBuffer(bit, name, ctor) }
	}
	s, ok := templateCopy(g.rt.GlobalObject(), hooks)
	if !ok {
		return false
	}
	swaps = append(swaps, s)
	delete(byHolder, "Array")
	delete(byHolder, "JSON")
	delete(byHolder, "Reflect")
	if len(byHolder) != 0 {
		panic(fmt.Sprintf("scriptvm: guards on holders installLazy does not know: %v", byHolder))
	}
	arrayBuffer := globalField(g.rt, "ArrayBuffer")
	if arrayBuffer == nil {
		g.rt.NewArrayBuffer(nil) // makes ArrayBuffer.prototype, and so ArrayBuffer
		arrayBuffer = globalField(g.rt, "ArrayBuffer")
	}
	if arrayBuffer == nil {
		return false
	}
	for _, s := range swaps {
		*(*unsafe.Pointer)(s.slot) = s.tmpl.UnsafePointer()
	}
	g.swapped = len(swaps)
	g.guardBuffer(onceBuffers, "ArrayBuffer", arrayBuffer)
	g.guardValues()
	return true
}

// guardValues wraps Array.prototype.values (also @@iterator), as
// installGuards does, and for the reason it gives there.
func (g *guardian) guardValues() {
	for _, gd := range g.guards() {
		if gd.object != "Array.prototype" || gd.name != iteratorMethod {
			continue
		}
		holder := g.lazyHolder(gd.object)
		orig, origObj := g.original(holder, gd.object, gd.name)
		g.wrapBuiltin(holder, gd, g.guarded(gd, orig), origObj)
	}
}

// guardFunc guards the built-in fn in place with gd's check.
func (g *guardian) guardFunc(gd *guard, fn *goja.Object) {
	if !guardCall(fn, func(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
		return g.guarded(*gd, orig)
	}) {
		panic(fmt.Sprintf("scriptvm: %s.%s is not a built-in function goja's layout lets the guards reach", gd.object, gd.name))
	}
	g.inPlace++
}

// guardMembers guards the guarded built-ins of the holder path, which
// goja makes whole (with all its properties), once.
func (g *guardian) guardMembers(bit uint32, path string, holder *goja.Object) {
	if g.guardedOnce&bit != 0 {
		return
	}
	g.guardedOnce |= bit
	table := g.guards()
	for i := range table {
		if table[i].object != path {
			continue
		}
		fn, _ := holder.Get(table[i].name).(*goja.Object)
		g.guardFunc(&table[i], fn)
	}
}

// guardArray guards Array.from when Array is first handed to a script.
func (g *guardian) guardArray(array *goja.Object) { g.guardMembers(onceArray, "Array", array) }

// guardReflect guards Reflect.apply and construct.
func (g *guardian) guardReflect(reflect *goja.Object) {
	g.guardMembers(onceReflect, "Reflect", reflect)
}

// guardJSON guards JSON.parse and JSON.stringify.
func (g *guardian) guardJSON(json *goja.Object) {
	if g.guardedOnce&onceJSON != 0 {
		return
	}
	g.guardMembers(onceJSON, "JSON", json)
	fn, _ := json.Get("stringify").(*goja.Object)
	if !guardCall(fn, func(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
		return g.stringify(orig)
	}) {
		panic("scriptvm: JSON.stringify is not a built-in function goja's layout lets the guards reach")
	}
	g.inPlace++
}

// guardBuffer guards the buffer constructor ctor, named name, once.
func (g *guardian) guardBuffer(bit uint32, name string, ctor *goja.Object) {
	if g.guardedOnce&bit != 0 {
		return
	}
	g.guardedOnce |= bit
	if !g.guardBufferInPlace(name, ctor) {
		panic(fmt.Sprintf("scriptvm: %s is not a built-in constructor goja's layout lets the guards reach", name))
	}
	g.inPlace++
}

// lazyHolder returns the holder path, as holder does, but takes the
// prototypes goja has made already from the runtime, without looking
// anything up (which would make properties exist).
func (g *guardian) lazyHolder(path string) *goja.Object {
	var field string
	switch path {
	case "Object":
		field = "Object"
	case "Array.prototype":
		field = "ArrayPrototype"
	case "String.prototype":
		field = "StringPrototype"
	case "Function.prototype":
		field = "FunctionPrototype"
	}
	if obj := globalField(g.rt, field); obj != nil {
		return obj
	}
	if path == "Array.prototype" {
		return g.rt.NewArray().Prototype() // makes Array.prototype, not Array
	}
	return g.holder(path)
}

// globalField reads the built-in goja keeps in rt's field global.name, or
// nil when it has not made it (or the field is not there, or not an
// *Object).
func globalField(rt *goja.Runtime, name string) *goja.Object {
	if name == "" {
		return nil
	}
	global := reflect.ValueOf(rt).Elem().FieldByName("global")
	if !global.IsValid() || global.Kind() != reflect.Struct {
		return nil
	}
	f := global.FieldByName(name)
	if !f.IsValid() || f.Type() != objectType {
		return nil
	}
	return *(**goja.Object)(unsafe.Pointer(f.UnsafeAddr()))
}

// nativeLayoutKnown reports whether goja's native function objects have
// the fields guardCall and guardConstruct write, so that a factory's
// guard cannot fail once a script runs. It looks at a function made for
// the purpose, of the type goja makes its built-ins with.
func nativeLayoutKnown(rt *goja.Runtime) bool {
	probe, ok := rt.ToValue(func(goja.FunctionCall) goja.Value { return nil }).(*goja.Object)
	if !ok || nativeSlot(probe, "f", callType) == nil {
		return false
	}
	impl, _ := implOf(probe)
	c := impl.FieldByName("construct")
	return c.IsValid() && c.Type() == constructType
}

// templateCopy prepares, for the templated object holder, a copy of its
// template whose factories for the names in hooks call the original, then
// the hook with the function object it made. ok is false when holder is
// not a templated object of the layout this expects.
func templateCopy(holder *goja.Object, hooks map[string]func(*goja.Object)) (templateSwap, bool) {
	impl, ok := implOf(holder)
	if !ok {
		return templateSwap{}, false
	}
	field := impl.FieldByName("tmpl")
	if !field.IsValid() || field.Kind() != reflect.Pointer || field.IsNil() || field.Type().Elem().Kind() != reflect.Struct {
		return templateSwap{}, false
	}
	tt := field.Type().Elem()
	old := reflect.NewAt(tt, field.UnsafePointer()).Elem()
	props := old.FieldByName("props")
	if !props.IsValid() || props.Kind() != reflect.Map || props.Type().Key().Kind() != reflect.String {
		return templateSwap{}, false
	}
	props = reflect.NewAt(props.Type(), unsafe.Pointer(props.UnsafeAddr())).Elem() // readable
	ft := props.Type().Elem()
	if ft.Kind() != reflect.Func || !ft.ConvertibleTo(factoryType) || !factoryType.ConvertibleTo(ft) {
		return templateSwap{}, false
	}
	copied := reflect.New(tt)
	copied.Elem().Set(old)
	newProps := reflect.MakeMapWithSize(props.Type(), props.Len())
	iter := props.MapRange()
	found := 0
	for iter.Next() {
		k, f := iter.Key(), iter.Value()
		if hook := hooks[k.String()]; hook != nil && !f.IsNil() {
			orig := f.Convert(factoryType).Interface().(func(*goja.Runtime) goja.Value)
			name := k.String()
			f = reflect.ValueOf(func(rt *goja.Runtime) goja.Value {
				val := orig(rt)
				obj := propObject(val)
				if obj == nil {
					panic(fmt.Sprintf("scriptvm: goja's template made %s a %T, not a function", name, val))
				}
				hook(obj)
				return val
			}).Convert(ft)
			found++
		}
		newProps.SetMapIndex(k, f)
	}
	if found != len(hooks) {
		return templateSwap{}, false // a guarded name the template does not have
	}
	dst := copied.Elem().FieldByName("props")
	reflect.NewAt(dst.Type(), unsafe.Pointer(dst.UnsafeAddr())).Elem().Set(newProps)
	return templateSwap{slot: unsafe.Pointer(field.UnsafeAddr()), tmpl: copied}, true
}

// propObject is the object a template factory made: the value itself, or
// the value of the data property (goja's valueProperty) it returned.
func propObject(v goja.Value) *goja.Object {
	if obj, ok := v.(*goja.Object); ok {
		return obj
	}
	p := reflect.ValueOf(v)
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Elem().Kind() != reflect.Struct {
		return nil
	}
	if acc := p.Elem().FieldByName("accessor"); !acc.IsValid() || acc.Kind() != reflect.Bool || acc.Bool() {
		return nil
	}
	f := p.Elem().FieldByName("value")
	if !f.IsValid() || f.Type() != valueType {
		return nil
	}
	obj, _ := (*(*goja.Value)(unsafe.Pointer(f.UnsafeAddr()))).(*goja.Object)
	return obj
}
