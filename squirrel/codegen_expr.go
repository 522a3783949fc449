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
	case *tmpRef:
		return val{x.js, kindUnknown, true}
	case *baseRef:
		return val{"$baseOf(" + g.fn.jsName + ")", kindUnknown, false}
	case *index:
		return val{g.read(x), kindUnknown, false}
	case *callExpr:
		code, k := g.callKind(x)
		return val{code, k, false}
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
		return val{g.table(x), kindTable, false}
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
		return val{mk + "([" + strings.Join(parts, ",") + "])", kindArray, false}
	case *funcLit:
		return val{g.function(x.f), kindFunc, false}
	case *classLit:
		return val{g.class(x), kindUnknown, false}
	}
	panic("codegen: unknown expression")
}

// tmpRef stands for a value the generator has already evaluated into a
// simple JavaScript expression (a temp or local).
type tmpRef struct{ js string }

func (e *tmpRef) at() pos { return pos{} }

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

// slot is an index expression whose object and key have been evaluated
// into simple JavaScript values.
type slot struct {
	x      *index
	o, k   string    // object and key (o is empty for slots of `this`)
	ok, kk valueKind // their kinds
	static bool      // the key is the string literal name
	name   string
}

// isObjTest returns code testing that the slot's object is an object, or
// "" when its kind proves it.
func (s *slot) isObjTest() string {
	if s.ok == kindTable || s.ok == kindArray {
		return ""
	}
	return "typeof " + s.o + "===\"object\"&&" + s.o + "!==null"
}

func and(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "&&")
}

// slotOf evaluates an index's object and key once.
func (g *codegen) slotOf(x *index) (setup []string, s *slot) {
	s = &slot{x: x}
	s.name, s.static = staticKey(x)
	if !isThisObj(x) {
		v := g.expr(x.obj)
		st, o := g.hold(v)
		setup = append(setup, st)
		s.o, s.ok = o, v.kind
	}
	if s.static {
		s.k, s.kk = jsString(s.name), kindString
	} else {
		v := g.expr(x.key)
		st, k := g.hold(v)
		setup = append(setup, st)
		s.k, s.kk = k, v.kind
	}
	return
}

// read compiles obj[key] with the inline fast paths.
func (g *codegen) read(x *index) string {
	setup, s := g.slotOf(x)
	return seq(append(setup, g.readSlot(s))...)
}

