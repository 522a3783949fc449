package scriptvm

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"runtime/metrics"

	"github.com/dop251/goja"
)

// Built-ins that goja runs to completion without looking at interrupts
// (Array.prototype.fill, join, sort, String.prototype.repeat, JSON...) can
// hold the loop past the CPU budget and a signal, and allocate past the
// memory budget between two watchdog readings. The loop wraps them: before
// one runs, its arguments are checked against the work it would do and the
// memory it would need, and a call over either throws a catchable
// RangeError instead of starting. Under these caps every guarded call
// finishes in about a second on a small machine (see the README).
const (
	// MaxElements is the most elements one built-in call may walk: arrays
	// (and array-likes) longer than this are refused by array methods,
	// iteration and spread (...a), Array.from, Object.keys and friends,
	// Function.prototype.apply.
	MaxElements = 1 << 17
	// MaxSortElements bounds Array.prototype.sort without a compare
	// function (it compares by string conversion, natively); with one, the
	// compare function runs script code, which the watchdog can stop.
	MaxSortElements = 1 << 16
	// MaxPatternInput bounds the length of a string searched by a global
	// regular expression, replaceAll or split in one call.
	MaxPatternInput = 1 << 20
	// MaxJSONText bounds the length of the text JSON.parse takes, and
	// MaxJSONValues the values JSON.stringify visits, in one call.
	MaxJSONText   = 1 << 20
	MaxJSONValues = 1 << 19
	// MaxJSONDepth is the deepest nesting JSON.parse and JSON.stringify
	// accept (beyond it, a RangeError).
	MaxJSONDepth = 1000
	// MaxStringBytes caps one string a built-in builds (repeat, padEnd,
	// join...), whatever the memory budget.
	MaxStringBytes = 1 << 26
)

// guardian guards the built-ins of one runtime of a loop (the agent's, or
// a companion's) against the loop's budgets.
type guardian struct {
	l  *Loop
	rt *goja.Runtime
	// inPlace counts the built-ins guarded in place (see native.go), of
	// the wrapped ones (len(guards()) + 1 + len(bufferConstructors)).
	inPlace int
	// swapped counts the holders whose templates installLazy replaced
	// (lazy.go); 0 when the guards were installed eagerly.
	swapped int
	// guardedOnce records the non-templated holders (Array, JSON,
	// Reflect, the buffer constructors) already guarded at the moment a
	// script first reached them (lazy.go), one bit each.
	guardedOnce uint32
}

// newGuardian guards rt's built-ins. Called once per runtime, on the
// goroutine that owns it, before any script runs in it.
//
// What the guarding keeps in memory matters: every agent of a fleet has
// its own runtime. goja creates built-ins lazily, on first use; guarding
// one makes it (and its holder) exist. The guards change the built-ins in
// place (native.go), so they add no function objects and leave no
// replaced originals as garbage; the holders the guards need (Array,
// Object, JSON, Reflect, the typed array constructors...) stay, as goja
// caches them; lazy.go guards most of them only when a script first
// reaches them. BenchmarkNewLoop reports the bytes one runtime keeps.
func newGuardian(l *Loop, rt *goja.Runtime) *guardian {
	g := &guardian{l: l, rt: rt}
	if !l.wrap && g.installLazy() {
		return g
	}
	g.installGuards()
	g.guardStringify()
	g.guardBuffers()
	return g
}

// guard wraps one built-in: check runs first with the call's this and
// arguments and throws when the call is too big; then the original runs.
type guard struct {
	object, name string // e.g. "Array.prototype", "join"
	check        func(g *guardian, call goja.FunctionCall)
}

