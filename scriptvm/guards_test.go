package scriptvm

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// TestGuardedBuiltinsRefuseHugeWork: each built-in that goja runs to the
// end without looking at interrupts is refused, with a catchable
// RangeError, when asked for more work or memory than the caps allow,
// and the refusal comes at once.
func TestGuardedBuiltinsRefuseHugeWork(t *testing.T) {
	cases := map[string]string{
		"fill":                `new Array(1e8).fill(0)`,
		"join":                `new Array(3e8).join("x")`,
		"repeat":              `"ab".repeat(2e9)`,
		"padEnd":              `"x".padEnd(1e9)`,
		"sort":                `var a = new Array(200000).fill(1); a.sort()`,
		"from":                `Array.from({length: 1e8})`,
		"keys":                `Object.keys(new Array(1e8))`,
		"apply":               `Math.max.apply(null, new Array(1e8))`,
		"spread":              `Math.max(...new Array(1e6))`,
		"for-of":              `for (const x of new Array(1e6)) {}`,
		"concat":              `[].concat(new Array(3e5), new Array(3e5))`,
		"split":               `"a,".repeat(2e6).split(",")`,
		"replace":             `"a".repeat(3e6).replace(/a/g, "bb")`,
		"parse-depth":         `JSON.parse("[".repeat(2e6) + "]".repeat(2e6))`,
		"parse-size":          `JSON.parse("[" + "1,".repeat(2e6) + "1]")`,
		"stringify-deep":      `var o = {}, d = o; for (var i = 0; i < 5000; i++) { d.x = {}; d = d.x; } JSON.stringify(o)`,
		"stringify-big":       `JSON.stringify(new Array(200000).fill([1, 2, 3, 4, 5, 6]))`,
		"typed array":         `new Uint8Array(5e8)`,
		"array buffer":        `new ArrayBuffer(5e8)`,
		"typed copy":          `new Float64Array(new Array(100000000))`,
		"subclass":            `class Big extends Int32Array {} new Big(3e8)`,
		"set from array":      `new Set(new Array(1e6))`,
		"reflect construct":   `Reflect.construct(Float64Array, [3e8])`,
		"typed from":          `Uint8Array.from({length: 5e8})`,
		"constructor of":      `new (new Uint8Array(1).constructor)(5e8)`,
		"buffer of view":      `new (new Int16Array(1).buffer.constructor)(5e8)`,
		"stringify-keys-deep": `var o = {}, d = o; for (var i = 0; i < 5000; i++) { d.x = {}; d = d.x; } JSON.stringify(o, ["x"])`,
	}
	for name, expr := range cases {
		for _, mode := range guardModes {
			t.Run(name+"/"+mode.name, func(t *testing.T) {
				h := newHarnessWith(t, mode.opts)
				start := time.Now()
				_, err := h.run(t, `try { `+expr+`; log("no error"); } catch (e) { log(e.name + ": " + e.message); }`, RunOptions{UntilIdle: true})
				must(t, err)
				if el := time.Since(start); el > 2*time.Second {
					t.Errorf("took %v to refuse", el)
				}
				if len(h.lines) != 1 || !strings.HasPrefix(h.lines[0], "RangeError: ") {
					t.Fatalf("lines %q", h.lines)
				}
			})
		}
	}
}

// guardModes are the two ways the guards can be installed: in place (with
// the goja this module pins) and with wrapper function objects (the
// fallback when goja's layout changes); the guard cases run in both.
var guardModes = []struct {
	name string
	opts Options
}{{"in place", Options{}}, {"wrapped", Options{wrapGuards: true}}}

// TestGuardedBuiltinsStillWork: below the caps the guarded built-ins do
// what the language says, names and lengths included.
func TestGuardedBuiltinsStillWork(t *testing.T) {
	for _, mode := range guardModes {
		t.Run(mode.name, func(t *testing.T) { testGuardedBuiltinsStillWork(t, mode.opts) })
	}
}

