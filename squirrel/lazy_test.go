package squirrel

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dop251/goja"
)

// lazyLib has two long cold functions (compiled lazily as compiled), a
// short one and a long recursive one (both compiled with the program).
const lazyLib = `function describe(t, sep = ", ") {
	local parts = [];
	foreach (k, v in t) parts.push(k + "=" + v);
	parts.sort();
	local s = "";
	foreach (i, p in parts) s += (i > 0 ? sep : "") + p;
	return s;
}
function fail(t, depth) {
	local total = 0;
	foreach (k, v in t) total += v;
	if (depth > 0) return 1 + again(t, depth - 1);
	return total + t.missing;
}
function again(t, depth) { return fail(t, depth); }
function short() { return 1; }
function countdown(n) {
	local s = 0;
	foreach (i, v in [n, n + 1, n + 2]) s += v * i;
	return n > 0 ? countdown(n - 1) + s : s;
}
`

var stubRE = regexp.MustCompile(`function \` + stubPrefix + `(\w+)\(`)

// stubs lists the functions a program compiles lazily.
func stubs(js string) []string {
	var names []string
	for _, m := range stubRE.FindAllStringSubmatch(js, -1) {
		names = append(names, m[1])
	}
	return names
}

// Long cold functions become stubs (not recursive ones: a stub doubles a
// recursion's JavaScript frames); the program runs the same, and a stub
// keeps its identity, defaults and info across its first call.
func TestLazyFunctionsBehaveAsCompiled(t *testing.T) {
	src := lazyLib + `
local d = describe;
print(describe({ b = 2, a = 1 }) + "|" + describe({ c = 3 }, ";") + "|");
print((d == describe) + " " + (d == ::describe) + " " + describe.getinfos().defparams[0] + "|");
print(short() + " " + fail.getinfos().parameters.len() + " " + countdown(2));
function odd() {
	local s = "", n = 0;
	foreach (i, c in ["/* a */", " */ ", "*Ā/"]) s += c;
	foreach (i, c in ["\x02\x04", "\x01"]) n += c.len();
	return s + " " + n;
}
print("|" + odd());
`
	p, err := Compile("lazy.nut", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(stubs(p.JS), " "); got != "describe fail odd" {
		t.Errorf("lazy functions %q, want \"describe fail odd\"", got)
	}
	eager, err := compileMode(Source{Name: "lazy.nut", Text: []byte(src)}, nil, genMode{eager: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(stubs(eager.JS)); n != 0 {
		t.Errorf("eager program has %d stubs", n)
	}
	// code that ends a comment, or holds the bytes that frame it, still
	// travels in one
	want := "a=1, b=2|c=3|true true , |1 3 24|/* a */ */ *Ā/ 3"
	for _, mode := range []genMode{{}, {allLazy: true}} {
		if got := runNutMode(t, "lazy.nut", []byte(src), mode); got != want {
			t.Errorf("%+v: output %q, want %q", mode, got, want)
		}
	}
}

// An error inside lazily compiled code names the same .nut lines, and the
// stubs add no frames to the Squirrel stack, whether the code was compiled
// lazily or not.
func TestLazyFunctionsKeepStacks(t *testing.T) {
	src := lazyLib + "fail({ a = 1 }, 2);\n"
	for _, mode := range []genMode{{eager: true}, {}, {allLazy: true}} {
		p, err := compileMode(Source{Name: "dir/lib.nut", Text: []byte(src)}, nil, mode)
		if err != nil {
			t.Fatal(err)
		}
		e := runForError(t, p)
		want := []Frame{
			{Func: "fail", File: "dir/lib.nut", Line: 13, Col: 18},
			{Func: "again", File: "dir/lib.nut", Line: 15},
			{Func: "fail", File: "dir/lib.nut", Line: 12},
			{Func: "again", File: "dir/lib.nut", Line: 15},
			{Func: "fail", File: "dir/lib.nut", Line: 12},
			{Func: "main", File: "dir/lib.nut", Line: 22},
		}
		if e.Message != "the index 'missing' does not exist" || len(e.Stack) != len(want) {
			t.Fatalf("%+v: %q, stack %+v", mode, e.Message, e.Stack)
		}
		for i, w := range want {
			g := e.Stack[i]
			if g.Func != w.Func || g.File != w.File || g.Line != w.Line || (w.Col != 0 && g.Col != w.Col) {
				t.Errorf("%+v: frame %d = %+v, want %+v", mode, i, g, w)
			}
		}
	}
}

// In a unit assembled from several files, lazily compiled code maps to the
// file each line came from.
func TestLazyFunctionsMapIncludedFiles(t *testing.T) {
	text := lazyLib + "fail({ a = 1 }, 0);\n"
	n := strings.Count(text, "\n")
	origins := make([]Origin, n)
	for i := range origins {
		origins[i] = Origin{File: "lib/util.nut", Line: 100 + i}
	}
	origins[n-1] = Origin{File: "agent.nut", Line: 7}
	p, err := CompileSource(Source{Name: "agent.nut", Text: []byte(text), Origins: origins})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(stubs(p.JS), "fail") {
		t.Fatal("fail is not compiled lazily")
	}
	rt, err := NewRuntime(goja.New(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.Run(p)
	var e *Error
	if !errors.As(err, &e) || len(e.Stack) != 2 {
		t.Fatalf("err = %v", err)
	}
	if f := e.Stack[0]; f.File != "lib/util.nut" || f.Line != 112 || f.Func != "fail" {
		t.Errorf("inner frame %+v, want fail at lib/util.nut:112", f)
	}
	if f := e.Stack[1]; f.File != "agent.nut" || f.Line != 7 {
		t.Errorf("outer frame %+v, want agent.nut:7", f)
	}
}

// One compiled program runs on several runtimes (as a fleet's agents run
// it, each on its own goroutine): with a shared ChunkCache a function is
// compiled once for all of them, and each runtime still gets a function of
// its own.
func TestLazyScriptOnRuntimesSharingChunks(t *testing.T) {
	p, err := Compile("two.nut", []byte(lazyLib+"print(describe({ x = 1, y = 2 }, \"/\"));\n"))
	if err != nil {
		t.Fatal(err)
	}
	gp, err := p.Script()
	if err != nil {
		t.Fatal(err)
	}
	chunks := NewChunkCache()
	run := func(i int) {
		var out strings.Builder
		vm := goja.New()
		if _, err := NewRuntime(vm, Options{Print: func(s string) { out.WriteString(s) }, Chunks: chunks}); err != nil {
			t.Error(err)
			return
		}
		if _, err := vm.RunProgram(gp); err != nil {
			t.Error(err)
			return
		}
		if out.String() != "x=1/y=2" {
			t.Errorf("runtime %d printed %q", i, out.String())
		}
	}
	run(0)
	// describe was called, fail never was
	if n := chunks.Len(); n != 1 {
		t.Errorf("after one runtime the cache holds %d functions, want 1", n)
	}
	var wg sync.WaitGroup
	for i := 1; i <= 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(i)
		}()
	}
	wg.Wait()
	if n := chunks.Len(); n != 1 {
		t.Errorf("after five runtimes the cache holds %d functions, want 1", n)
	}
}

// Calling the base class's method of the same name (base.constructor())
// is not recursion: such a method is still compiled lazily; a
// constructor that builds instances of its own class is not.
func TestLazyBaseCallIsNotRecursion(t *testing.T) {
	src := `class A { constructor() {} }
class B extends A {
	items = null;
	constructor(list) {
		base.constructor();
		items = [];
		foreach (i, v in list) items.push(v * i);
	}
}
class Node {
	kids = null;
	constructor(depth) {
		kids = [];
		foreach (i, v in [1, 2]) if (depth > 0) kids.push(Node(depth - 1));
	}
}
print(B([1, 2, 3]).items.len() + " " + Node(2).kids[0].kids.len());
`
	p, err := Compile("base.nut", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(stubs(p.JS), " "); got != "constructor" || !strings.Contains(p.JS, "$zconstructor(self,list$") {
		t.Errorf("lazy functions %q, want B's constructor alone", got)
	}
	if got := runNut(t, "base.nut", []byte(src)); got != "3 2" {
		t.Errorf("output %q", got)
	}
}

// Most of a library is compiled on first call: goja compiles at load only
// the synthetic library's top-level code, short and hot functions and the
// stubs (43 bytes a line; 144 with every function eager).
func TestLibraryLoadsMostlyLazily(t *testing.T) {
	src := synthLibrary(2000)
	lines := strings.Count(string(src), "\n")
	p, err := Compile("lib.nut", src)
	if err != nil {
		t.Fatal(err)
	}
	eager := regexp.MustCompile(`(?s)/\*Ā.*?\*/`).ReplaceAllString(p.JS, "")
	eager = eager[:strings.Index(eager, "//# sourceMappingURL=")]
	if n := len(eager) / lines; n > 60 {
		t.Errorf("%d bytes of eager JavaScript per line", n)
	}
	if n := len(stubs(p.JS)); n < lines/15 {
		t.Errorf("%d lazy functions in %d lines", n, lines)
	}
}
