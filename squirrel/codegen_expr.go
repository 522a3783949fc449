package squirrel

import (
	"math"
	"strconv"
	"strings"
)

// val is a compiled expression.
type val struct {
	code   string
	kind   valueKind
	simple bool // free of side effects and cheap to repeat: a local, literal or temp
}

func float32bits(f float32) uint32 { return math.Float32bits(f) }

func jsFloat(f float32) string {
	d := float64(f)
	switch {
	case math.IsInf(d, 1):
		return "Infinity"
	case math.IsInf(d, -1):
		return "-Infinity"
	case math.IsNaN(d):
		return "NaN"
	case d == 0 && math.Signbit(d):
		return "-0"
	}
	return strconv.FormatFloat(d, 'g', -1, 64)
}

// seq joins JavaScript expressions with the comma operator.
func seq(parts ...string) string {
	var nonEmpty []string
	for _, p := range parts {
		if p != "" {
			nonEmpty = append(nonEmpty, p)
		}
	}
	if len(nonEmpty) == 1 {
		return nonEmpty[0]
	}
	return "(" + strings.Join(nonEmpty, ",") + ")"
}

// hold makes v usable more than once: it returns code that stores v in a
// temp (or nothing, for simple values) and the name to use afterwards.
func (g *codegen) hold(v val) (string, string) {
	if v.simple {
		return "", v.code
	}
	t := g.tmp()
	return t + "=" + v.code, t
}

func (g *codegen) expr(e expr) val {
	switch x := e.(type) {
	case *intLit:
		if x.v < 0 {
			return val{"(" + strconv.Itoa(int(x.v)) + ")", kindInt, true}
		}
		return val{strconv.Itoa(int(x.v)), kindInt, true}
	case *floatLit:
		return val{g.floatConst(x.v), kindUnknown, true}
	case *strLit:
		return val{jsString(x.v), kindString, true}
	case *boolLit:
		if x.v {
			return val{"true", kindBool, true}
		}
		return val{"false", kindBool, true}
	case *nullLit:
		return val{"null", kindUnknown, true}
	case *varRef:
		return val{x.v.js, x.v.kind, true}
	case *rootRef:
		return val{"$R", kindUnknown, true}
	case *baseRef:
		return val{"$baseOf(" + g.fn.jsName + ")", kindUnknown, false}
	case *index:
		return val{g.read(x), kindUnknown, false}
	case *callExpr:
		return val{g.call(x), kindUnknown, false}
	case *unary:
		return g.unary(x)
	case *binary:
		return g.binary(x)
	case *logical:
		return g.logical(x)
	case *condExpr:
		c := g.cond(x.c)
		a, b := g.exprMoved(x.a, nil), g.exprMoved(x.b, nil)
		return val{"(" + c + "?" + a.code + ":" + b.code + ")", kindOf(x), false}
	case *commaExpr:
		parts := make([]string, len(x.list))
		for i, y := range x.list {
			parts[i] = g.expr(y).code
		}
		return val{"(" + strings.Join(parts, ",") + ")", kindOf(x), false}
	case *assign:
		return val{g.assign(x), kindOf(x), false}
	case *incDec:
		return val{g.incDec(x, true), kindOf(x), false}
	case *deleteExpr:
		t := x.target.(*index)
		o, k := g.objKey(t)
		return val{marker(x.p) + "$del(" + o + "," + k + ")", kindUnknown, false}
	case *tableLit:
		return val{g.table(x), kindUnknown, false}
	case *arrayLit:
		parts := make([]string, len(x.elems))
		mk := "$A"
		for i, y := range x.elems {
			v := g.expr(y)
			parts[i] = v.code
			if stored("v", v.kind) != "v" && v.code != "null" && !strings.HasPrefix(v.code, "$F") {
				mk = "$AV"
			}
		}
		return val{mk + "([" + strings.Join(parts, ",") + "])", kindUnknown, false}
	case *funcLit:
		return val{g.function(x.f), kindFunc, false}
	case *classLit:
		return val{g.class(x), kindUnknown, false}
	}
	panic("codegen: unknown expression")
}

