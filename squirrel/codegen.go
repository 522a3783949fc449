package squirrel

import (
	"fmt"
	"strconv"
	"strings"
)

// The code generator turns the syntax tree into one JavaScript function
// expression, `(function($){ ... return main; })`, which the runtime calls
// with its helper object. Expressions are generated as strings carrying
// position markers (see sourcemap.go).

// helpers compiled programs alias from the runtime object
var helperNames = []string{
	"T", "F", "A", "AV", "rv", "str", "add", "sub", "mul", "div", "mod", "modErr", "arith", "neg", "bnot",
	"bitErr", "lt", "gt", "le", "ge", "cmp3", "eq", "gk", "gn", "sk", "sn", "ns", "del", "has",
	"typeOf", "instanceOf", "clone", "call", "arityErr", "nx", "exc", "IT", "END", "gen", "resume",
	"withDefaults", "newClass", "newMember", "baseOf", "imul", "TP", "WTBL", "EMPTY", "Site",
	"newTable", "callee", "SD", "SUSPEND", "layout", "NOKEY", "nsNew", "TD", "FMT", "len", "mc", "lz",
	"fadd", "fsub", "fmul", "tadd", "gx", "frv",
}

// rootJS declares $R, the root table, kept current by the runtime.
const rootJS = "let $R=$.root();$.onRoot(function(r){$R=r;});"

// localsJS declares the generated code's locals: undefined (goja looks a
// global name up in a map on every use) and the runtime helpers, all of
// them, or those whose used entry is set.
func localsJS(used []bool) string {
	var b strings.Builder
	b.WriteString("const undefined=void 0")
	for i, h := range helperNames {
		if used == nil || used[i] {
			b.WriteString(",$" + h + "=$." + h)
		}
	}
	b.WriteByte(';')
	return b.String()
}

// tableDelegateNames are the table default delegate's methods. Compiled
// fast paths must not treat them as a table's own slots.
var tableDelegateNames = map[string]bool{
	"len": true, "rawget": true, "rawset": true, "rawdelete": true, "rawin": true,
	"weakref": true, "tostring": true, "clear": true, "setdelegate": true, "getdelegate": true,
}

// fnInfoOut is a function's entry in the program's function table.
type fnInfoOut struct {
	Name    string
	Params  []string
	Varargs bool
}

type codegen struct {
	file   string
	key    string // the program's identity in function markers
	floats map[uint32]string
	consts []string // hoisted constant declarations
	sites  map[string]string
	infos  []fnInfoOut
	fn     *fnGen
	vars   map[string]*variable // locals by JavaScript name
	// set while compiling a % whose dividend is provably non-negative (see
	// binary): the remainder then needs no |0
	modNonNeg bool
	hot       map[*funcDef]bool // functions that get the inline fast paths (see hot.go)
	allHot    bool              // every function does
	// lazy compilation (see lazy.go): the sources of the source map, and
	// how a line of the unit maps to one of them (nil: all lines are file's)
	sources []string
	origin  func(line int) (src, srcLine int)
	eager   bool     // compile every function with the program
	allLazy bool     // compile lazily every function that can be, however short
	inLazy  bool     // generating the code of a lazily compiled function
	lazyEnv bool     // some function is lazy: the program defines $E
	splice  []string // the lazy functions' comments (see finishCodeFrom)
}

// fnGen is the state of the JavaScript function being generated.
type fnGen struct {
	def     *funcDef
	jsName  string
	self    string // how the function's code names the function value itself
	ntemps  int
	maxTemp int
	pinned  int
	parent  *fnGen
	tail    bool // has self tail calls: the body is wrapped in a loop
	co      bool // generating the coroutine twin: suspend() yields
	loops   int  // depth of loops around the code being generated
	// locals no closure captures, declared with var at the top of the
	// function (a let in a loop body costs goja a block entry per pass)
	hoisted []string
}

// cold reports whether the code being generated runs rarely (see hot.go):
// it then gets compact runtime calls instead of inline fast paths.
func (g *codegen) cold() bool {
	return !g.allHot && g.fn != nil && g.fn.loops == 0 && !g.hot[g.fn.def]
}

