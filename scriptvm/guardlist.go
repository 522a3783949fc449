package scriptvm

import (
	"fmt"
	"math"
	"sync"

	"github.com/dop251/goja"
)

// unguardedArrayMethods are the Array.prototype methods that do constant
// work per call, or return lazy iterators whose steps run one at a time.
var unguardedArrayMethods = map[string]bool{"constructor": true, "push": true, "pop": true, "at": true,
	"keys": true, "entries": true}

// guardedArrayMethods are the other Array.prototype methods: every one
// walks the array. It is a list, not found by looking at Array.prototype,
// because looking at all of them would make every one exist in every
// runtime; TestEveryArrayMethodIsGuarded checks it against goja's.
var guardedArrayMethods = []string{"concat", "copyWithin", "every", "fill", "filter", "find", "findIndex", "findLast",
	"findLastIndex", "flat", "flatMap", "forEach", "includes", "indexOf", "join", "lastIndexOf", "map", "reduce",
	"reduceRight", "reverse", "shift", "slice", "some", "sort", "splice", "toLocaleString", "toString", "unshift",
	"with", "toReversed", "toSorted", "toSpliced", "values"}

// iteratorMethod is the Array.prototype method that @@iterator also is:
// its guard covers for-of, spread and destructuring.
const iteratorMethod = "values"

// guards lists the guarded built-ins and their checks. Any goroutine:
// the list is the same for every runtime (a check is handed the guardian
// it runs for), so it is made once and only read; a runtime's guards
// keep no copy of it.
func (g *guardian) guards() []guard { return guardTable() }

// guardTable makes the list guards returns, once.
var guardTable = sync.OnceValue(buildGuards)