// exprStmt compiles an expression whose value is not used.
func (g *codegen) exprStmt(e expr) string {
	switch x := e.(type) {
	case *incDec:
		return g.incDec(x, false)
	case *commaExpr:
		parts := make([]string, len(x.list))
		for i, y := range x.list {
			parts[i] = g.exprStmt(y)
		}
		return strings.Join(parts, ",")
	}
	return g.expr(e).code
}

// ---- slots ----

// isThisObj reports whether an index reads a slot of `this` (written or
// implicit), which falls back to the root table.
func isThisObj(x *index) bool {
	if x.bare {
		return true
	}
	r, ok := x.obj.(*varRef)
	return ok && r.v.isThis
}

// staticKey returns the key of x when it is a string literal.
func staticKey(x *index) (string, bool) {
	s, ok := x.key.(*strLit)
	if !ok {
		return "", false
	}
	return s.v, true
}

// objKey compiles the object and key of an index (object first).
func (g *codegen) objKey(x *index) (string, string) {
	o := g.expr(x.obj)
	k := g.expr(x.key)
	return o.code, k.code
}

// read compiles obj[key] with the inline fast paths.
func (g *codegen) read(x *index) string {
	name, static := staticKey(x)
	if isThisObj(x) {
		if static {
			return g.bareRead(name, x.p)
		}
		k := g.expr(x.key)
		return marker(x.p) + "$gn(self," + k.code + ")"
	}
	o := g.expr(x.obj)
	if static {
		setup, ov := g.hold(o)
		return seq(setup, g.dotRead(ov, name, x.p))
	}
	setupO, ov := g.hold(o)
	k := g.expr(x.key)
	setupK, kv := g.hold(k)
	v, a := g.tmp(), g.tmp()
	isObj := "typeof " + ov + "===\"object\"&&" + ov + "!==null"
	arrPath := "(" + a + "=" + ov + ".Āa)!==undefined&&(" + v + "=" + a + "[" + kv + "])!==undefined"
	slow := marker(x.p) + "$gk(" + ov + "," + kv + ")"
	if k.kind == kindInt {
		return seq(setupO, setupK, "(("+isObj+"&&"+arrPath+")?"+v+":"+slow+")")
	}
	if k.kind == kindString {
		return seq(setupO, setupK, "(("+isObj+"&&("+v+"="+ov+"["+kv+"])!==undefined)?"+v+":"+slow+")")
	}
	return seq(setupO, setupK, "(("+isObj+"&&(typeof "+kv+"===\"number\"?("+arrPath+"):(typeof "+kv+
		"===\"string\"&&("+v+"="+ov+"["+kv+"])!==undefined)))?"+v+":"+slow+")")
}

// bareRead reads slot name of `this`, then the root table.
func (g *codegen) bareRead(name string, p pos) string {
	v := g.tmp()
	slow := marker(p) + "$gn(self," + jsString(name) + ")"
	first := "(" + v + "=" + prop("$L", name) + ")!==undefined?" + v + ":"
	if tableDelegateNames[name] {
		return "(" + first + slow + ")"
	}
	return "(" + first + "($L.Āx!==true&&(" + v + "=" + prop("$R", name) + ")!==undefined)?" + v + ":" + slow + ")"
}

// dotRead reads slot name of the value o (a simple expression).
func (g *codegen) dotRead(o string, name string, p pos) string {
	v := g.tmp()
	return "((typeof " + o + "===\"object\"&&" + o + "!==null&&(" + v + "=" + prop(o, name) + ")!==undefined)?" +
		v + ":" + marker(p) + "$gk(" + o + "," + jsString(name) + "))"
}

// stored returns the code storing simple value v (of kind k) into a
// container: weak references are stored as their objects (see rv).
func stored(v string, k valueKind) string {
	switch k {
	case kindInt, kindBool, kindString, kindFunc:
		return v
	}
	if v == "null" || strings.HasPrefix(v, "$F") {
		return v
	}
	return "(" + v + "!==null&&typeof " + v + "===\"object\"&&" + v + ".Āt===7?" + v + ".Ār:" + v + ")"
}