// readSlot reads an evaluated slot.
func (g *codegen) readSlot(s *slot) string {
	if s.o == "" { // a slot of `this`
		if s.static {
			return g.bareRead(s.name, s.x.p)
		}
		return marker(s.x.p) + "$gn(self," + s.k + ")"
	}
	if s.static {
		return g.dotRead(s.o, s.ok, s.name, s.x.p)
	}
	v, a := g.tmp(), g.tmp()
	ov, kv := s.o, s.k
	slow := marker(s.x.p) + "$gk(" + ov + "," + kv + ")"
	arrPath := "(" + a + "=" + ov + ".Āa)!==undefined&&(" + v + "=" + a + "[" + kv + "])!==undefined"
	if s.ok == kindArray {
		arrPath = "(" + v + "=" + ov + ".Āa[" + kv + "])!==undefined"
	}
	strPath := "(" + v + "=" + ov + "[" + kv + "])!==undefined"
	test := s.isObjTest()
	switch {
	case s.kk == kindInt || (s.ok == kindArray && s.kk != kindString):
		if s.kk != kindInt {
			arrPath = "typeof " + kv + "===\"number\"&&" + arrPath
		}
		return "((" + and(test, arrPath) + ")?" + v + ":" + slow + ")"
	case s.kk == kindString || s.ok == kindTable:
		if s.kk != kindString {
			strPath = "typeof " + kv + "===\"string\"&&" + strPath
		}
		return "((" + and(test, strPath) + ")?" + v + ":" + slow + ")"
	}
	return "((" + and(test, "(typeof "+kv+"===\"number\"?("+arrPath+"):(typeof "+kv+"===\"string\"&&"+strPath+"))") + ")?" + v + ":" + slow + ")"
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

// dotRead reads slot name of the value o (a simple expression of kind ok).
func (g *codegen) dotRead(o string, ok valueKind, name string, p pos) string {
	v := g.tmp()
	s := &slot{o: o, ok: ok}
	return "((" + and(s.isObjTest(), "("+v+"="+prop(o, name)+")!==undefined") + ")?" +
		v + ":" + marker(p) + "$gk(" + o + "," + jsString(name) + "))"
}

// stored returns the code storing simple value v (of kind k) into a
// container: weak references are stored as their objects (see rv).
func stored(v string, k valueKind) string {
	switch k {
	case kindInt, kindBool, kindString, kindFunc, kindTable, kindArray, kindScalar:
		return v
	}
	if v == "null" || strings.HasPrefix(v, "$F") {
		return v
	}
	return "(" + v + "!==null&&typeof " + v + "===\"object\"&&" + v + ".Āt===7?" + v + ".Ār:" + v + ")"
}

// writeSlot compiles slot = value (value already compiled, simple, of kind
// vk); the expression's value is v.
func (g *codegen) writeSlot(s *slot, v string, vk valueKind) string {
	sv := stored(v, vk)
	p := s.x.p
	if s.o == "" {
		if s.static && !tableDelegateNames[s.name] {
			w := g.tmp()
			return "((((" + w + "=$L.Āw)===$WTBL)?" + prop("$L", s.name) + "!==undefined:" + prop(w, s.name) +
				"===true)?(" + prop("$L", s.name) + "=" + sv + "," + v + "):" + marker(p) + "$sn(self," + s.k + "," + v + "))"
		}
		return marker(p) + "$sn(self," + s.k + "," + v + ")"
	}
	ov, kv := s.o, s.k
	slow := marker(p) + "$sk(" + ov + "," + kv + "," + v + ")"
	test := s.isObjTest()
	if s.static {
		if tableDelegateNames[s.name] {
			return slow
		}
		exists := "(" + prop(ov, s.name) + "!==undefined)"
		if s.ok != kindTable {
			w := g.tmp()
			exists = "((" + w + "=" + ov + ".Āw)===$WTBL?" + prop(ov, s.name) + "!==undefined:" + prop(w, s.name) + "===true)"
		}
		return "((" + and(test, exists) + ")?(" + prop(ov, s.name) + "=" + sv + "," + v + "):" + slow + ")"
	}
	a, w := g.tmp(), g.tmp()
	arr := "(" + a + "=" + ov + ".Āa)!==undefined&&" + kv + ">=0&&" + kv + "<" + a + ".length"
	if s.ok == kindArray {
		arr = kv + ">=0&&" + kv + "<(" + a + "=" + ov + ".Āa).length"
	}
	// a string key: an existing slot of a table (not a default delegate
	// method) or a field of an instance
	slotOK := "((" + w + "=" + ov + ".Āw)===$WTBL?(" + ov + "[" + kv + "]!==undefined&&$TP[" + kv + "]===undefined):" + w + "[" + kv + "]===true)"
	if s.ok == kindTable {
		slotOK = "(" + ov + "[" + kv + "]!==undefined&&$TP[" + kv + "]===undefined)"
	}
	arrSet := "(" + a + "[" + kv + "]=" + sv + "," + v + ")"
	strSet := "(" + ov + "[" + kv + "]=" + sv + "," + v + ")"
	switch {
	case s.kk == kindInt || s.ok == kindArray:
		if s.kk != kindInt {
			arr = "typeof " + kv + "===\"number\"&&" + arr
		}
		return "((" + and(test, arr) + ")?" + arrSet + ":" + slow + ")"
	case s.kk == kindString || s.ok == kindTable:
		if s.kk != kindString {
			slotOK = "typeof " + kv + "===\"string\"&&" + slotOK
		}
		return "((" + and(test, slotOK) + ")?" + strSet + ":" + slow + ")"
	}
	body := "(typeof " + kv + "===\"number\"?(" + arr + "?" + arrSet + ":" + slow + "):(typeof " + kv + "===\"string\"&&" + slotOK + ")?" + strSet + ":" + slow + ")"
	if test == "" {
		return body
	}
	return "(" + test + "?" + body + ":" + slow + ")"
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
		setup, sl := g.slotOf(t)
		xv := g.expr(x.value)
		sv, v := g.hold(xv)
		setup = append(setup, sv)
		if x.op == '=' {
			return seq(append(setup, g.writeSlot(sl, v, xv.kind))...)
		}
		old := g.readSlot(sl)
		var r string
		if x.op == tkModEq {
			r = marker(x.p) + "$modErr(" + old + "," + v + ")"
		} else {
			r = g.arith(compoundOp(x.op), val{old, kindUnknown, false}, val{v, kindUnknown, true}, x.p, "").code
		}
		nv := g.tmp()
		setup = append(setup, nv+"="+r)
		return seq(append(setup, g.writeSlot(sl, nv, kindInt))...)
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
		setup, sl := g.slotOf(t)
		o := g.tmp()
		setup = append(setup, o+"="+g.readSlot(sl))
		n := g.tmp()
		setup = append(setup, n+"=typeof "+o+"===\"number\"?("+o+"+"+d+")|0:"+marker(x.p)+"$add("+o+","+d+")")
		setup = append(setup, g.writeSlot(sl, n, kindInt))
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

// callArgs compiles call arguments into simple values (evaluated in order,
// after the callee), returning their setup code and ",a1,a2..." for the call.
func (g *codegen) callArgs(list []expr) ([]string, string) {
	setup, vals := g.callArgList(list)
	var b strings.Builder
	for _, v := range vals {
		b.WriteByte(',')
		b.WriteString(v)
	}
	return setup, b.String()
}

func (g *codegen) callArgList(list []expr) (setup, vals []string) {
	for _, a := range list {
		s, v := g.hold(g.exprMoved(a, nil))
		setup = append(setup, s)
		vals = append(vals, v)
	}
	return setup, vals
}

// string delegate methods, for the string receiver fast path
var stringMethods = map[string]bool{
	"len": true, "tointeger": true, "tofloat": true, "tostring": true, "slice": true,
	"find": true, "tolower": true, "toupper": true, "weakref": true,
}

func (g *codegen) call(x *callExpr) string {
	code, _ := g.callKind(x)
	return code
}

// callKind compiles a call and tells what kind its result provably is.
func (g *codegen) callKind(x *callExpr) (string, valueKind) {
	f := g.tmp()
	var setup []string
	thisv := "self"
	switch fn := x.fn.(type) {
	case *index:
		if x.method && !isThisObj(fn) {
			objv := g.expr(fn.obj)
			so, ov := g.hold(objv)
			setup = append(setup, so)
			thisv = ov
			if name, ok := staticKey(fn); ok {
				if code, k, ok := g.builtinCall(ov, objv.kind, name, x); ok && !x.plain {
					return seq(append(setup, code)...), k
				}
				read := g.dotRead(ov, objv.kind, name, fn.p)
				if stringMethods[name] {
					read = "(typeof " + ov + "===\"string\"?" + prop("$SD", name) + ":" + read + ")"
				}
				setup = append(setup, f+"="+read)
			} else {
				k := g.expr(fn.key)
				setup = append(setup, f+"="+marker(fn.p)+"$gk("+ov+","+k.code+")")
			}
		} else {
			if name, ok := staticKey(fn); ok && name == "callee" && fn.bare && len(x.args) == 0 {
				return marker(x.p) + "$callee(self," + g.fn.jsName + ")", kindUnknown
			}
			if name, ok := staticKey(fn); ok && name == "suspend" && fn.bare && g.fn.co {
				// in a thread's coroutine: the built-in suspend yields
				setup = append(setup, f+"="+g.expr(fn).code)
				as, vals := g.callArgList(x.args)
				setup = append(setup, as...)
				v := "null"
				if len(vals) > 0 {
					v = vals[0]
				}
				args := ""
				for _, a := range vals {
					args += "," + a
				}
				setup = append(setup, "("+f+"===$SUSPEND?(yield "+v+"):"+marker(x.p)+"$call("+f+",self"+args+"))")
				return seq(setup...), kindUnknown
			}
			setup = append(setup, f+"="+g.expr(fn).code)
		}
	case *varRef:
		if fn.v.kind == kindFunc {
			as, args := g.callArgs(x.args)
			return seq(append(as, marker(x.p)+fn.v.js+"(self"+args+")")...), kindUnknown
		}
		f = fn.v.js
	default:
		setup = append(setup, f+"="+g.expr(fn).code)
	}
	as, args := g.callArgs(x.args)
	setup = append(setup, as...)
	call := "(typeof " + f + "===\"function\"?" + marker(x.p) + f + "(" + thisv + args + "):"
	if len(x.args) <= 8 {
		k := g.tmp()
		call += "(" + f + "!==null&&typeof " + f + "===\"object\"&&(" + k + "=" + f + ".Ānew)!==undefined)?" + marker(x.p) + k + "(" + strings.TrimPrefix(args, ",") + "):"
	}
	call += marker(x.p) + "$call(" + f + "," + thisv + args + "))"
	setup = append(setup, call)
	return seq(setup...), kindUnknown
}

// builtinCall inlines a few array and string methods on receivers that are
// provably arrays or strings at run time (neither can have slots of its
// own, so the method is always the built-in one); other receivers take the
// general path.
func (g *codegen) builtinCall(ov string, ok valueKind, name string, x *callExpr) (string, valueKind, bool) {
	if x.plain {
		return "", 0, false
	}
	fn := x.fn.(*index)
	switch {
	case name == "len" && len(x.args) == 0 && ok == kindArray:
		return "(" + ov + ".Āa.length)", kindInt, true
	case name == "len" && len(x.args) == 0 && ok == kindString:
		return "(" + ov + ".length)", kindInt, true
	case (name == "push" || name == "append") && len(x.args) == 1 && ok == kindArray:
		av := g.expr(x.args[0])
		s, v := g.hold(av)
		return seq(s, "("+ov+".Āa.push("+stored(v, av.kind)+"),null)"), kindUnknown, true
	case name == "len" && len(x.args) == 0:
		a := g.tmp()
		general := g.call(&callExpr{p: x.p, fn: &index{p: fn.p, obj: &tmpRef{ov}, key: fn.key, isDot: true}, method: true, plain: true})
		return "(typeof " + ov + "===\"string\"?" + ov + ".length:(typeof " + ov + "===\"object\"&&" + ov + "!==null&&(" + a + "=" + ov + ".Āa)!==undefined)?" + a + ".length:" + general + ")", kindUnknown, true
	case (name == "push" || name == "append") && len(x.args) == 1:
		a := g.tmp()
		av := g.expr(x.args[0])
		s, v := g.hold(av)
		general := g.call(&callExpr{p: x.p, fn: &index{p: fn.p, obj: &tmpRef{ov}, key: fn.key, isDot: true}, args: []expr{&tmpRef{v}}, method: true, plain: true})
		return seq(s, "((typeof "+ov+"===\"object\"&&"+ov+"!==null&&("+a+"="+ov+".Āa)!==undefined)?("+a+".push("+stored(v, av.kind)+"),null):"+general+")"), kindUnknown, true
	}
	return "", 0, false
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
		return val{seq(s, "(typeof "+a+"===\"number\"?(-"+a+")|0:"+marker(x.p)+"$neg("+a+"))"), kindScalar, false}
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
		return val{"(!" + g.truthy(v.code) + ")", kindBool, false}
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
		av, bv := g.expr(x.x), g.expr(x.y)
		sa, a := g.hold(av)
		sb, b := g.hold(bv)
		// a string key in a table: an own slot (a default delegate method
		// name needs the full check)
		tests := []string{}
		if bv.kind != kindTable {
			tests = append(tests, "typeof "+b+"===\"object\"", b+"!==null", b+".Āw===$WTBL")
		}
		if av.kind != kindString {
			tests = append(tests, "typeof "+a+"===\"string\"")
		}
		tests = append(tests, "$TP["+a+"]===undefined")
		fast := "((" + and(tests...) + ")?" + b + "[" + a + "]!==undefined:" + marker(x.p) + "$has(" + a + "," + b + "))"
		return val{seq(sa, sb, fast), kindBool, false}
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
		// a string with a string, an integer or a bool: JavaScript's + gives
		// the same text
		other, ok := b, bc
		if b.kind == kindString {
			other, ok = a, ac
		}
		switch other.kind {
		case kindString, kindInt, kindBool:
			return val{seq(sa, sb, "("+ac+"+"+bc+")"), kindString, false}
		}
		return val{seq(sa, sb, "((typeof "+ok+"===\"string\"||typeof "+ok+"===\"number\")?"+ac+"+"+bc+":"+slow+")"), kindString, false}
	}
	if op == '+' {
		// integers add; strings concatenate with strings and integers
		ta, tb := "typeof "+ac, "typeof "+bc
		switch {
		case a.kind == kindInt:
			return val{seq(sa, sb, "("+tb+"===\"number\"?"+fast+":"+tb+"===\"string\"?"+ac+"+"+bc+":"+slow+")"), kindScalar, false}
		case b.kind == kindInt:
			return val{seq(sa, sb, "("+ta+"===\"number\"?"+fast+":"+ta+"===\"string\"?"+ac+"+"+bc+":"+slow+")"), kindScalar, false}
		}
		return val{seq(sa, sb, "("+ta+"===\"number\"?("+tb+"===\"number\"?"+fast+":"+tb+"===\"string\"?"+ac+"+"+bc+":"+slow+
			"):("+ta+"===\"string\"&&("+tb+"===\"string\"||"+tb+"===\"number\"))?"+ac+"+"+bc+":"+slow+")"), kindScalar, false}
	}
	k := arithKind(a.kind, b.kind)
	if k == kindUnknown {
		k = kindScalar
	}
	return val{seq(sa, sb, "(("+both(a, b, ac, bc)+")?"+fast+":"+slow+")"), k, false}
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