// buildGuards makes the list of guarded built-ins and their checks.
func buildGuards() []guard {
	gs := make([]guard, 0, len(guardedArrayMethods)+24)
	// Every Array.prototype method that walks the array: by its length.
	for _, name := range guardedArrayMethods {
		name := name
		what := "Array.prototype." + name
		check := func(g *guardian, call goja.FunctionCall) {
			g.checkElements(what, lengthOf(g.rt, call.This), MaxElements)
		}
		switch name {
		case "sort":
			check = func(g *guardian, call goja.FunctionCall) {
				limit := int64(MaxElements)
				if goja.IsUndefined(call.Argument(0)) {
					limit = MaxSortElements // compared natively, by string conversion
				}
				g.checkElements(what, lengthOf(g.rt, call.This), limit)
			}
		case "fill":
			check = func(g *guardian, call goja.FunctionCall) {
				n := lengthOf(g.rt, call.This)
				g.checkElements(what, n, MaxElements)
				g.CheckAlloc(what, 16*n) // a sparse array becomes dense
			}
		case "join", "toString", "toLocaleString":
			check = func(g *guardian, call goja.FunctionCall) {
				n := lengthOf(g.rt, call.This)
				g.checkElements(what, n, MaxElements)
				sep := ","
				if name == "join" && !goja.IsUndefined(call.Argument(0)) {
					sep = call.Argument(0).String()
				}
				if n > 1 {
					g.checkString(what, stringBytes(sep, (n-1)*int64(len(sep))))
				}
			}
		case "concat":
			check = func(g *guardian, call goja.FunctionCall) {
				n := lengthOf(g.rt, call.This)
				for _, a := range call.Arguments {
					if obj, ok := a.(*goja.Object); ok && obj.ClassName() == "Array" {
						n += lengthOf(g.rt, a)
					} else {
						n++
					}
				}
				g.checkElements(what, n, MaxElements)
			}
		}
		gs = append(gs, guard{"Array.prototype", name, check})
	}
	byLengthOf := func(object, name string, arg int) guard {
		what := object + "." + name
		return guard{object, name, func(g *guardian, call goja.FunctionCall) {
			g.checkElements(what, lengthOf(g.rt, call.Argument(arg)), MaxElements)
		}}
	}
	gs = append(gs,
		guard{"Array", "from", func(g *guardian, call goja.FunctionCall) {
			src := call.Argument(0)
			n := lengthOf(g.rt, src)
			if obj, ok := src.(*goja.Object); ok {
				if size := obj.Get("size"); size != nil && !goja.IsUndefined(size) {
					n = max(n, int64(size.ToInteger()))
				}
			}
			g.checkElements("Array.from", n, MaxElements)
			g.CheckAlloc("Array.from", 16*n)
		}},
		byLengthOf("Object", "keys", 0),
		byLengthOf("Object", "values", 0),
		byLengthOf("Object", "entries", 0),
		byLengthOf("Object", "getOwnPropertyNames", 0),
		byLengthOf("Object", "getOwnPropertyDescriptors", 0),
		byLengthOf("Object", "freeze", 0),
		byLengthOf("Object", "seal", 0),
		byLengthOf("Object", "assign", 1),
		byLengthOf("Function.prototype", "apply", 1),
		byLengthOf("Reflect", "apply", 2),
		byLengthOf("Reflect", "construct", 1),
	)
	// Strings that a call builds, by their size.
	gs = append(gs,
		guard{"String.prototype", "repeat", func(g *guardian, call goja.FunctionCall) {
			s := thisString(call)
			if n := argInt(call, 0); n > 0 && len(s) > 0 {
				g.checkString("String.prototype.repeat", stringBytes(s, int64(math.Min(n*float64(len(s)), 1<<53))))
			}
		}},
		padGuard("padStart"), padGuard("padEnd"),
		guard{"String.prototype", "split", func(g *guardian, call goja.FunctionCall) {
			g.checkPattern("String.prototype.split", call.This)
		}},
		guard{"String.prototype", "replaceAll", func(g *guardian, call goja.FunctionCall) {
			g.checkPattern("String.prototype.replaceAll", call.This)
		}},
		guard{"String.prototype", "replace", func(g *guardian, call goja.FunctionCall) {
			if isGlobalRegExp(call.Argument(0)) {
				g.checkPattern("String.prototype.replace", call.This)
			}
		}},
		guard{"String.prototype", "match", func(g *guardian, call goja.FunctionCall) {
			if isGlobalRegExp(call.Argument(0)) {
				g.checkPattern("String.prototype.match", call.This)
			}
		}},
		guard{"String.prototype", "matchAll", func(g *guardian, call goja.FunctionCall) {
			g.checkPattern("String.prototype.matchAll", call.This)
		}},
		guard{"JSON", "parse", func(g *guardian, call goja.FunctionCall) {
			if n := stringLength(call.Argument(0)); n > MaxJSONText {
				g.throwRange(fmt.Sprintf("JSON.parse: a text of %d characters is more than one call may parse (%d)", n, MaxJSONText))
			}
			if d := jsonDepth(call.Argument(0).String()); d > MaxJSONDepth {
				g.throwRange(fmt.Sprintf("JSON.parse: nesting deeper than %d levels", MaxJSONDepth))
			}
		}},
	)
	return gs
}

// padGuard checks padStart/padEnd by the length asked for.
func padGuard(name string) guard {
	what := "String.prototype." + name
	return guard{"String.prototype", name, func(g *guardian, call goja.FunctionCall) {
		n := argInt(call, 0)
		if n <= 0 {
			return
		}
		fill := " "
		if f := call.Argument(1); !goja.IsUndefined(f) {
			fill = f.String()
		}
		g.checkString(what, stringBytes(thisString(call)+fill, int64(math.Min(n, 1<<53))))
	}}
}

// checkPattern refuses a pattern search over a string (ToString(v))
// longer than MaxPatternInput.
func (g *guardian) checkPattern(what string, v goja.Value) {
	if n := stringLength(v); n > MaxPatternInput {
		g.throwRange(fmt.Sprintf("%s: a string of %d characters is more than one call may search (%d)", what, n, MaxPatternInput))
	}
}

// stringLength is the length of ToString(v) in UTF-16 units, found without
// copying the string (0 for undefined and null).
func stringLength(v goja.Value) int64 {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return 0
	}
	if s, ok := v.ToString().(interface{ Length() int }); ok {
		return int64(s.Length())
	}
	return int64(len(v.String()))
}

// isGlobalRegExp reports whether v is a RegExp with the g flag.
func isGlobalRegExp(v goja.Value) bool {
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() != "RegExp" {
		return false
	}
	g := obj.Get("global")
	return g != nil && g.ToBoolean()
}

// jsonDepth is the deepest nesting of [ and { in a JSON text, outside
// strings.
func jsonDepth(text string) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}