// write compiles obj[key] = value (value already compiled, simple, of kind vk).
func (g *codegen) write(x *index, ov, kv string, static bool, name string, v string, vk valueKind) string {
	sv := stored(v, vk)
	if isThisObj(x) {
		if static && !tableDelegateNames[name] {
			w := g.tmp()
			return "((((" + w + "=$L.Āw)===$WTBL)?" + prop("$L", name) + "!==undefined:" + prop(w, name) +
				"===true)?(" + prop("$L", name) + "=" + sv + "," + v + "):" + marker(x.p) + "$sn(self," + jsString(name) + "," + v + "))"
		}
		return marker(x.p) + "$sn(self," + kv + "," + v + ")"
	}
	isObj := "typeof " + ov + "===\"object\"&&" + ov + "!==null"
	if static {
		if tableDelegateNames[name] {
			return marker(x.p) + "$sk(" + ov + "," + jsString(name) + "," + v + ")"
		}
		w := g.tmp()
		return "((" + isObj + "&&((" + w + "=" + ov + ".Āw)===$WTBL?" + prop(ov, name) + "!==undefined:" +
			prop(w, name) + "===true))?(" + prop(ov, name) + "=" + sv + "," + v + "):" + marker(x.p) + "$sk(" + ov + "," + jsString(name) + "," + v + "))"
	}
	a := g.tmp()
	return "((" + isObj + "&&typeof " + kv + "===\"number\"&&(" + a + "=" + ov + ".Āa)!==undefined&&" + kv + ">=0&&" +
		kv + "<" + a + ".length)?(" + a + "[" + kv + "]=" + sv + "," + v + "):" + marker(x.p) + "$sk(" + ov + "," + kv + "," + v + "))"
}

// slotRef evaluates an index's object and key once, for writes.
func (g *codegen) slotRef(x *index) (setup []string, ov, kv string, static bool, name string) {
	name, static = staticKey(x)
	if !isThisObj(x) {
		s, o := g.hold(g.expr(x.obj))
		setup = append(setup, s)
		ov = o
	}
	if static {
		kv = jsString(name)
	} else {
		s, k := g.hold(g.expr(x.key))
		setup = append(setup, s)
		kv = k
	}
	return
}

// readRef reads a slot whose object and key are already evaluated.
func (g *codegen) readRef(x *index, ov, kv string, static bool, name string) string {
	if isThisObj(x) {
		if static {
			return g.bareRead(name, x.p)
		}
		return marker(x.p) + "$gn(self," + kv + ")"
	}
	if static {
		return g.dotRead(ov, name, x.p)
	}
	return marker(x.p) + "$gk(" + ov + "," + kv + ")"
}

func (g *codegen) assign(x *assign) string {
	switch t := x.target.(type) {
	case *varRef:
		if x.op == '=' {
			return "(" + t.v.js + "=" + g.exprMoved(x.value, t.v).code + ")"
		}
		v := g.expr(x.value)
		r := g.arith(compoundOp(x.op), val{t.v.js, t.v.kind, true}, v, x.p, "")
		return "(" + t.v.js + "=" + r.code + ")"
	case *index:
		if x.op == tkNewslot {
			o, k := g.objKey(t)
			if isThisObj(t) {
				o = "self"
			}
			return marker(x.p) + "$ns(" + o + "," + k + "," + g.expr(x.value).code + ")"
		}
		setup, ov, kv, static, name := g.slotRef(t)
		xv := g.expr(x.value)
		sv, v := g.hold(xv)
		setup = append(setup, sv)
		if x.op == '=' {
			return seq(append(setup, g.write(t, ov, kv, static, name, v, xv.kind))...)
		}
		old := g.readRef(t, ov, kv, static, name)
		var r string
		if x.op == tkModEq {
			r = marker(x.p) + "$modErr(" + old + "," + v + ")"
		} else {
			r = g.arith(compoundOp(x.op), val{old, kindUnknown, false}, val{v, kindUnknown, true}, x.p, "").code
		}
		nv := g.tmp()
		setup = append(setup, nv+"="+r)
		return seq(append(setup, g.write(t, ov, kv, static, name, nv, kindInt))...)
	}
	panic("codegen: bad assignment target")
}