func (g *codegen) tmp() string {
	f := g.fn
	f.ntemps++
	if f.ntemps > f.maxTemp {
		f.maxTemp = f.ntemps
	}
	return "$" + strconv.Itoa(f.ntemps)
}

// pin returns a fresh name for a value that lives across statements.
func (g *codegen) pin(base string) string {
	g.fn.pinned++
	return "$" + base + strconv.Itoa(g.fn.pinned)
}

func (g *codegen) floatConst(v float32) string {
	bits := float32bits(v)
	if name, ok := g.floats[bits]; ok {
		return name
	}
	name := "$F" + strconv.Itoa(len(g.floats))
	g.floats[bits] = name
	g.consts = append(g.consts, name+"=$F("+jsFloat(v)+")")
	return name
}

func (g *codegen) site(keys []string, cap int) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = jsString(k)
	}
	sig := strings.Join(parts, ",") + "|" + strconv.Itoa(cap)
	if name, ok := g.sites[sig]; ok {
		return name
	}
	name := "$S" + strconv.Itoa(len(g.sites))
	g.sites[sig] = name
	g.consts = append(g.consts, fmt.Sprintf("%s=new $Site([%s],%d)", name, strings.Join(parts, ","), cap))
	return name
}

// generate produces the program's JavaScript (with markers).
func (g *codegen) generate(main *funcDef, funcs []*funcDef, consts string) string {
	g.infos = make([]fnInfoOut, len(funcs))
	for i, f := range funcs {
		info := fnInfoOut{Name: f.name, Varargs: f.varargs}
		for _, p := range f.params {
			info.Params = append(info.Params, p.name)
		}
		g.infos[i] = info
	}
	body := g.function(main)
	var b strings.Builder
	b.WriteString("(function($){\"use strict\";\n" + localsJS(nil) + "\n" + rootJS + "\n")
	b.WriteString("$.registerProgram(" + jsString(g.key) + "," + jsString(g.file) + "," + g.infosJS() + ");\n")
	if len(g.consts) > 0 {
		b.WriteString("const " + strings.Join(g.consts, ",\n") + ";\n")
	}
	if g.lazyEnv {
		b.WriteString(g.lazyEnvJS())
	}
	if consts != "" {
		b.WriteString("$.defConsts(" + consts + ");\n")
	}
	b.WriteString("return ")
	b.WriteString(body)
	b.WriteString(";\n})\n")
	return b.String()
}

// infosJS returns the program's function table as registerProgram reads it
// (see runtime/func.js): one string, which costs goja less to compile than
// an object per function.
func (g *codegen) infosJS() string {
	var b strings.Builder
	for i, info := range g.infos {
		if i > 0 {
			b.WriteByte(';')
		}
		if info.Varargs {
			b.WriteByte('*')
		}
		b.WriteString(info.Name + ":" + strings.Join(info.Params, ","))
	}
	return jsString(b.String())
}

// jsFuncName picks the JavaScript name of a compiled function (it shows in
// stack traces and lets the body refer to itself for `base`).
func jsFuncName(f *funcDef) string {
	switch {
	case f.name == "":
		return "$fn" + strconv.Itoa(f.id)
	case jsReserved[f.name]:
		return f.name + "_"
	}
	return f.name
}

// function generates a function expression for f: a stub compiled on its
// first call when it can be (see lazy.go). A function that calls
// suspend() directly also gets a generator twin (Āco) that threads run, in
// which those calls yield.
func (g *codegen) function(f *funcDef) string {
	var code string
	switch {
	case g.lazy(f):
		code = g.lazyFunction(f)
	case !f.suspends || f.generator:
		code = g.functionMode(f, false, jsFuncName(f), jsFuncName(f))
	default:
		p := g.pinOuter("p")
		main := g.functionMode(f, false, jsFuncName(f), jsFuncName(f))
		twin := g.functionMode(f, true, p, p)
		code = "(()=>{const " + p + "=" + main + ";" + p + ".Āco=" + twin + ";return " + p + ";})()"
	}
	if len(f.defaults) > 0 {
		// evaluated where the closure is created, in the enclosing code
		defs := make([]string, len(f.defaults))
		for i, d := range f.defaults {
			defs[i] = g.expr(d).code
		}
		code = "$withDefaults(" + code + ",[" + strings.Join(defs, ",") + "])"
	}
	return code
}

