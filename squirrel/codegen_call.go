package squirrel

import (
	"strings"
)

// Calls: argument evaluation order, method receivers, the class
// constructor fast path and inlined built-in methods.

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
	slotCall := false // obj.f(...): the callee is a slot of another object
	switch fn := x.fn.(type) {
	case *index:
		if x.method && !isThisObj(fn) {
			slotCall = true
			objv := g.expr(fn.obj)
			so, ov := g.hold(objv)
			setup = append(setup, so)
			thisv = ov
			if name, ok := staticKey(fn); ok && g.cold() {
				setup = append(setup, f+"="+g.dotRead(ov, objv.kind, name, fn.p))
			} else if name, ok := staticKey(fn); ok {
				if code, k, ok := g.builtinCall(ov, objv.kind, name, x); ok {
					return seq(append(setup, code)...), k
				}
				read := g.dotRead(ov, objv.kind, name, fn.p)
				if stringMethods[name] && objv.kind != kindTable && objv.kind != kindArray {
					read = "(typeof " + ov + "===\"string\"?" + prop("$SD", name) + ":" + read + ")"
				}
				if tableDelegateNames[name] && (objv.kind == kindUnknown || objv.kind == kindScalar || objv.kind == kindTable) {
					// a table without a delegate or a slot of that name: the
					// default delegate's method
					var tests []string
					if objv.kind != kindTable {
						tests = append(tests, "typeof "+ov+"===\"object\"", ov+"!==null", ov+".Āw===$WTBL")
					}
					tests = append(tests, ov+".Ād===null", prop(ov, name)+"===undefined")
					read = "((" + and(tests...) + ")?" + prop("$TD", name) + ":" + read + ")"
				}
				setup = append(setup, f+"="+read)
			} else {
				k := g.expr(fn.key)
				setup = append(setup, f+"="+marker(fn.p)+"$gk("+ov+","+k.code+")")
			}
		} else {
			if name, ok := staticKey(fn); ok && name == "callee" && fn.bare && len(x.args) == 0 {
				return marker(x.p) + "$callee(self," + g.fn.self + ")", kindUnknown
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
			if name, ok := staticKey(fn); ok && name == "format" && fn.bare && !g.cold() {
				if code, ok := g.inlineFormat(f, x, setup); ok {
					return code, kindUnknown
				}
			}
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
	if g.cold() {
		return seq(append(setup, marker(x.p)+"$call("+f+","+thisv+args+")")...), kindUnknown
	}
	call := "(typeof " + f + "===\"function\"?" + marker(x.p) + f + "(" + thisv + args + "):"
	if len(x.args) <= 8 && !slotCall {
		// (a class called as a plain name; one read as a slot, as in
		// lib.Class(), is rarer and constructed by $call)
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
	switch {
	case name == "len" && len(x.args) == 0 && ok == kindArray:
		return "(" + ov + ".Āa.length)", kindInt, true
	case name == "len" && len(x.args) == 0 && ok == kindString:
		return "(" + ov + ".length)", kindInt, true
	case name == "len" && len(x.args) == 0 && ok == kindTable:
		general := marker(x.p) + "$len(" + ov + ")"
		return "((" + ov + ".Ād===null&&" + ov + ".len===undefined)?" + ov + ".Āo.n:" + general + ")", kindUnknown, true
	case stringMethods[name] && ok == kindString:
		as, args := g.callArgs(x.args)
		return seq(append(as, marker(x.p)+prop("$SD", name)+"("+ov+args+")")...), stringMethodKind(name), true
	case stringMethods[name] && name != "len" && (ok == kindUnknown || ok == kindScalar) && allPure(x.args):
		// a string receiver calls the string delegate's method directly; the
		// arguments can be evaluated first as they have no effects
		_, args := g.callArgs(x.args)
		// (numbers' tostring() and the like are common in loops: the
		// general path stays inline)
		fn := x.fn.(*index)
		general := g.call(&callExpr{p: x.p, fn: &index{p: fn.p, obj: &tmpRef{ov}, key: fn.key, isDot: true}, args: x.args, method: true, plain: true})
		return "(typeof " + ov + "===\"string\"?" + marker(x.p) + prop("$SD", name) + "(" + ov + args + "):" + general + ")", kindUnknown, true
	case (name == "push" || name == "append") && len(x.args) == 1 && ok == kindArray:
		av := g.expr(x.args[0])
		s, v := g.hold(av)
		a := g.tmp()
		return seq(s, "(("+a+"="+ov+".Āa)["+a+".length]="+g.stored(v, av.kind)+",null)"), kindUnknown, true
	case name == "len" && len(x.args) == 0 && g.acacheOf(ov) != "":
		A := g.acacheOf(ov)
		general := marker(x.p) + "$len(" + ov + ")"
		return "(" + A + "!==undefined?" + A + ".length:typeof " + ov + "===\"string\"?" + ov + ".length:" + general + ")", kindUnknown, true
	case (name == "push" || name == "append") && len(x.args) == 1 && g.acacheOf(ov) != "":
		A := g.acacheOf(ov)
		av := g.expr(x.args[0])
		s, v := g.hold(av)
		general := marker(x.p) + "$mc(" + ov + "," + jsString(name) + "," + v + ")"
		return seq(s, "("+A+"!==undefined?("+A+"["+A+".length]="+g.stored(v, av.kind)+",null):"+general+")"), kindUnknown, true
	case name == "len" && len(x.args) == 0:
		a := g.tmp()
		general := marker(x.p) + "$len(" + ov + ")"
		return "(typeof " + ov + "===\"string\"?" + ov + ".length:(typeof " + ov + "===\"object\"&&" + ov + "!==null&&(" + a + "=" + ov + ".Āa)!==undefined)?" + a + ".length:" + general + ")", kindUnknown, true
	case (name == "push" || name == "append") && len(x.args) == 1:
		a := g.tmp()
		av := g.expr(x.args[0])
		s, v := g.hold(av)
		general := marker(x.p) + "$mc(" + ov + "," + jsString(name) + "," + v + ")"
		return seq(s, "((typeof "+ov+"===\"object\"&&"+ov+"!==null&&("+a+"="+ov+".Āa)!==undefined)?("+a+"["+a+".length]="+g.stored(v, av.kind)+",null):"+general+")"), kindUnknown, true
	}
	return "", 0, false
}

// formatPieces splits a format string into literal text and the verbs of
// plain %s, %d and %i specifications; ok is false when it holds anything
// else (flags, widths, other verbs, a NUL), which only the runtime formats.
func formatPieces(f string) (lits []string, verbs []byte, ok bool) {
	var lit strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == 0:
			return nil, nil, false
		case c != '%':
			lit.WriteByte(c)
		case i+1 < len(f) && f[i+1] == '%':
			lit.WriteByte('%')
			i++
		case i+1 < len(f) && (f[i+1] == 's' || f[i+1] == 'd' || f[i+1] == 'i'):
			lits = append(lits, lit.String())
			lit.Reset()
			verbs = append(verbs, f[i+1])
			i++
		default:
			return nil, nil, false
		}
	}
	return append(lits, lit.String()), verbs, true
}

// inlineFormat compiles format("literal", args...) when the literal has
// only plain %s and %d: if the callee f is the built-in format and every
// argument has the type its verb wants (an integer; a string without NUL),
// the text is concatenated inline; otherwise the call is made as usual.
func (g *codegen) inlineFormat(f string, x *callExpr, setup []string) (string, bool) {
	if len(x.args) == 0 {
		return "", false
	}
	lit, ok := x.args[0].(*strLit)
	if !ok {
		return "", false
	}
	lits, verbs, ok := formatPieces(lit.v)
	if !ok || len(verbs) != len(x.args)-1 {
		return "", false
	}
	var vals []string
	var kinds []valueKind
	for _, a := range x.args {
		v := g.exprMoved(a, nil)
		s, code := g.hold(v)
		setup = append(setup, s)
		vals = append(vals, code)
		kinds = append(kinds, v.kind)
	}
	tests := []string{f + "===$FMT"}
	text := jsString(lits[0])
	for i, verb := range verbs {
		a := vals[i+1]
		if verb == 's' {
			if kinds[i+1] != kindString {
				tests = append(tests, "typeof "+a+"===\"string\"")
			}
			tests = append(tests, "("+a+").indexOf(\"\\0\")<0")
		} else if kinds[i+1] != kindInt {
			tests = append(tests, "typeof "+a+"===\"number\"")
		}
		text += "+" + a
		if lits[i+1] != "" {
			text += "+" + jsString(lits[i+1])
		}
	}
	args := ""
	for _, v := range vals {
		args += "," + v
	}
	general := "(typeof " + f + "===\"function\"?" + marker(x.p) + f + "(self" + args + "):" + marker(x.p) + "$call(" + f + ",self" + args + "))"
	return seq(append(setup, "(("+and(tests...)+")?("+text+"):"+general+")")...), true
}

// acacheOf returns the name of the cached array elements of the local whose
// JavaScript name is js, or "" (see cacheable).
func (g *codegen) acacheOf(js string) string {
	if v := g.vars[js]; v != nil {
		return v.acache
	}
	return ""
}

// allPure reports whether every expression is pure (see pure).
func allPure(list []expr) bool {
	for _, e := range list {
		if !pure(e) {
			return false
		}
	}
	return true
}

// stringMethodKind is the kind of what a string delegate method returns.
func stringMethodKind(name string) valueKind {
	switch name {
	case "len", "tointeger":
		return kindInt
	case "slice", "tolower", "toupper", "tostring":
		return kindString
	}
	return kindUnknown
}