func (g *codegen) incDec(x *incDec, used bool) string {
	d := strconv.Itoa(int(x.delta))
	switch t := x.target.(type) {
	case *varRef:
		js := t.v.js
		if t.v.kind == kindInt {
			if !used || x.prefix {
				return "(" + js + "=(" + js + "+" + d + ")|0)"
			}
			o := g.tmp()
			return "(" + o + "=" + js + "," + js + "=(" + o + "+" + d + ")|0," + o + ")"
		}
		if !used || x.prefix {
			return "(" + js + "=typeof " + js + "===\"number\"?(" + js + "+" + d + ")|0:" + marker(x.p) + "$add(" + js + "," + d + "))"
		}
		o := g.tmp()
		return "(" + o + "=" + js + "," + js + "=typeof " + o + "===\"number\"?(" + o + "+" + d + ")|0:" + marker(x.p) + "$add(" + o + "," + d + ")," + o + ")"
	case *index:
		setup, ov, kv, static, name := g.slotRef(t)
		o := g.tmp()
		setup = append(setup, o+"="+g.readRef(t, ov, kv, static, name))
		n := g.tmp()
		setup = append(setup, n+"=typeof "+o+"===\"number\"?("+o+"+"+d+")|0:"+marker(x.p)+"$add("+o+","+d+")")
		setup = append(setup, g.write(t, ov, kv, static, name, n, kindInt))
		if used && !x.prefix {
			setup = append(setup, o)
		} else if used {
			setup = append(setup, n)
		}
		return seq(setup...)
	}
	panic("codegen: bad increment target")
}

// ---- calls ----

func (g *codegen) args(list []expr) string {
	var b strings.Builder
	for _, a := range list {
		b.WriteByte(',')
		b.WriteString(g.exprMoved(a, nil).code)
	}
	return b.String()
}

func (g *codegen) call(x *callExpr) string {
	f := g.tmp()
	var setup []string
	thisv := "self"
	switch fn := x.fn.(type) {
	case *index:
		if x.method && !isThisObj(fn) {
			so, ov := g.hold(g.expr(fn.obj))
			setup = append(setup, so)
			thisv = ov
			if name, ok := staticKey(fn); ok {
				setup = append(setup, f+"="+g.dotRead(ov, name, fn.p))
			} else {
				k := g.expr(fn.key)
				setup = append(setup, f+"="+marker(fn.p)+"$gk("+ov+","+k.code+")")
			}
		} else {
			if name, ok := staticKey(fn); ok && name == "callee" && fn.bare && len(x.args) == 0 {
				return marker(x.p) + "$callee(self," + g.fn.jsName + ")"
			}
			setup = append(setup, f+"="+g.expr(fn).code)
		}
	case *varRef:
		if fn.v.kind == kindFunc {
			return marker(x.p) + fn.v.js + "(self" + g.args(x.args) + ")"
		}
		f = fn.v.js
	default:
		setup = append(setup, f+"="+g.expr(fn).code)
	}
	args := g.args(x.args)
	setup = append(setup, "(typeof "+f+"===\"function\"?"+marker(x.p)+f+"("+thisv+args+"):"+marker(x.p)+"$call("+f+","+thisv+args+"))")
	return seq(setup...)
}

// ---- operators ----

func (g *codegen) unary(x *unary) val {
	v := g.expr(x.x)
	switch x.op {
	case '-':
		if v.kind == kindInt {
			return val{"((-" + v.code + ")|0)", kindInt, false}
		}
		s, a := g.hold(v)
		return val{seq(s, "(typeof "+a+"===\"number\"?(-"+a+")|0:"+marker(x.p)+"$neg("+a+"))"), kindUnknown, false}
	case '~':
		if v.kind == kindInt {
			return val{"(~" + v.code + ")", kindInt, false}
		}
		s, a := g.hold(v)
		return val{seq(s, "(typeof "+a+"===\"number\"?~"+a+":"+marker(x.p)+"$bnot("+a+"))"), kindInt, false}
	case '!':
		switch v.kind {
		case kindBool:
			return val{"(!" + v.code + ")", kindBool, false}
		case kindInt:
			return val{"(" + v.code + "===0)", kindBool, false}
		}
		return val{"(!$T(" + v.code + "))", kindBool, false}
	case tkTypeof:
		return val{marker(x.p) + "$typeOf(" + v.code + ")", kindUnknown, false}
	case tkClone:
		return val{marker(x.p) + "$clone(" + v.code + ")", kindUnknown, false}
	case tkResume:
		return val{marker(x.p) + "$resume(" + v.code + ")", kindUnknown, false}
	}
	panic("codegen: unknown unary operator")
}

