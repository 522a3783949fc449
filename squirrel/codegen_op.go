package squirrel

import (
	"strconv"
	"strings"
)

// Operators: arithmetic with 32-bit wrap, comparison, bitwise operations,
// equality and logical operators, with integer fast paths.

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
		if g.cold() {
			return val{marker(x.p) + "$has(" + av.code + "," + bv.code + ")", kindBool, false}
		}
		sa, a := g.hold(av)
		sb, b := g.hold(bv)
		// a string key in a table: an own slot
		tests := []string{}
		if bv.kind != kindTable {
			tests = append(tests, "typeof "+b+"===\"object\"", b+"!==null", b+".Āw===$WTBL")
		}
		if av.kind != kindString {
			tests = append(tests, "typeof "+a+"===\"string\"")
		}
		fast := "(" + b + "[" + a + "]!==undefined)"
		if len(tests) > 0 {
			fast = "((" + and(tests...) + ")?" + b + "[" + a + "]!==undefined:" + marker(x.p) + "$has(" + a + "," + b + "))"
		}
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
	if a.kind == kindInt && b.kind == kindInt && x.op != '/' && noWrap(x) {
		// the operands' ranges prove the result fits (see ranges.go)
		return val{"(" + a.code + string(rune(x.op)) + b.code + ")", kindInt, false}
	}
	if r, ok := rangeOf(x.x); ok && r.lo >= 0 && x.op == '%' && a.kind == kindInt && b.kind == kindInt {
		// a non-negative dividend: the remainder is an integer of its sign
		// (never -0), so only a zero divisor needs care
		g.modNonNeg = true
		defer func() { g.modNonNeg = false }()
	}
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
		wrap := "|0"
		if g.modNonNeg {
			wrap = ""
		}
		if nonZeroLiteral(b) {
			fast = "((" + ac + "%" + bc + ")" + wrap + ")"
		} else {
			fast = "(" + bc + "===0?" + modFb + ":(" + ac + "%" + bc + ")" + wrap + ")"
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
	if g.cold() {
		k := kindScalar
		if op == '+' && (a.kind == kindString || b.kind == kindString) {
			k = kindString
		} else if op != '+' {
			if k = arithKind(a.kind, b.kind); k == kindUnknown {
				k = kindScalar
			}
		}
		return val{seq(sa, sb, slow), k, false}
	}
	if op == '+' && (a.kind == kindString || b.kind == kindString) {
		// a string with a string, an integer or a bool: JavaScript's + gives
		// the same text
		other := b
		if b.kind == kindString {
			other = a
		}
		switch other.kind {
		case kindString, kindInt, kindBool:
			return val{seq(sa, sb, "("+ac+"+"+bc+")"), kindString, false}
		}
		return val{seq(sa, sb, g.nativeArith("$fadd", ac, bc, slow)), kindString, false}
	}
	// operands of unknown type: a Go fast path (see arithNatives) unless
	// the inline test is short (one operand a known integer, or a small
	// literal factor)
	switch {
	case op == '+':
		return val{seq(sa, sb, g.nativeArith("$fadd", ac, bc, slow)), kindScalar, false}
	case op == '-' && a.kind != kindInt && b.kind != kindInt:
		return val{seq(sa, sb, g.nativeArith("$fsub", ac, bc, slow)), kindScalar, false}
	case op == '*' && strings.HasPrefix(fast, "$imul("):
		return val{seq(sa, sb, g.nativeArith("$fmul", ac, bc, slow)), kindScalar, false}
	}
	k := arithKind(a.kind, b.kind)
	if k == kindUnknown {
		k = kindScalar
	}
	return val{seq(sa, sb, "(("+both(a, b, ac, bc)+")?"+fast+":"+slow+")"), k, false}
}

// nativeArith calls the Go fast path fn on simple values a and b, and slow
// (the JavaScript helper) when it declines.
func (g *codegen) nativeArith(fn, a, b, slow string) string {
	r := g.tmp()
	return "((" + r + "=" + fn + "(" + a + "," + b + "))!==undefined?" + r + ":" + slow + ")"
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
	if g.cold() {
		return val{marker(x.p) + fn + "(" + a.code + "," + b.code + ")", kindBool, false}
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
	if g.cold() {
		return "$eq(" + a.code + "," + b.code + ")"
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
