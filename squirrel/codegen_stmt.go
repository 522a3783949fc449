package squirrel

import (
	"strings"
)

// cond compiles an expression used as a condition into JavaScript that is
// a boolean under Squirrel's truthiness (null, false, 0 and 0.0 are false).
func (g *codegen) cond(e expr) string {
	v := g.expr(e)
	switch v.kind {
	case kindBool:
		return v.code
	case kindInt:
		return "(" + v.code + ")!==0"
	case kindString, kindFunc, kindTable, kindArray:
		return "(" + v.code + ",true)"
	}
	return g.truthy(v.code)
}

// truthy tests a value of unknown type inline: only null, false, 0 and 0.0
// are false.
func (g *codegen) truthy(code string) string {
	if g.cold() {
		return "$T(" + code + ")"
	}
	t := g.tmp()
	return "((" + t + "=" + code + ")===true||(" + t + "!==false&&" + t + "!==null&&" + t + "!==0&&(typeof " + t +
		"!==\"object\"||" + t + ".Āt!==5||" + t + ".Āv!==0)))"
}

func (g *codegen) stmt(b *strings.Builder, s stmt) {
	g.fn.ntemps = 0
	b.WriteString(marker(s.at()))
	switch s.(type) {
	case *whileStmt, *doWhileStmt, *forStmt, *foreachStmt:
		g.fn.loops++
		defer func() { g.fn.loops-- }()
	}
	switch s := s.(type) {
	case *emptyStmt:
	case *exprStmt:
		b.WriteString(g.exprStmt(s.x))
		b.WriteString(";\n")
	case *localDecl:
		hoist := g.fn != nil
		for _, v := range s.vars {
			if v.captured {
				hoist = false
			}
		}
		if !hoist {
			b.WriteString("let ")
		}
		for i, v := range s.vars {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(v.js + "=")
			if hoist {
				g.fn.hoisted = append(g.fn.hoisted, v.js)
			}
			if s.inits[i] == nil {
				b.WriteString("null")
			} else {
				b.WriteString(g.exprMoved(s.inits[i], nil).code)
				if cacheable(v) {
					v.acache = v.js + "a"
					b.WriteString("," + v.acache + "=" + arrayOf(v.js))
					if hoist {
						g.fn.hoisted = append(g.fn.hoisted, v.acache)
					}
				}
			}
		}
		b.WriteString(";\n")
	case *blockStmt:
		b.WriteString("{\n")
		for _, x := range s.stmts {
			g.stmt(b, x)
		}
		b.WriteString("}\n")
	case *ifStmt:
		b.WriteString("if(" + g.cond(s.cond) + "){\n")
		g.stmt(b, s.then)
		b.WriteString("}")
		if s.els != nil {
			b.WriteString("else{\n")
			g.stmt(b, s.els)
			b.WriteString("}")
		}
		b.WriteString("\n")
	case *whileStmt:
		b.WriteString("while(" + g.cond(s.cond) + "){\n")
		g.stmt(b, s.body)
		b.WriteString("}\n")
	case *doWhileStmt:
		b.WriteString("do{\n")
		g.stmt(b, s.body)
		g.fn.ntemps = 0
		b.WriteString("}while(" + marker(s.cond.at()) + g.cond(s.cond) + ");\n")
	case *forStmt:
		b.WriteString("{\n")
		if s.init != nil {
			g.stmt(b, s.init)
		}
		g.fn.ntemps = 0
		b.WriteString("for(;")
		if s.cond != nil {
			b.WriteString(marker(s.cond.at()) + g.cond(s.cond))
		}
		b.WriteString(";")
		if s.update != nil {
			g.fn.ntemps = 0
			b.WriteString(marker(s.update.at()) + g.exprStmt(s.update))
		}
		b.WriteString("){\n")
		g.stmt(b, s.body)
		b.WriteString("}}\n")
	case *foreachStmt:
		g.foreach(b, s)
	case *switchStmt:
		g.switchStmt(b, s)
	case *returnStmt:
		if s.x == nil {
			b.WriteString("return null;\n")
		} else if c := g.selfTailCall(s.x); c != nil {
			g.tailCall(b, c)
		} else {
			b.WriteString("return " + g.expr(s.x).code + ";\n")
		}
	case *yieldStmt:
		if s.x == nil {
			b.WriteString("yield null;\n")
		} else {
			b.WriteString("yield " + g.expr(s.x).code + ";\n")
		}
	case *breakStmt:
		b.WriteString("break;\n")
	case *continueStmt:
		b.WriteString("continue;\n")
	case *throwStmt:
		b.WriteString("throw " + g.expr(s.x).code + ";\n")
	case *tryStmt:
		b.WriteString("try{\n")
		g.stmt(b, s.body)
		e := g.pin("e")
		b.WriteString("}catch(" + e + "){\nlet " + s.exVar.js + "=$exc(" + e + ");\n")
		g.stmt(b, s.catch)
		b.WriteString("}\n")
	default:
		panic("codegen: unknown statement")
	}
}