func (g *codegen) logical(x *logical) val {
	a := g.expr(x.x)
	b := g.expr(x.y)
	k := kindOf(x)
	if a.kind == kindBool && b.kind == kindBool {
		if x.op == tkAnd {
			return val{"(" + a.code + "&&" + b.code + ")", kindBool, false}
		}
		return val{"(" + a.code + "||" + b.code + ")", kindBool, false}
	}
	t := g.tmp()
	test := "$T(" + t + "=" + a.code + ")"
	switch a.kind {
	case kindBool:
		test = "(" + t + "=" + a.code + ")"
	case kindInt:
		test = "(" + t + "=" + a.code + ")!==0"
	}
	if x.op == tkAnd {
		return val{"(" + test + "?" + b.code + ":" + t + ")", k, false}
	}
	return val{"(" + test + "?" + t + ":" + b.code + ")", k, false}
}

func (g *codegen) binary(x *binary) val {
	switch x.op {
	case tkIn:
		a, b := g.expr(x.x), g.expr(x.y)
		return val{marker(x.p) + "$has(" + a.code + "," + b.code + ")", kindBool, false}
	case tkInstanceof:
		a, b := g.expr(x.x), g.expr(x.y)
		return val{marker(x.p) + "$instanceOf(" + a.code + "," + b.code + ")", kindBool, false}
	case tkEQ:
		return val{g.equal(g.expr(x.x), g.expr(x.y)), kindBool, false}
	case tkNE:
		return val{"!" + g.equal(g.expr(x.x), g.expr(x.y)), kindBool, false}
	case tk3WayCmp:
		a, b := g.expr(x.x), g.expr(x.y)
		return val{marker(x.p) + "$cmp3(" + a.code + "," + b.code + ")", kindInt, false}
	case '<', '>', tkLE, tkGE:
		return g.compare(x)
	case '&', '|', '^', tkShiftL, tkShiftR, tkUShiftR:
		return g.bitwise(x)
	}
	a, b := g.expr(x.x), g.expr(x.y)
	fb := ""
	if r, ok := x.x.(*varRef); ok && !r.outer && x.op == '%' {
		// the left operand stays in its local; the failing % leaves a fresh
		// register, which in practice holds the right operand
		sb, bc := g.hold(b)
		return g.arithPre(sb, x.op, a, val{bc, b.kind, true}, x.p, bc)
	}
	return g.arith(x.op, a, b, x.p, fb)
}

// both returns code testing that a and b are integers (skipping what is known).
func both(a, b val, ac, bc string) string {
	var t []string
	if a.kind != kindInt {
		t = append(t, "typeof "+ac+"===\"number\"")
	}
	if b.kind != kindInt {
		t = append(t, "typeof "+bc+"===\"number\"")
	}
	return strings.Join(t, "&&")
}