// installGuards guards the built-ins listed by guards: in place when it
// can (guardCall, see native.go), which makes no function objects; else
// with a wrapper function object each. In the fallback it makes every
// original first and then every wrapper: the originals, garbage once
// replaced, then lie together in memory and free whole spans, instead of
// leaving holes between the wrappers, which live as long as the runtime.
func (g *guardian) installGuards() {
	gs := g.guards()
	holders := make([]*goja.Object, len(gs))
	origs := make([]*goja.Object, len(gs))
	fns := make([]func(goja.FunctionCall) goja.Value, len(gs))
	for i, gd := range gs {
		if i > 0 && gs[i-1].object == gd.object {
			holders[i] = holders[i-1]
		} else {
			holders[i] = g.holder(gd.object)
		}
		fns[i], origs[i] = g.original(holders[i], gd.object, gd.name)
	}
	for i, gd := range gs {
		holder := holders[i]
		guarded := g.guarded(gd, fns[i])
		// Array.prototype.values is also @@iterator, and goja takes fast
		// paths that skip iterating (new Set(array), Array.from) when an
		// array's @@iterator is its original values function: guarded in
		// place it still would be, so it gets a wrapper, which turns
		// those paths off and iterates through the guard.
		iterator := gd.object == "Array.prototype" && gd.name == iteratorMethod
		if !iterator && !g.l.wrap && guardCall(origs[i], func(func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value { return guarded }) {
			g.inPlace++
			continue
		}
		g.wrapBuiltin(holder, gd, guarded, origs[i])
	}
}

// wrapBuiltin puts a wrapper function object running guarded where the
// built-in holder.name (orig) was, with orig's name and length; for
// Array.prototype.values, as @@iterator too.
func (g *guardian) wrapBuiltin(holder *goja.Object, gd guard, guarded func(goja.FunctionCall) goja.Value, orig *goja.Object) {
	wrapper := g.rt.ToValue(guarded).(*goja.Object)
	copyNameLength(wrapper, orig)
	if err := holder.DefineDataProperty(gd.name, wrapper, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		panic(fmt.Sprintf("scriptvm: guarding %s.%s: %v", gd.object, gd.name, err))
	}
	if gd.object == "Array.prototype" && gd.name == iteratorMethod {
		_ = holder.DefineDataPropertySymbol(goja.SymIterator, wrapper, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
}

// guarded is the Go function of the guarded built-in gd whose original
// Go function is orig: gd's check, then orig.
func (g *guardian) guarded(gd guard, orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	check := gd.check
	return func(call goja.FunctionCall) goja.Value {
		check(g, call)
		return orig(call) // a JS exception or an interrupt goes on as a panic, as from the original
	}
}

// holder returns the object a guarded built-in lives on ("Array",
// "Array.prototype", "String.prototype", "Function.prototype", or a
// global such as "Object", "JSON", "Reflect"), reached without making
// more of the runtime's built-ins exist than that object needs (the
// String and Function constructors are not needed, so they are not
// reached through).
func (g *guardian) holder(path string) *goja.Object {
	rt := g.rt
	var obj *goja.Object
	switch path {
	case "String.prototype":
		obj = rt.ToValue("").ToObject(rt).Prototype()
	case "Function.prototype":
		if object, ok := rt.Get("Object").(*goja.Object); ok {
			obj = object.Prototype()
		}
	case "Array.prototype":
		if array, ok := rt.Get("Array").(*goja.Object); ok {
			obj, _ = array.Get("prototype").(*goja.Object)
		}
	default:
		obj, _ = rt.Get(path).(*goja.Object)
	}
	if obj == nil {
		panic(fmt.Sprintf("scriptvm: no %s to guard", path))
	}
	return obj
}

// original returns the Go function of the built-in holder.name and its
// function object (for its name and length). Calling the Go function
// directly is what goja does when one built-in calls another.
func (g *guardian) original(holder *goja.Object, object, name string) (func(goja.FunctionCall) goja.Value, *goja.Object) {
	obj, _ := holder.Get(name).(*goja.Object)
	if obj != nil {
		if f, ok := obj.Export().(func(goja.FunctionCall) goja.Value); ok {
			return f, obj
		}
	}
	panic(fmt.Sprintf("scriptvm: %s.%s is not a built-in function", object, name))
}

// copyNameLength gives wrapper the name and length of orig, with their
// attributes (read-only, configurable, not enumerable).
func copyNameLength(wrapper, orig *goja.Object) {
	_ = wrapper.DefineDataProperty("name", orig.Get("name"), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = wrapper.DefineDataProperty("length", orig.Get("length"), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// throwRange throws a RangeError with msg exactly.
func (g *guardian) throwRange(msg string) {
	obj, err := g.rt.New(g.rt.Get("RangeError"), g.rt.ToValue(msg))
	if err != nil {
		panic(g.rt.NewTypeError("%s", msg))
	}
	panic(obj)
}

// checkElements refuses a call that would walk n elements, more than max.
func (g *guardian) checkElements(what string, n, max int64) {
	if n > max {
		g.throwRange(fmt.Sprintf("%s: %d elements are more than one call may process here (%d); work in smaller pieces", what, n, max))
	}
}

// AllocError says why an allocation of n bytes on a script's behalf would
// take the live heap past the memory budget, or returns nil when it fits.
// Modules check before allocating (blob sizes, payloads) and throw the
// text as a RangeError in their runtime. Any goroutine.
func (l *Loop) AllocError(what string, n int64) error {
	if n <= 0 || l.memory <= 0 {
		return nil
	}
	live := l.liveHeap()
	if n > l.memory-live {
		// The last collection may be long ago: collect now and look again.
		runtime.GC()
		live = l.liveHeap()
	}
	if n > l.memory-live {
		return fmt.Errorf("%s: %s more would take the heap past limits.memory (%d MiB, %d MiB in use)",
			what, sizeText(n), l.memory>>20, live>>20)
	}
	return nil
}

// CheckAlloc throws AllocError's refusal as a RangeError in g's runtime.
func (g *guardian) CheckAlloc(what string, n int64) {
	if err := g.l.AllocError(what, n); err != nil {
		g.throwRange(err.Error())
	}
}

// liveHeap is the heap the agent holds: the live bytes marked by the last
// garbage collection (garbage made since is not counted). Any goroutine.
func (l *Loop) liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if live := s[0].Value.Uint64(); live > 0 {
		return int64(live)
	}
	return int64(s[1].Value.Uint64()) // no collection has run yet
}

// lengthOf is ToLength(obj.length), for array-likes.
func lengthOf(rt *goja.Runtime, v goja.Value) int64 {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return 0
	}
	obj := v.ToObject(rt)
	n := obj.Get("length")
	if n == nil {
		return 0
	}
	f := n.ToFloat()
	if math.IsNaN(f) || f <= 0 {
		return 0
	}
	return int64(math.Min(f, 1<<53))
}

// stringBytes is how many bytes goja needs for a string of n characters
// like s: one per character when s is ASCII, two otherwise.
func stringBytes(s string, n int64) int64 {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return 2 * n
		}
	}
	return n
}

// argInt is ToIntegerOrInfinity of argument i (0 for a missing one).
func argInt(call goja.FunctionCall, i int) float64 {
	v := call.Argument(i)
	if goja.IsUndefined(v) {
		return 0
	}
	f := v.ToFloat()
	if math.IsNaN(f) {
		return 0
	}
	return math.Trunc(f)
}

// thisString is ToString(this), as String.prototype methods take it.
func thisString(call goja.FunctionCall) string {
	if goja.IsUndefined(call.This) || goja.IsNull(call.This) {
		return "" // the original throws its own TypeError
	}
	return call.This.String()
}

// checkString refuses a string result of n bytes: over MaxStringBytes, or
// over what the memory budget has left.
func (g *guardian) checkString(what string, n int64) {
	if n > MaxStringBytes {
		g.throwRange(fmt.Sprintf("%s: a string of %d MiB is more than one call may build (%d MiB)", what, n>>20, MaxStringBytes>>20))
	}
	g.CheckAlloc(what, n)
}

// guardStringify wraps JSON.stringify: the serialisation runs with a
// replacer of the host's (calling the script's own replacer function, if
// any, first) that counts the values visited and tracks the nesting depth,
// so a structure deeper than MaxJSONDepth or larger than MaxJSONValues is
// a RangeError, and an interrupt (the watchdog, Ctrl-C) gets through while
// a large value is serialised. An array replacer (a list of keys) is
// checked by walking the value first.
func (g *guardian) guardStringify() {
	holder := g.holder("JSON")
	orig, origObj := g.original(holder, "JSON", "stringify")
	stringify := g.stringify(orig)
	if !g.l.wrap && guardCall(origObj, func(func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value { return stringify }) {
		g.inPlace++
		return
	}
	wrapper := g.rt.ToValue(stringify).(*goja.Object)
	copyNameLength(wrapper, origObj)
	_ = holder.DefineDataProperty("stringify", wrapper, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// stringify is the guarded Go function of JSON.stringify, whose original
// is orig (see guardStringify).
func (g *guardian) stringify(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	rt := g.rt
	var point goja.Callable // an empty script function, made when first needed
	checkpoint := func() {
		if point == nil {
			fn, err := rt.RunString("(function () {})")
			if err != nil {
				panic(err)
			}
			point, _ = goja.AssertFunction(fn)
		}
		if _, err := point(goja.Undefined()); err != nil {
			panic(err) // an interrupt
		}
	}
	return func(call goja.FunctionCall) goja.Value {
		value, replacer, space := call.Argument(0), call.Argument(1), call.Argument(2)
		if obj, ok := replacer.(*goja.Object); ok && obj.ClassName() == "Array" {
			g.walkJSON(value, 0, new(int))
			return orig(goja.FunctionCall{This: call.This, Arguments: []goja.Value{value, replacer, space}})
		}
		user, _ := goja.AssertFunction(replacer)
		var stack []*goja.Object
		count := 0
		host := rt.ToValue(func(c goja.FunctionCall) goja.Value {
			h, _ := c.This.(*goja.Object)
			key, val := c.Argument(0), c.Argument(1)
			if user != nil {
				var err error
				if val, err = user(c.This, key, val); err != nil {
					panic(err)
				}
			}
			if count++; count > MaxJSONValues {
				g.throwRange(fmt.Sprintf("JSON.stringify: more than %d values is more than one call may serialise", MaxJSONValues))
			}
			if count%4096 == 0 {
				checkpoint()
			}
			for len(stack) > 0 && stack[len(stack)-1] != h {
				stack = stack[:len(stack)-1]
			}
			if obj, ok := val.(*goja.Object); ok {
				if _, isFn := goja.AssertFunction(val); !isFn {
					stack = append(stack, obj)
					if len(stack) > MaxJSONDepth {
						g.throwRange(fmt.Sprintf("JSON.stringify: nesting deeper than %d levels", MaxJSONDepth))
					}
				}
			}
			return val
		})
		return orig(goja.FunctionCall{This: call.This, Arguments: []goja.Value{value, host, space}})
	}
}

// walkJSON checks the depth and size of a value before JSON.stringify
// serialises it with a list of keys: own enumerable properties, as
// serialisation follows them.
func (g *guardian) walkJSON(v goja.Value, depth int, count *int) {
	obj, ok := v.(*goja.Object)
	if !ok {
		return
	}
	if _, isFn := goja.AssertFunction(v); isFn {
		return
	}
	if depth++; depth > MaxJSONDepth {
		g.throwRange(fmt.Sprintf("JSON.stringify: nesting deeper than %d levels", MaxJSONDepth))
	}
	for _, k := range obj.Keys() {
		if *count++; *count > MaxJSONValues {
			g.throwRange(fmt.Sprintf("JSON.stringify: more than %d values is more than one call may serialise", MaxJSONValues))
		}
		g.walkJSON(obj.Get(k), depth, count)
	}
}

var arrayBufferType = reflect.TypeOf(goja.ArrayBuffer{})

// guardBuffers guards ArrayBuffer and the typed array constructors so
// that a construction checks the memory it needs first: these allocate
// all of it at once, natively, faster than the watchdog samples the heap.
// In place (guardConstruct, see native.go) the constructor keeps its
// prototype, statics and identity, and every construction goes through
// the check, goja's own (species, from/of, super()) included. Otherwise
// each gets a wrapper that takes over the original's prototype, static
// methods and [[Prototype]], so instanceof, from/of and subclassing work
// as before.
func (g *guardian) guardBuffers() {
	rt := g.rt
	global := rt.GlobalObject()
	for _, name := range bufferConstructors {
		origObj, ok := rt.Get(name).(*goja.Object)
		if !ok {
			continue
		}
		size := int64(1)
		if b := origObj.Get("BYTES_PER_ELEMENT"); b != nil && !goja.IsUndefined(b) {
			size = b.ToInteger()
		}
		name := name
		if !g.l.wrap && g.guardBufferInPlace(name, origObj) {
			g.inPlace++
			continue
		}
		ctor, ok := goja.AssertConstructor(origObj)
		if !ok {
			continue
		}
		var wrapper *goja.Object
		wrapper = rt.ToValue(func(call goja.ConstructorCall) *goja.Object {
			g.checkBuffer(name, call.Argument(0), size)
			target := call.NewTarget
			if target == nil || target == wrapper {
				target = origObj
			}
			obj, err := ctor(target, call.Arguments...)
			if err != nil {
				panic(err)
			}
			return obj
		}).(*goja.Object)
		proto := origObj.Get("prototype")
		_ = wrapper.DefineDataProperty("prototype", proto, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
		copyNameLength(wrapper, origObj)
		for _, k := range origObj.GetOwnPropertyNames() {
			switch k {
			case "prototype", "name", "length":
				continue
			}
			_ = wrapper.DefineDataProperty(k, origObj.Get(k), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		}
		if p := origObj.Prototype(); p != nil {
			_ = wrapper.SetPrototype(p)
		}
		_ = proto.ToObject(rt).DefineDataProperty("constructor", wrapper, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		_ = global.DefineDataProperty(name, wrapper, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
}

// guardBufferInPlace guards the buffer constructor obj (named name) in
// place, and reports whether it could.
func (g *guardian) guardBufferInPlace(name string, obj *goja.Object) bool {
	size := int64(1)
	if b := obj.Get("BYTES_PER_ELEMENT"); b != nil && !goja.IsUndefined(b) {
		size = b.ToInteger()
	}
	return guardConstruct(obj, func(orig func([]goja.Value, *goja.Object) *goja.Object) func([]goja.Value, *goja.Object) *goja.Object {
		return func(args []goja.Value, newTarget *goja.Object) *goja.Object {
			var arg goja.Value = goja.Undefined()
			if len(args) > 0 {
				arg = args[0]
			}
			g.checkBuffer(name, arg, size)
			return orig(args, newTarget)
		}
	})
}

// bufferConstructors are the constructors guardBuffers wraps.
var bufferConstructors = []string{"ArrayBuffer", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
	"Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"}

// checkBuffer refuses constructing a buffer or typed array whose first
// argument asks for more memory than is left: a length, or an array-like
// or buffer to copy.
func (g *guardian) checkBuffer(what string, arg goja.Value, size int64) {
	var n float64
	switch a := arg.(type) {
	case *goja.Object:
		if a.ExportType() == arrayBufferType && what != "ArrayBuffer" {
			return // a view on a buffer that exists: nothing new
		}
		n = float64(lengthOf(g.rt, a))
	default:
		if arg != nil && !goja.IsUndefined(arg) {
			n = arg.ToFloat()
		}
	}
	bytes := n * float64(size)
	if bytes > MaxStringBytes {
		g.throwRange(fmt.Sprintf("%s: %d MiB is more than one allocation may take (%d MiB)", what, int64(bytes)>>20, MaxStringBytes>>20))
	}
	g.CheckAlloc(what, int64(bytes))
}

// sizeText shows a byte count in MiB, or KiB below one MiB.
func sizeText(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", max(n>>10, 1))
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
