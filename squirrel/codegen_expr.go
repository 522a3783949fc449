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
		return val{"$baseOf(" + g.fn.self + ")", kindUnknown, false}
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
			if g.stored("v", v.kind) != "v" && v.code != "null" && !strings.HasPrefix(v.code, "$F") {
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
				code = g.stored(v.code, v.kind)
			} else if g.stored("v", v.kind) != "v" {
				t := g.tmp()
				code = "(" + t + "=" + v.code + "," + g.stored(t, v.kind) + ")"
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