// arith compiles + - * / % on two values. modFb is what % yields when it
// fails, which 3.0.4 does not report: the destination register keeps what it
// held (see $mod); "" means the left operand.
func (g *codegen) arith(op int, a, b val, p pos, modFb string) val {
	opc := string(rune(op))
	if op == '+' && a.kind == kindString && b.kind == kindString {
		return val{"(" + a.code + "+" + b.code + ")", kindString, false}
	}
	sa, ac := g.hold(a)
	sb, bc := g.hold(b)
	if modFb == "" {
		modFb = ac
	}
	var fast string
	switch op {
	case '+', '-':
		fast = "((" + ac + opc + bc + ")|0)"
	case '*':
		if lit, ok := smallLiteral(b); ok {
			fast = "((" + ac + "*" + lit + ")|0)"
		} else if lit, ok := smallLiteral(a); ok {
			fast = "((" + lit + "*" + bc + ")|0)"
		} else {
			fast = "$imul(" + ac + "," + bc + ")"
		}
	case '/':
		if nonZeroLiteral(b) {
			fast = "((" + ac + "/" + bc + ")|0)"
		} else {
			fast = "(" + bc + "===0?" + marker(p) + "$div(" + ac + "," + bc + "):(" + ac + "/" + bc + ")|0)"
		}
	case '%':
		if nonZeroLiteral(b) {
			fast = "((" + ac + "%" + bc + ")|0)"
		} else {
			fast = "(" + bc + "===0?" + modFb + ":(" + ac + "%" + bc + ")|0)"
		}
	}
	var slow string
	switch op {
	case '+':
		slow = "$add(" + ac + "," + bc + ")"
	case '-':
		slow = "$sub(" + ac + "," + bc + ")"
	case '*':
		slow = "$mul(" + ac + "," + bc + ")"
	case '/':
		slow = "$div(" + ac + "," + bc + ")"
	case '%':
		slow = "$mod(" + ac + "," + bc + "," + modFb + ")"
	}
	slow = marker(p) + slow
	if a.kind == kindInt && b.kind == kindInt {
		return val{seq(sa, sb, fast), kindInt, false}
	}
	if op == '+' && (a.kind == kindString || b.kind == kindString) {
		other := bc
		if b.kind == kindString {
			other = ac
		}
		return val{seq(sa, sb, "(typeof "+other+"===\"string\"?"+ac+"+"+bc+":"+slow+")"), kindString, false}
	}
	return val{seq(sa, sb, "(("+both(a, b, ac, bc)+")?"+fast+":"+slow+")"), arithKind(a.kind, b.kind), false}
}

// arithPre is arith with setup code that must run first.
func (g *codegen) arithPre(setup string, op int, a, b val, p pos, modFb string) val {
	v := g.arith(op, a, b, p, modFb)
	return val{seq(setup, v.code), v.kind, false}
}

// exprMoved compiles an expression whose value 3.0.4 moves straight into
// another register (a local's initialiser, an assignment to a local, a call
// argument, a branch of ?:). Its peephole optimiser then makes the previous
// arithmetic instruction write that register directly: a compound
// assignment to a local leaves the local unchanged, and a failing % leaves
// the destination (dest, when it is an existing local) as it was.
func (g *codegen) exprMoved(e expr, dest *variable) val {
	switch x := e.(type) {
	case *assign:
		if r, ok := x.target.(*varRef); ok && !r.outer && x.op != '=' && x.op != tkNewslot {
			fb := ""
			if dest != nil {
				fb = dest.js
			}
			return g.arith(compoundOp(x.op), val{r.v.js, r.v.kind, true}, g.expr(x.value), x.p, fb)
		}
	case *binary:
		if x.op == '%' && dest != nil {
			return g.arith('%', g.expr(x.x), g.expr(x.y), x.p, dest.js)
		}
	}
	return g.expr(e)
}

func smallLiteral(v val) (string, bool) {
	if v.kind != kindInt || !v.simple {
		return "", false
	}
	n, err := strconv.Atoi(strings.Trim(v.code, "()"))
	if err != nil || n > 1<<20 || n < -(1<<20) {
		return "", false
	}
	return v.code, true
}

func nonZeroLiteral(v val) bool {
	if v.kind != kindInt || !v.simple {
		return false
	}
	n, err := strconv.Atoi(strings.Trim(v.code, "()"))
	return err == nil && n != 0
}

func (g *codegen) compare(x *binary) val {
	a, b := g.expr(x.x), g.expr(x.y)
	var op, fn string
	switch x.op {
	case '<':
		op, fn = "<", "$lt"
	case '>':
		op, fn = ">", "$gt"
	case tkLE:
		op, fn = "<=", "$le"
	default:
		op, fn = ">=", "$ge"
	}
	if a.kind == kindInt && b.kind == kindInt {
		return val{"(" + a.code + op + b.code + ")", kindBool, false}
	}
	sa, ac := g.hold(a)
	sb, bc := g.hold(b)
	return val{seq(sa, sb, "(("+both(a, b, ac, bc)+")?"+ac+op+bc+":"+marker(x.p)+fn+"("+ac+","+bc+"))"), kindBool, false}
}

