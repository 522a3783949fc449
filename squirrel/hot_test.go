package squirrel

import (
	"bytes"
	"sort"
	"strings"
	"testing"
)

// Which functions get the inline fast paths: those called (by name) from
// loops or from other hot functions, constructors of classes named there,
// metamethods and anonymous functions; not the others, nor the main chunk.
func TestHotFunctions(t *testing.T) {
	src := `
class Vec {
	x = 0;
	constructor(a) { x = a; }
	function add(o) { return Vec(x + o.x); }
	function _add(o) { return add(o); }
	function once() { return x; }
}
function step(v) { return v.add(v); }
function setup() { return Vec(1).once(); }
function run() {
	local s = setup();
	for (local i = 0; i < 3; i++) s = step(s);
	return [1, 2].map(@(x) x * 2);
}
`
	p, main, err := parse("hot.nut", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	hot := hotFunctions(main, p.funcs)
	var got []string
	for _, f := range p.funcs {
		if hot[f] {
			name := f.name
			if name == "" {
				name = "(lambda)"
			}
			got = append(got, name)
		}
	}
	sort.Strings(got)
	if want := "(lambda) _add add constructor step"; strings.Join(got, " ") != want {
		t.Errorf("hot functions %q, want %q", strings.Join(got, " "), want)
	}
}

// Code that runs once is compiled compactly: the synthetic library (whose
// methods nothing calls in a loop) stays under 200 bytes of JavaScript per
// line of Squirrel (it was 265 with every fast path inline), while a hot
// function keeps its inline slot reads.
func TestColdCodeIsCompact(t *testing.T) {
	src := synthLibrary(2000)
	lines := bytes.Count(src, []byte("\n"))
	// compiled with the program: lazily compiled code is the same code,
	// carried in a comment
	p, err := compileMode(Source{Name: "lib.nut", Text: src}, nil, genMode{eager: true})
	if err != nil {
		t.Fatal(err)
	}
	hot, err := compileMode(Source{Name: "lib.nut", Text: src}, nil, genMode{allHot: true, eager: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.JS) / lines; n >= 200 {
		t.Errorf("%d bytes of JavaScript per line", n)
	}
	if len(hot.JS) <= len(p.JS)*5/4 {
		t.Errorf("all-hot code %d bytes, compact %d: no saving", len(hot.JS), len(p.JS))
	}
	q, err := Compile("loop.nut", []byte("function f(t) { return t.a; }\nfor (local i = 0; i < 2; i++) f({a = i});\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(q.JS, "$gx(t$,\"a\")") {
		t.Errorf("hot function f has no fast slot read:\n%s", q.JS)
	}
}
