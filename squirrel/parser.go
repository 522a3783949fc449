package squirrel

import (
	"fmt"
	"strconv"
	"strings"
)

// CompileError is a syntax or name error found while compiling Squirrel
// source. Line and Col are where 3.0.4's lexer stood when it gave up (the
// same numbers sq prints), and Msg is 3.0.4's message text.
type CompileError struct {
	File string
	Line int
	Col  int
	Msg  string
}

// Error returns "file:line:col: message".
func (e *CompileError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// expression state kinds, as the reference compiler tracks them to decide
// what can be assigned, deleted or called as a method
const (
	etEXPR = iota + 1
	etOBJECT
	etBASE
	etLOCAL
	etOUTER
)

// constant is a compile-time value of const or enum (an enum is a table of
// constants).
type constant struct {
	kind valueKind // kindInt, kindString or 0 for float; enum when members != nil
	i    int32
	f    float32
	s    string
	enum map[string]constant
	keys []string // enum members in declaration order
}

type funcState struct {
	def           *funcDef
	parent        *funcState
	locals        []*variable
	breakDepth    int
	continueDepth int
}

type parser struct {
	file   string
	lx     *lexer
	tok    int
	fs     *funcState
	etype  int
	consts map[string]constant
	// constants declared by this unit, in order (3.0.4 adds them to the
	// const table as it compiles)
	declared []string
	jsName   map[string]int // per base name, how many variables already use it
	funcs    []*funcDef
	vars     []*variable
	loops    []*forStmt // in source order, for range inference
}

func (p *parser) errorf(format string, args ...any) {
	panic(lexError{fmt.Sprintf(format, args...)})
}

func (p *parser) lex() { p.tok = p.lx.lex() }

func (p *parser) here() pos { return pos{p.lx.tokLine, p.lx.tokCol} }

// parse compiles a whole chunk into its main function.
func parse(file string, src []byte, consts map[string]constant) (p *parser, main *funcDef, err error) {
	p = &parser{file: file, consts: map[string]constant{}, jsName: map[string]int{}}
	for k, v := range consts {
		p.consts[k] = v
	}
	defer func() {
		if r := recover(); r != nil {
			le, ok := r.(lexError)
			if !ok {
				panic(r)
			}
			err = &CompileError{File: file, Line: p.lx.currentLine, Col: p.lx.currentColumn, Msg: le.msg}
		}
	}()
	p.lx = newLexer(src)
	main = p.newFunc("main", nil, pos{1, 1})
	main.varargs = true
	main.vargv = p.declare("vargv")
	main.vargv.external = true
	p.lex()
	for p.tok > 0 {
		main.body = append(main.body, p.statement())
		if p.lx.prevToken != '}' && p.lx.prevToken != ';' {
			p.optionalSemicolon()
		}
	}
	main.endLine = p.lx.currentLine
	p.fs = nil
	return p, main, nil
}

// newFunc starts a function whose parameters will be declared into it.
func (p *parser) newFunc(name string, parent *funcDef, at pos) *funcDef {
	f := &funcDef{p: at, name: name, parent: parent, id: len(p.funcs)}
	p.funcs = append(p.funcs, f)
	p.fs = &funcState{def: f, parent: p.fs}
	f.this = p.declare("this")
	f.this.isThis = true
	return f
}

// declare adds a local to the current function's scope.
func (p *parser) declare(name string) *variable {
	v := &variable{name: name, fn: p.fs.def}
	switch {
	case name == "this":
		v.js = "self"
	case name[0] == '@': // the hidden @INDEX@ and @ITERATOR@ locals
		v.js = "$h" + strconv.Itoa(len(p.vars))
	default:
		n := p.jsName[name]
		p.jsName[name] = n + 1
		if n == 0 {
			v.js = name + "$"
		} else {
			v.js = name + "$" + strconv.Itoa(n)
		}
	}
	p.fs.locals = append(p.fs.locals, v)
	p.vars = append(p.vars, v)
	return v
}

func (p *parser) scopeMark() int    { return len(p.fs.locals) }
func (p *parser) scopeEnd(mark int) { p.fs.locals = p.fs.locals[:mark] }
func (fs *funcState) find(name string) *variable {
	for i := len(fs.locals) - 1; i >= 0; i-- {
		if fs.locals[i].name == name {
			return fs.locals[i]
		}
	}
	return nil
}

// expect checks the current token and consumes it, returning the value of an
// identifier or string literal token.
func (p *parser) expect(tok int) string {
	if p.tok != tok {
		if !(p.tok == tkConstructor && tok == tkIdentifier) {
			if tok > 255 {
				var name string
				switch tok {
				case tkIdentifier:
					name = "IDENTIFIER"
				case tkStringLiteral:
					name = "STRING_LITERAL"
				case tkInteger:
					name = "INTEGER"
				case tkFloat:
					name = "FLOAT"
				default:
					name = keywordName(tok)
				}
				p.errorf("expected '%s'", name)
			}
			p.errorf("expected '%c'", rune(tok))
		}
	}
	var s string
	if tok == tkIdentifier || tok == tkStringLiteral {
		s = string(p.lx.svalue)
	}
	p.lex()
	return s
}

func (p *parser) isEndOfStatement() bool {
	return p.lx.prevToken == '\n' || p.tok == tkEOB || p.tok == '}' || p.tok == ';'
}

func (p *parser) optionalSemicolon() {
	if p.tok == ';' {
		p.lex()
		return
	}
	if !p.isEndOfStatement() {
		p.errorf("end of statement expected (; or lf)")
	}
}

// createFunction parses a parameter list and body (the '(' is consumed).
// Default values are parsed in the enclosing function, as 3.0.4 does.
func (p *parser) createFunction(name string, lambda bool, at pos) *funcLit {
	parentState := p.fs
	f := p.newFunc(name, parentState.def, at)
	child := p.fs
	p.fs = parentState
	ndef := 0
	for p.tok != ')' {
		if p.tok == tkVarParams {
			if ndef > 0 {
				p.errorf("function with default parameters cannot have variable number of parameters")
			}
			p.fs = child
			f.vargv = p.declare("vargv")
			f.vargv.external = true
			p.fs = parentState
			f.varargs = true
			p.lex()
			if p.tok != ')' {
				p.errorf("expected ')'")
			}
			break
		}
		name := p.expect(tkIdentifier)
		p.fs = child
		v := p.declare(name)
		v.external = true
		p.fs = parentState
		f.params = append(f.params, v)
		if p.tok == '=' {
			p.lex()
			f.defaults = append(f.defaults, p.expression())
			ndef++
		} else if ndef > 0 {
			p.errorf("expected '='")
		}
		if p.tok == ',' {
			p.lex()
		} else if p.tok != ')' {
			p.errorf("expected ')' or ','")
		}
	}
	p.expect(')')
	p.fs = child
	saved := p.etype
	if lambda {
		rp := p.here()
		f.lambda = true
		f.body = []stmt{&returnStmt{rp, p.expression()}}
	} else {
		f.body = []stmt{p.statement()}
	}
	p.etype = saved
	f.endLine = p.lx.currentLine
	if p.lx.prevToken == '\n' {
		f.endLine = p.lx.lastTokenLine
	}
	p.fs = parentState
	return &funcLit{at, f}
}

// constDecls returns the JavaScript list of this unit's constants for the
// runtime's const table, or "" when it declares none.
func (p *parser) constDecls() string {
	if len(p.declared) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range p.declared {
		if i > 0 {
			b.WriteByte(',')
		}
		c := p.consts[id]
		b.WriteString("[" + jsString(id) + ",")
		if c.enum != nil {
			b.WriteByte('[')
			for j, k := range c.keys {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString("[" + jsString(k) + "," + constJS(c.enum[k]) + "]")
			}
			b.WriteByte(']')
		} else {
			b.WriteString(constJS(c))
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return b.String()
}

func constJS(c constant) string {
	switch c.kind {
	case kindInt:
		return strconv.Itoa(int(c.i))
	case kindString:
		return jsString(c.s)
	}
	return "$F(" + jsFloat(c.f) + ")"
}
