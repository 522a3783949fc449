package squirrel

import (
	"errors"
	"strings"
	"testing"

	"github.com/dop251/goja"
)

// A runtime error thrown at line N of a .nut file is reported at that line,
// both in *Error and in goja's own stack trace (through the source map).
func TestSourceMapLinesInStacks(t *testing.T) {
	src := `local t = {};
function inner(x) {
	local y = x + 1;

	return t.missing + y;
}

function outer() {
	return inner(1) + 1;
}
class Runner {
	function go() {
		return outer();
	}
}
Runner().go();
`
	p, err := Compile("dir/agent.nut", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e := runForError(t, p)
	if e.Message != "the index 'missing' does not exist" {
		t.Errorf("message %q", e.Message)
	}
	want := []Frame{
		{Func: "inner", File: "dir/agent.nut", Line: 5},
		{Func: "outer", File: "dir/agent.nut", Line: 9},
		{Func: "go", File: "dir/agent.nut", Line: 13},
		{Func: "main", File: "dir/agent.nut", Line: 16},
	}
	if len(e.Stack) != len(want) {
		t.Fatalf("stack %+v, want %d frames", e.Stack, len(want))
	}
	for i, w := range want {
		g := e.Stack[i]
		if g.Func != w.Func || g.File != w.File || g.Line != w.Line {
			t.Errorf("frame %d = %+v, want %+v", i, g, w)
		}
	}
	// goja's own rendering of the stack names the .nut lines too
	stack := e.Exception.String()
	for _, l := range []string{"dir/agent.nut:5:", "dir/agent.nut:9:", "dir/agent.nut:13:", "dir/agent.nut:16:"} {
		if !strings.Contains(stack, l) {
			t.Errorf("goja stack lacks %q:\n%s", l, stack)
		}
	}
}

// Columns point at the operation that failed.
func TestSourceMapColumns(t *testing.T) {
	cases := []struct {
		src       string
		line, col int
	}{
		{"local a = null;\nlocal b = 1 + a.x;\n", 2, 16},
		{"local f = 5;\n  f(1);\n", 2, 4},
		{"local z = 0;\nlocal q = 10 / z;\n", 2, 14},
	}
	for _, c := range cases {
		p, err := Compile("col.nut", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		rt, _ := NewRuntime(goja.New(), Options{})
		_, err = rt.Run(p)
		var e *Error
		if !errors.As(err, &e) || len(e.Stack) == 0 {
			t.Fatalf("%q: err %v", c.src, err)
		}
		if e.Stack[0].Line != c.line || e.Stack[0].Col != c.col {
			t.Errorf("%q: %s at %d:%d, want %d:%d", c.src, e.Message, e.Stack[0].Line, e.Stack[0].Col, c.line, c.col)
		}
	}
}

// Every line of generated code that runs maps into the .nut source.
func TestSourceMapCoversGeneratedLines(t *testing.T) {
	p, err := Compile("cover.nut", []byte("local a = [1, 2];\nforeach (i, v in a) {\n\tif (v > 1) print(i);\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.JS, "//# sourceMappingURL=data:application/json;base64,") {
		t.Fatal("no source map comment")
	}
	_, mappings := finishCode("\x011,1\x01a\nb\n\x013,5\x01c")
	segs := strings.Split(mappings, ";")
	if len(segs) != 3 || segs[0] == "" || segs[1] == "" || segs[2] == "" {
		t.Errorf("mappings %q: want a segment on each of 3 lines", mappings)
	}
}

// Program.Script runs the main chunk as a goja script, with the same
// source-mapped stack.
func TestScriptRunsMainWithMappedStack(t *testing.T) {
	var out strings.Builder
	vm := goja.New()
	if _, err := NewRuntime(vm, Options{Print: func(s string) { out.WriteString(s) }}); err != nil {
		t.Fatal(err)
	}
	p, err := Compile("script.nut", []byte("print(\"top \" + (this == getroottable()));\nlocal t = {};\n\nt.nope;\n"))
	if err != nil {
		t.Fatal(err)
	}
	gp, err := p.Script()
	if err != nil {
		t.Fatal(err)
	}
	_, err = vm.RunProgram(gp)
	if out.String() != "top true" {
		t.Errorf("output %q", out.String())
	}
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		t.Fatalf("err = %v, want a goja exception", err)
	}
	if ex.Value().String() != "the index 'nope' does not exist" {
		t.Errorf("thrown %q", ex.Value().String())
	}
	if !strings.Contains(ex.String(), "script.nut:4:") {
		t.Errorf("stack does not name script.nut:4:\n%s", ex.String())
	}
}