func (g *codegen) bitwise(x *binary) val {
	a, b := g.expr(x.x), g.expr(x.y)
	var fast string
	sa, ac := g.hold(a)
	sb, bc := g.hold(b)
	switch x.op {
	case tkShiftL:
		fast = ac + "<<" + bc
	case tkShiftR:
		fast = ac + ">>" + bc
	case tkUShiftR:
		fast = "(" + ac + ">>>" + bc + ")|0"
	default:
		fast = ac + string(rune(x.op)) + bc
	}
	if a.kind == kindInt && b.kind == kindInt {
		return val{seq(sa, sb, "("+fast+")"), kindInt, false}
	}
	return val{seq(sa, sb, "(("+both(a, b, ac, bc)+")?"+fast+":"+marker(x.p)+"$bitErr("+ac+","+bc+"))"), kindInt, false}
}

// equal compiles Squirrel equality: identity, except that floats compare by
// value.
func (g *codegen) equal(a, b val) string {
	if isPlainLit(a) || isPlainLit(b) || (a.kind == kindInt && b.kind == kindInt) ||
		a.kind == kindString || b.kind == kindString || a.kind == kindBool || b.kind == kindBool {
		return "(" + a.code + "===" + b.code + ")"
	}
	sa, ac := g.hold(a)
	sb, bc := g.hold(b)
	return seq(sa, sb, "("+ac+"==="+bc+"||((typeof "+ac+"===\"object\"||typeof "+bc+"===\"object\")&&$eq("+ac+","+bc+")))")
}

// isPlainLit: a literal no float can equal (string, bool, null).
func isPlainLit(v val) bool {
	if !v.simple {
		return false
	}
	c := v.code
	return c == "null" || c == "true" || c == "false" || strings.HasPrefix(c, "\"")
}

// ---- literals ----

func (g *codegen) table(x *tableLit) string {
	keys := make([]string, 0, len(x.keys))
	seen := map[string]bool{}
	literal := true
	for _, k := range x.keys {
		s, ok := k.(*strLit)
		if !ok || s.v == "__proto__" {
			literal = false
			break
		}
		if !seen[s.v] {
			seen[s.v] = true
			keys = append(keys, s.v)
		}
	}
	if literal {
		site := g.site(keys, x.nkeys)
		var b strings.Builder
		b.WriteString("{__proto__:$TP,Āo:" + site)
		for i, k := range x.keys {
			v := g.expr(x.vals[i])
			code := v.code
			if v.simple {
				code = stored(v.code, v.kind)
			} else if stored("v", v.kind) != "v" {
				t := g.tmp()
				code = "(" + t + "=" + v.code + "," + stored(t, v.kind) + ")"
			}
			b.WriteString("," + jsString(k.(*strLit).v) + ":" + code)
		}
		b.WriteString("}")
		return b.String()
	}
	t := g.tmp()
	parts := []string{t + "=$newTable(" + strconv.Itoa(x.nkeys) + ")"}
	for i, k := range x.keys {
		kc := g.expr(k).code
		parts = append(parts, marker(k.at())+"$ns("+t+","+kc+","+g.expr(x.vals[i]).code+")")
	}
	parts = append(parts, t)
	return "(" + strings.Join(parts, ",") + ")"
}

func (g *codegen) class(x *classLit) string {
	c := g.tmp()
	base := "null"
	if x.base != nil {
		base = g.expr(x.base).code
	}
	attrs := "null"
	if x.attrs != nil {
		attrs = g.expr(x.attrs).code
	}
	parts := []string{c + "=" + marker(x.p) + "$newClass(" + base + "," + attrs + ")"}
	for _, m := range x.members {
		k := g.expr(m.key).code
		v := g.expr(m.val).code
		a := "null"
		if m.attrs != nil {
			a = g.expr(m.attrs).code
		}
		parts = append(parts, marker(m.p)+"$newMember("+c+","+k+","+v+","+a+","+strconv.FormatBool(m.static)+")")
	}
	parts = append(parts, c)
	return "(" + strings.Join(parts, ",") + ")"
}