// foreach iterates arrays and tables inline (a table by walking its
// emulated node array, rechecked every step since the body may change the
// table) and everything else through $nx. The key and value variables are
// declared outside the loop, so closures made in the body share them, as in
// 3.0.4.
func (g *codegen) foreach(b *strings.Builder, s *foreachStmt) {
	c, st, m := g.pin("c"), g.pin("s"), g.pin("m")
	o, ks, eks, n := g.pin("o"), g.pin("ks"), g.pin("eks"), g.pin("n")
	cv := g.expr(s.container)
	k, v := s.key.js, s.val.js
	b.WriteString("{\nlet " + k + "=null," + v + "=null;\n")
	b.WriteString("const " + c + "=" + cv.code + ";\n")
	arr := "if(" + st + ">=" + c + ".Āa.length)break;" + k + "=" + st + ";" + v + "=" + c + ".Āa[" + st + "++];"
	// a table's node array is fetched again only when the table has changed
	fetch := o + "=" + c + ".Āo;const $L_=$layout(" + o + ");" + ks + "=$L_.ks;" + eks + "=$L_.eks;" + n + "=$L_.size;"
	tbl := "if(" + c + ".Āo!==" + o + "||" + o + ".lk.length!==0){" + fetch + "}" +
		"while(" + st + "<" + n + "&&" + ks + "[" + st + "]===$NOKEY)" + st + "++;" +
		"if(" + st + ">=" + n + ")break;" + k + "=" + ks + "[" + st + "];" + v + "=" + c + "[" + eks + "[" + st + "++]];"
	other := "if((" + st + "=$nx(" + c + "," + st + "))===$END)break;" + k + "=$IT.k;" + v + "=$IT.v;"
	tblVars := "let " + o + "=null," + ks + "," + eks + "," + n + ";\n"
	switch cv.kind {
	case kindArray:
		b.WriteString("let " + st + "=0;\nfor(;;){\n" + marker(s.p) + arr + "\n")
	case kindTable:
		b.WriteString(tblVars + "let " + st + "=0;\nfor(;;){\n" + marker(s.p) + tbl + "\n")
	default:
		b.WriteString("const " + m + "=(typeof " + c + "===\"object\"&&" + c + "!==null)?(" + c + ".Āa!==undefined?1:" + c + ".Āt===1?2:0):0;\n")
		b.WriteString(tblVars + "let " + st + "=" + m + "!==0?0:null;\n")
		b.WriteString("for(;;){\n" + marker(s.p) + "if(" + m + "===1){" + arr + "}else if(" + m + "===2){" + tbl + "}else{" + other + "}\n")
	}
	g.stmt(b, s.body)
	b.WriteString("}}\n")
}

// switchStmt compares with Squirrel equality, case by case in order; a
// matched case falls through into the following ones like C.
func (g *codegen) switchStmt(b *strings.Builder, s *switchStmt) {
	v := g.pin("sw")
	x := g.expr(s.x)
	b.WriteString("{\nconst " + v + "=" + x.code + ";\nswitch(true){\n")
	xv := val{code: v, kind: x.kind, simple: true}
	for _, c := range s.cases {
		g.fn.ntemps = 0
		b.WriteString(marker(c.p) + "case " + g.equal(xv, g.expr(c.cond)) + ":{\n")
		for _, st := range c.body {
			g.stmt(b, st)
		}
		b.WriteString("}\n")
	}
	if s.hasDf {
		b.WriteString("default:{\n")
		for _, st := range s.deflt {
			g.stmt(b, st)
		}
		b.WriteString("}\n")
	}
	b.WriteString("}}\n")
}

// selfTailCall recognises `return name(args)` inside function name: 3.0.4
// runs it as a tail call (no stack growth), which the generated code does
// by looping when the callee turns out to be the running function itself.
func (g *codegen) selfTailCall(e expr) *callExpr {
	f := g.fn.def
	c, ok := e.(*callExpr)
	if !ok || f.parent == nil || f.generator || f.varargs || f.name == "" || len(c.args) != len(f.params) {
		return nil
	}
	fn, ok := c.fn.(*index)
	if !ok || !fn.bare {
		return nil
	}
	if name, ok := staticKey(fn); !ok || name != f.name {
		return nil
	}
	for _, p := range f.params {
		if p.captured {
			return nil
		}
	}
	return c
}

func (g *codegen) tailCall(b *strings.Builder, c *callExpr) {
	g.fn.tail = true
	f := g.tmp()
	b.WriteString(f + "=" + g.expr(c.fn).code + ";\n")
	args := make([]string, len(c.args))
	for i, a := range c.args {
		args[i] = g.exprMoved(a, nil).code
	}
	b.WriteString("if(" + f + "===" + g.fn.self + "){")
	// evaluate every argument before assigning any parameter
	tmps := make([]string, len(args))
	for i, a := range args {
		tmps[i] = g.tmp()
		b.WriteString(tmps[i] + "=" + a + ";")
	}
	for i, p := range g.fn.def.params {
		b.WriteString(p.js + "=" + tmps[i] + ";")
	}
	b.WriteString("continue $tail;}\n")
	b.WriteString(marker(c.p) + "return(typeof " + f + "===\"function\"?" + f + "(self" + strings.Join(prefixComma(tmps), "") +
		"):$call(" + f + ",self" + strings.Join(prefixComma(tmps), "") + "));\n")
}

func prefixComma(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = "," + s
	}
	return out
}

// cacheable reports whether a local is worth caching as an array: it is
// used like one, never assigned after its declaration, and of no kind that
// settles the question.
func cacheable(v *variable) bool {
	if !v.indexed || v.reassigned || v.isThis {
		return false
	}
	switch v.kind {
	case kindInt, kindBool, kindString, kindFunc, kindTable, kindArray:
		return false
	}
	return true
}

// arrayOf is the elements of x when x is an array, else undefined.
func arrayOf(x string) string {
	return "(typeof " + x + "===\"object\"&&" + x + "!==null)?" + x + ".Āa:undefined"
}