// usesLookup reports whether generated code refers to $L, the lookup
// object for `this` (compact code for cold functions reads slots of `this`
// through $gn and $sn instead).
func usesLookup(code string) bool {
	for i := 0; ; {
		j := strings.Index(code[i:], "$L")
		if j < 0 {
			return false
		}
		i += j + 2
		if i >= len(code) || !isIdentByte(code[i]) {
			return true
		}
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// pinOuter names a value in the enclosing function's scope.
func (g *codegen) pinOuter(base string) string {
	if g.fn == nil {
		return "$" + base + "0"
	}
	return g.pin(base)
}

// functionMode generates f's function expression (co: its coroutine twin)
// named jsName, whose code refers to the function value itself as self.
func (g *codegen) functionMode(f *funcDef, co bool, jsName, self string) string {
	saved := g.fn
	fg := &fnGen{def: f, jsName: jsName, self: self, parent: saved, co: co}
	g.fn = fg
	for _, p := range f.params {
		if cacheable(p) {
			p.acache = p.js + "a"
		}
	}
	var body strings.Builder
	for _, s := range f.body {
		g.stmt(&body, s)
	}
	g.fn = saved

	var b strings.Builder
	b.WriteString(marker(f.p))
	if co {
		b.WriteString("function*(self")
	} else {
		b.WriteString("function " + fg.jsName + "(self")
	}
	for _, p := range f.params {
		b.WriteString("," + p.js)
	}
	switch {
	case f.varargs:
		b.WriteString(",...$va")
	default:
		b.WriteString(",$x")
	}
	fmt.Fprintf(&b, "){/*@%s:%d*/\n", g.key, f.id)
	// arity: every parameter without a default must be given, and no more
	nreq := len(f.params) - len(f.defaults)
	var conds []string
	if nreq > 0 {
		conds = append(conds, f.params[nreq-1].js+"===undefined")
	}
	if !f.varargs {
		conds = append(conds, "$x!==undefined")
	}
	if len(conds) > 0 {
		b.WriteString("if(" + strings.Join(conds, "||") + ")$arityErr();\n")
	}
	for i := nreq; i < len(f.params); i++ {
		p := f.params[i]
		fmt.Fprintf(&b, "if(%s===undefined)%s=%s.Ādp[%d];\n", p.js, p.js, fg.self, i-nreq)
	}
	if f.varargs {
		if f.vargv != nil {
			b.WriteString("let " + f.vargv.js + "=$AV($va);\n")
		}
	}
	for _, p := range f.params {
		if p.acache != "" {
			b.WriteString("const " + p.acache + "=" + arrayOf(p.js) + ";\n")
		}
	}
	inner := &b
	var genBody strings.Builder
	if f.generator {
		inner = &genBody
	}
	if f.usesThis && (usesLookup(body.String()) || strings.Contains(body.String(), "$Lw")) {
		inner.WriteString("const $L=(typeof self===\"object\"&&self!==null)?self:$EMPTY;\n")
		if strings.Contains(body.String(), "$Lw") {
			// the field set of `this` (see writeSlot): constant for a given $L
			inner.WriteString("const $Lw=$L.Āw;\n")
		}
	}
	if fg.maxTemp > 0 || len(fg.hoisted) > 0 {
		names := fg.hoisted
		for i := 1; i <= fg.maxTemp; i++ {
			names = append(names, "$"+strconv.Itoa(i))
		}
		inner.WriteString("var " + strings.Join(names, ",") + ";\n")
	}
	if fg.tail {
		inner.WriteString("$tail:for(;;){\n" + body.String() + "return null;\n}\n")
	} else {
		inner.WriteString(body.String())
	}
	if f.generator {
		b.WriteString("return $gen((function*(){\n")
		b.WriteString(genBody.String())
		b.WriteString("return null;\n})());\n}")
	} else {
		b.WriteString("return null;\n}")
	}
	return b.String()
}
