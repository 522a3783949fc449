package squirrel

import (
	"strconv"
	"strings"
	"testing"
)

// lexOne returns the first token of src and the lexer after it.
func lexOne(t *testing.T, src string) (int, *lexer) {
	t.Helper()
	var tok int
	var lx *lexer
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("lexing %q: %v", src, r)
			}
		}()
		lx = newLexer([]byte(src))
		tok = lx.lex()
	}()
	return tok, lx
}

func TestLexNumbers(t *testing.T) {
	ints := map[string]int32{
		"0": 0, "42": 42, "2147483647": 2147483647, "2147483648": -2147483648,
		"3000000000": -1294967296, "4294967296": 0, "0x10": 16, "0xFFFFFFFF": -1,
		"0x7fffffff": 2147483647, "017": 15, "'a'": 97, "'\\xff'": -1, "'\\n'": 10, "'\\0'": 0,
	}
	for src, want := range ints {
		tok, lx := lexOne(t, src)
		if tok != tkInteger || lx.nvalue != want {
			t.Errorf("%s: token %d value %d, want integer %d", src, tok, lx.nvalue, want)
		}
	}
	floats := map[string]float32{"1.5": 1.5, "1e3": 1000, "2.5e-1": 0.25, "1.2.3": 1.2, "1e+2": 100}
	for src, want := range floats {
		tok, lx := lexOne(t, src)
		if tok != tkFloat || lx.fvalue != want {
			t.Errorf("%s: token %d value %v, want float %v", src, tok, lx.fvalue, want)
		}
	}
}

func TestLexStrings(t *testing.T) {
	cases := map[string]string{
		`"a\tb"`:           "a\tb",
		`"\x41\x4142"`:     "AB", // up to four hex digits, truncated to a byte
		`"\u00e9"`:         "",   // \u is not an escape in 3.0.4: an error (checked below)
		`@"a\nb""c"`:       `a\nb"c`,
		"\"h\xc3\xa9\"":    "h\xc3\xa9",
		"@\"line\nbreak\"": "line\nbreak",
	}
	for src, want := range cases {
		if strings.Contains(src, `\u`) {
			continue
		}
		tok, lx := lexOne(t, src)
		if tok != tkStringLiteral || string(lx.svalue) != want {
			t.Errorf("%s: token %d value %q, want %q", src, tok, lx.svalue, want)
		}
	}
}

func TestLexErrorsCarrySqMessages(t *testing.T) {
	cases := map[string]string{
		`"\u00e9"`:    "unrecognised escaper char",
		`"abc`:        "unfinished string",
		"'ab'":        "constant too long",
		"''":          "empty constant",
		"0x123456789": "too many digits for an Hex number",
		"079":         "invalid octal number",
		"1e":          "exponent expected",
		"a .. b":      "invalid token '..'",
		"/* open":     "missing \"*/\" in comment",
	}
	for src, msg := range cases {
		_, err := Compile("lex.nut", []byte("local x = "+src))
		ce, ok := err.(*CompileError)
		if !ok || ce.Msg != msg {
			t.Errorf("%s: err %v, want %q", src, err, msg)
		}
	}
}

// The grammar decisions of 3.0.4, checked by what the compiled code does.
func TestParsePrecedenceAndAssociativity(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"1 + 2 * 3", "7"},
		{"(1 + 2) * 3", "9"},
		{"10 - 4 - 3", "3"},
		{"2 < 3 == true", "true"},
		{"1 | 2 ^ 3 & 4", "3"},
		{"1 << 2 + 1", "8"},
		{"-2 .tostring()", "-2"},
		{"-(2).tostring()", "\nERROR: prec.nut:1: attempt to negate a string\n"}, // - applies to the whole .tostring()
		{"!0 && 0 || 5", "5"},
		{"\"x\" in {x = 1} && 1", "1"},
		{"true ? 1 : false ? 2 : 3", "1"},
		{"-1 >>> 28", "15"},
		{"~5 + 1", "-5"},
		{"typeof 1 + \"\"", "integer"},
		{"1 <=> 2", "-1"},
	}
	for _, c := range cases {
		got := runNut(t, "prec.nut", []byte("print("+c.expr+");"))
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.expr, got, c.want)
		}
	}
}

func TestParseAssignabilityErrors(t *testing.T) {
	cases := map[string]string{
		"1 = 2;":                           "can't assign expression",
		"local a = 1; a <- 2;":             "can't 'create' a local slot",
		"(1)++;":                           "can't '++' or '--' an expression",
		"delete 1;":                        "can't delete an expression",
		"local a = {}; delete a;":          "cannot delete an (outer) local",
		"local a = null; class a {}":       "cannot create a class in a local with the syntax(class <local>)",
		"class f() {}":                     "invalid class name",
		"break;":                           "'break' has to be in a loop block",
		"switch (1) { case 1: continue; }": "'continue' has to be in a loop block",
		"function f(...) {} function g(a = 1, ...) {}": "function with default parameters cannot have variable number of parameters",
		"f(1,);":        "expression expected, found ')'",
		"const C = [];": "scalar expected : integer,float or string",
	}
	for src, msg := range cases {
		_, err := Compile("p.nut", []byte(src))
		ce, ok := err.(*CompileError)
		if !ok || ce.Msg != msg {
			t.Errorf("%s: err %v, want %q", src, err, msg)
		}
	}
}

func TestCompileErrorPosition(t *testing.T) {
	// 3.0.4 reports where its lexer stands after the offending token; line 1
	// columns count from 0, later lines from 1.
	cases := []struct {
		src       string
		line, col int
	}{
		{"local x = ;", 1, 11},
		{"local a = 1;\nlocal b = (a +;\n", 2, 16},
		{"local a = 1\nlocal b = 2 local c = 3\n", 2, 18},
		{"\tlocal x = ;", 1, 12},
	}
	for _, c := range cases {
		_, err := Compile("pos.nut", []byte(c.src))
		ce, ok := err.(*CompileError)
		if !ok {
			t.Fatalf("%q compiled", c.src)
		}
		if ce.Line != c.line || ce.Col != c.col {
			t.Errorf("%q: error at %d:%d, want %d:%d", c.src, ce.Line, ce.Col, c.line, c.col)
		}
		want := "pos.nut:" + strconv.Itoa(c.line) + ":" + strconv.Itoa(c.col) + ": " + ce.Msg
		if ce.Error() != want {
			t.Errorf("Error() = %q, want %q", ce.Error(), want)
		}
	}
}