func testGuardedBuiltinsStillWork(t *testing.T, opts Options) {
	h := newHarnessWith(t, opts)
	_, err := h.run(t, `
log([3, 1, 2].sort().join("-") + " " + [3, 1, 2].sort(function (a, b) { return b - a; }).join());
log(new Array(3).fill(7).toString() + " " + Array.from({length: 2}, function (_, i) { return i * 2; }));
log([...[1, 2, 3]].length + " " + Math.max(...[4, 9, 2]) + " " + Math.max.apply(null, [5, 6]));
let n = 0; for (const x of [1, 2, 3]) n += x; log(String(n));
log("ab".repeat(3) + " " + "7".padStart(3, "0") + " " + "a,b,,c".split(",").length + " " + "aXbX".replace(/X/g, "-"));
log(JSON.stringify({b: [1, {c: "d"}], a: null, t: {toJSON: function () { return "T"; }}, u: undefined}, null, 1).replace(/\n/g, "|"));
log(JSON.stringify({a: 1, b: 2, c: {a: 3, b: 4}}, ["b", "c"]));
log(JSON.stringify({a: 1, b: "x"}, function (k, v) { return typeof v === "number" ? v * 10 : v; }));
log(JSON.stringify(JSON.parse('{"x":[1,2,{"y":true}]}')));
class U8 extends Uint8Array { sum() { return this.reduce(function (a, b) { return a + b; }, 0); } }
const u = new U8([1, 2, 3]);
log(u.sum() + " " + (u instanceof Uint8Array) + " " + (u instanceof U8) + " " + new Uint8Array(4).length + " " +
	Uint8Array.name + " " + Uint8Array.BYTES_PER_ELEMENT + " " + new ArrayBuffer(8).byteLength + " " +
	Uint8Array.from([5, 6]).join() + " " + (new Uint8Array(2).constructor === Uint8Array) + " " + new Uint16Array(new ArrayBuffer(8), 2, 1).length);
log(Array.prototype.join.name + Array.prototype.join.length + " " + JSON.stringify.name + JSON.stringify.length + " " +
	String.prototype.repeat.name + " " + Object.keys(Array.prototype).length + " " + ([][Symbol.iterator] === Array.prototype.values));
`, RunOptions{UntilIdle: true})
	must(t, err)
	want := []string{
		"1-2-3 3,2,1",
		"7,7,7 0,2",
		"3 9 6",
		"6",
		"ababab 007 4 a-b-",
		`{| "b": [|  1,|  {|   "c": "d"|  }| ],| "a": null,| "t": "T"|}`,
		`{"b":2,"c":{"b":4}}`,
		`{"a":10,"b":"x"}`,
		`{"x":[1,2,{"y":true}]}`,
		"6 true true 4 Uint8Array 1 8 5,6 true 1",
		"join1 stringify3 repeat 0 true",
	}
	if strings.Join(h.lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(h.lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestGuardedBuiltinsCanBeReplaced: a script (a polyfill) may assign,
// redefine or delete a guarded built-in, in sloppy and strict code, as
// it may a plain one.
func TestGuardedBuiltinsCanBeReplaced(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.run(t, `
Array.prototype.join = function () { return "joined"; };
(function () { "use strict"; String.prototype.repeat = function () { return "strict"; }; })();
Object.defineProperty(JSON, "parse", {value: function () { return "parsed"; }});
delete Array.prototype.flat;
log([1, 2].join() + " " + "x".repeat(2) + " " + JSON.parse("1") + " " + typeof [].flat + " " + [3, 4].map(String).length);
`, RunOptions{UntilIdle: true})
	must(t, err)
	if strings.Join(h.lines, "|") != "joined strict parsed undefined 2" {
		t.Fatalf("lines %q", h.lines)
	}
}

// TestStringifyCanBeInterrupted: a large serialisation under the caps
// still lets the watchdog stop it, because the host's replacer lets
// interrupts through.
func TestStringifyCanBeInterrupted(t *testing.T) {
	h := &harness{}
	h.loop = New(Options{CallbackBudget: 50 * time.Millisecond, OnError: func(e *ScriptError) { h.errors = append(h.errors, e) }})
	start := time.Now()
	_, err := h.run(t, `var big = new Array(100000).fill("x"); for (;;) JSON.stringify(big);`, RunOptions{UntilIdle: true})
	if err == nil || !strings.Contains(err.Error(), "WatchdogError") {
		t.Fatalf("err = %v", err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("stopped after %v with a 50 ms budget", el)
	}
}

// BenchmarkBuiltinsAtTheirCaps times each guarded built-in at the largest
// call its cap allows: the longest a script can hold the loop inside one
// built-in, which bounds how late the watchdog and a signal take effect.
func BenchmarkBuiltinsAtTheirCaps(b *testing.B) {
	for _, c := range []struct{ name, setup, call string }{
		{"fill-sparse", "", "new Array(131072).fill(0)"},
		{"join", "var a = new Array(131072).fill(1234567);", "a.join(',')"},
		{"sort-default", "var a = []; for (var i = 0; i < 65536; i++) a.push((i * 7919) % 65536);", "a.slice().sort()"},
		{"spread-call", "var a = new Array(131072).fill(1);", "Math.max(...a)"},
		{"from", "", "Array.from({length: 131072})"},
		{"keys", "var a = new Array(131072).fill(1);", "Object.keys(a)"},
		{"replace-global", "var s = 'a'.repeat(1048576);", "s.replace(/a/g, 'bb')"},
		{"split", "var s = 'a,'.repeat(524288);", "s.split(',')"},
		{"parse", "var s = '[' + '1,'.repeat(524286) + '1]';", "JSON.parse(s)"},
		{"stringify", "var a = new Array(131070).fill(1); var all = [a, a, a, a];", "JSON.stringify(all)"},
		{"repeat", "", "'x'.repeat(67108864)"},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := newHarness(b, nil)
			prg, err := Compile("bench.js", c.setup+"function run(n) { for (var i = 0; i < n; i++) { "+c.call+"; } }")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := h.loop.Runtime().RunProgram(prg); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			if _, err := h.loop.Runtime().RunString("run(" + strconv.Itoa(b.N) + ")"); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// TestEveryArrayMethodIsGuarded: the list of guarded Array.prototype
// methods is every method goja's Array.prototype has, but those that do
// constant work per call; a goja that adds one fails here until it is
// listed (or declared constant-time).
func TestEveryArrayMethodIsGuarded(t *testing.T) {
	rt := goja.New()
	proto := rt.Get("Array").(*goja.Object).Get("prototype").(*goja.Object)
	var want []string
	for _, name := range proto.GetOwnPropertyNames() {
		if _, ok := goja.AssertFunction(proto.Get(name)); ok && !unguardedArrayMethods[name] {
			want = append(want, name)
		}
	}
	got := append([]string(nil), guardedArrayMethods...)
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("guarded Array.prototype methods\n got %v\nwant %v", got, want)
	}
}

// shapeScript describes, one line per property, what a script can see of
// the guarded built-ins' holders: own property names in order, each
// property's attributes, and for functions their typeof, name, length,
// constructor-ness and source text.
const shapeScript = `
var out = [];
function describe(label, obj) {
	Reflect.ownKeys(obj).forEach(function (k) {
		var d = Object.getOwnPropertyDescriptor(obj, k), line = label + "." + String(k) + ":";
		line += ("value" in d ? " data w=" + d.writable : " accessor") + " e=" + d.enumerable + " c=" + d.configurable;
		var v = "value" in d ? d.value : undefined;
		if (typeof v === "function") {
			var ctor = true;
			try { Reflect.construct(String, [], v); } catch (e) { ctor = false; }
			line += " fn " + v.name + "/" + v.length + " ctor=" + ctor + " " + Function.prototype.toString.call(v);
		} else if (typeof v !== "object") {
			line += " " + typeof v + " " + String(v);
		}
		out.push(line);
	});
}
[["Array", Array], ["Array.prototype", Array.prototype], ["String.prototype", String.prototype],
 ["Function.prototype", Function.prototype], ["Object", Object], ["JSON", JSON], ["Reflect", Reflect],
 ["ArrayBuffer", ArrayBuffer], ["Uint8Array", Uint8Array], ["Float64Array", Float64Array],
 ["Uint8Array.prototype", Uint8Array.prototype]].forEach(function (p) { describe(p[0], p[1]); });
out.push("iterator is values: " + ([][Symbol.iterator] === Array.prototype.values));
out.join("\n");
`

// TestGuardsChangeNothingScriptsSee: a guarded runtime's built-ins look
// to a script exactly as a plain goja runtime's do — names, order,
// attributes, typeof, name and length, constructors and their source
// text — as they are guarded in place (Array.prototype.values, wrapped,
// differs only by identity, which this does not show). With wrappers (the
// fallback for another goja version) the typed array and ArrayBuffer
// statics were copied read-only and ArrayBuffer's Symbol.species accessor
// was missing.
func TestGuardsChangeNothingScriptsSee(t *testing.T) {
	plainV, err := goja.New().RunString(shapeScript)
	must(t, err)
	plain := strings.Split(plainV.String(), "\n")
	h := newHarness(t, nil)
	guardedV, err := h.loop.Runtime().RunString(shapeScript)
	must(t, err)
	// The harness defines log and after; a plain runtime has neither.
	guarded := strings.Split(strings.Replace(guardedV.String(), ",log,after", "", 1), "\n")
	for i := 0; i < len(guarded) && i < len(plain); i++ {
		if guarded[i] != plain[i] {
			t.Fatalf("line %d differs:\nguarded %s\n  plain %s", i+1, guarded[i], plain[i])
		}
	}
	if len(guarded) != len(plain) || len(plain) < 150 {
		t.Fatalf("guarded %d lines, plain %d", len(guarded), len(plain))
	}
}

// TestGuardsAreInPlace: with the goja this module pins, the guards are
// installed lazily (lazy.go): the templates of the five templated holders
// are swapped, only ArrayBuffer is guarded at once, and every other
// guarded built-in is guarded in place, when a script first reaches it —
// all but Array.prototype.values, a wrapper (see native.go). A goja
// upgrade that moves the fields the guards use makes them fall back to
// eager guarding or to wrappers, which this reports.
func TestGuardsAreInPlace(t *testing.T) {
	l := New(Options{})
	rt := goja.New()
	g := newGuardian(l, rt)
	if g.swapped != 5 {
		t.Fatalf("%d holders' templates swapped, want 5: goja's templates no longer have the layout lazy.go reaches", g.swapped)
	}
	if g.inPlace != 1 {
		t.Fatalf("%d built-ins guarded in place at once, want 1 (ArrayBuffer)", g.inPlace)
	}
	touchAll := `[Array.prototype, String.prototype, Function.prototype, Object, JSON, Reflect, Array].forEach(function (h) {
		Object.getOwnPropertyNames(h).forEach(function (k) { var d = Object.getOwnPropertyDescriptor(h, k); });
	}); ` + strings.Join(bufferConstructors, ";") + `;`
	_, err := rt.RunString(touchAll)
	must(t, err)
	want := len(g.guards()) - 1 + 1 + len(bufferConstructors) // all but values; stringify; the buffers
	if g.inPlace != want {
		t.Fatalf("%d built-ins guarded in place once all were reached, want %d", g.inPlace, want)
	}
	if w := newGuardian(New(Options{wrapGuards: true}), goja.New()); w.inPlace != 0 || w.swapped != 0 {
		t.Fatalf("%d built-ins guarded in place, %d templates swapped with wrapGuards set: the fallback's tests test nothing", w.inPlace, w.swapped)
	}
}

// madeProps is how many properties goja has made so far on the object
// path of rt (found as lazyHolder finds it, without making any), or -1
// when rt has not made the object.
func madeProps(t *testing.T, rt *goja.Runtime, path string) int {
	var obj *goja.Object
	switch path {
	case "global":
		obj = rt.GlobalObject()
	default:
		obj = globalField(rt, path)
	}
	if obj == nil {
		return -1
	}
	values := reflect.ValueOf(obj).Elem().FieldByName("self").Elem().Elem().FieldByName("values")
	if values.Kind() != reflect.Map {
		t.Fatalf("%s: no values map", path)
	}
	return values.Len()
}

// TestGuardingMakesNoBuiltins: guarding a new runtime makes none of the
// guarded built-ins, nor the global properties that hold them: the
// global object, Object, String.prototype and Function.prototype have
// exactly the properties a plain goja.New() runtime has made, but for
// the global's Object (the Object constructor, without its properties,
// is made to swap its template), and Array.prototype only values (the
// eager wrapper).
func TestGuardingMakesNoBuiltins(t *testing.T) {
	plain := goja.New()
	guarded := goja.New()
	newGuardian(New(Options{}), guarded)
	for _, path := range []string{"global", "Object", "StringPrototype", "FunctionPrototype", "ArrayPrototype"} {
		p, g := max(madeProps(t, plain, path), 0), max(madeProps(t, guarded, path), 0)
		if path == "ArrayPrototype" {
			p++ // values
		}
		if path == "global" && globalField(plain, "Object") == nil {
			p++ // Object
		}
		if g != p {
			t.Errorf("%s: %d properties made in a guarded runtime, %d in a plain one", path, g, p)
		}
	}
	for _, name := range []string{"Array", "JSON", "Reflect", "Uint8Array", "Float64Array"} {
		if globalField(guarded, name) != nil {
			t.Errorf("guarding made %s", name)
		}
	}
}

// TestGuardsHoldEveryWayIn: a guarded built-in is refused when asked for
// too much however a script reaches it — a global read, Reflect.get, a
// property descriptor, for-in over its holder, with, destructuring,
// through a prototype's constructor — each the first way the runtime
// makes it, in both guard modes.
func TestGuardsHoldEveryWayIn(t *testing.T) {
	cases := map[string]string{
		"global read":            `new Uint32Array(3e8)`,
		"reflect get":            `new (Reflect.get(globalThis, "Float64Array"))(3e8)`,
		"global descriptor":      `new (Object.getOwnPropertyDescriptor(globalThis, "Int32Array").value)(3e8)`,
		"for-in global":          `for (var k in globalThis) {} new BigInt64Array(1e8)`,
		"keys of global":         `Object.keys(globalThis); Reflect.ownKeys(globalThis); new Int8Array(5e8)`,
		"with global":            `with (globalThis) { new Uint16Array(5e8) }`,
		"with JSON":              `with (JSON) { parse("[".repeat(2e6)) }`,
		"destructure proto":      `var {join} = Array.prototype; join.call(new Array(3e8), "x")`,
		"destructure Array":      `const {from} = Array; from({length: 1e8})`,
		"constructor from":       `[].constructor.from({length: 1e8})`,
		"proto descriptors":      `Object.getOwnPropertyDescriptors(Array.prototype).fill.value.call(new Array(1e8), 0)`,
		"for-in string proto":    `var fns = {}; Object.getOwnPropertyNames(String.prototype).forEach(function (k) { fns[k] = String.prototype[k]; }); fns.repeat.call("ab", 2e9)`,
		"reflect get keys":       `Reflect.get(Object, "keys")(new Array(1e8))`,
		"function proto apply":   `Reflect.getPrototypeOf(function () {}).apply.call(Math.max, null, new Array(1e8))`,
		"destructure JSON":       `var {stringify} = JSON; var o = {}, d = o; for (var i = 0; i < 5000; i++) { d.x = {}; d = d.x; } stringify(o)`,
		"with reflect":           `with (Reflect) { apply(Math.max, null, new Array(2e5)) }`,
		"with reflect construct": `with (Reflect) { construct(Uint8ClampedArray, [5e8]) }`,
		"buffer of view":         `new (new Int16Array(1).buffer.constructor)(5e8)`,
		"string proto of value":  `Object.getPrototypeOf("").padEnd.call("x", 1e9)`,
	}
	for name, expr := range cases {
		for _, mode := range guardModes {
			t.Run(name+"/"+mode.name, func(t *testing.T) {
				h := newHarnessWith(t, mode.opts)
				_, err := h.run(t, `try { `+expr+`; log("no error"); } catch (e) { log(e.name + ": " + e.message); }`, RunOptions{UntilIdle: true})
				must(t, err)
				if len(h.lines) != 1 || !strings.HasPrefix(h.lines[0], "RangeError: ") {
					t.Fatalf("lines %q", h.lines)
				}
			})
		}
	}
}
