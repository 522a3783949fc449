package squirrel

// Expression parsing. The precedence ladder, the places where a newline
// matters and the assignability checks follow the reference compiler.

func (p *parser) thisRef(at pos) *varRef {
	p.fs.def.usesThis = true
	return &varRef{p: at, v: p.fs.def.this}
}

func (p *parser) commaExpr() expr {
	at := p.here()
	x := p.expression()
	if p.tok != ',' {
		return x
	}
	list := []expr{x}
	for p.tok == ',' {
		p.lex()
		list = append(list, p.expression())
	}
	return &commaExpr{at, list}
}

func (p *parser) expression() expr {
	saved := p.etype
	p.etype = etEXPR
	at := p.here()
	x := p.logicalOr()
	switch p.tok {
	case '=', tkNewslot, tkMinusEq, tkPlusEq, tkMulEq, tkDivEq, tkModEq:
		op := p.tok
		ds := p.etype
		if ds == etEXPR || ds == etBASE {
			p.errorf("can't assign expression")
		}
		p.lex()
		val := p.expression()
		if op == tkNewslot && ds != etOBJECT {
			p.errorf("can't 'create' a local slot")
		}
		if r, ok := x.(*varRef); ok {
			r.v.reassigned = true
			if op == '=' {
				r.v.stores = append(r.v.stores, val)
			} else {
				r.v.stores = append(r.v.stores, &binary{p: at, op: compoundOp(op), x: r, y: val})
			}
		}
		x = &assign{p: at, op: op, target: x, value: val}
	case '?':
		p.lex()
		a := p.expression()
		p.expect(':')
		b := p.expression()
		x = &condExpr{p: at, c: x, a: a, b: b}
	}
	p.etype = saved
	return x
}

// compoundOp maps += to + and so on.
func compoundOp(op int) int {
	switch op {
	case tkPlusEq:
		return '+'
	case tkMinusEq:
		return '-'
	case tkMulEq:
		return '*'
	case tkDivEq:
		return '/'
	case tkModEq:
		return '%'
	}
	return op
}

func (p *parser) logicalOr() expr {
	x := p.logicalAnd()
	if p.tok == tkOr {
		at := p.here()
		p.lex()
		y := p.logicalOr()
		p.etype = etEXPR
		return &logical{p: at, op: tkOr, x: x, y: y}
	}
	return x
}

func (p *parser) logicalAnd() expr {
	x := p.bitwiseOr()
	for {
		at := p.here()
		switch p.tok {
		case tkAnd:
			p.lex()
			y := p.logicalAnd()
			x = &logical{p: at, op: tkAnd, x: x, y: y}
		case tkIn, tkInstanceof:
			op := p.tok
			p.lex()
			y := p.bitwiseOr()
			x = &binary{p: at, op: op, x: x, y: y}
		default:
			return x
		}
		p.etype = etEXPR
	}
}

// binLevel parses a left-associative level whose operators are in ops.
func (p *parser) binLevel(next func() expr, ops ...int) expr {
	x := next()
	for {
		op := p.tok
		found := false
		for _, o := range ops {
			if o == op {
				found = true
				break
			}
		}
		if !found {
			return x
		}
		at := p.here()
		p.lex()
		y := next()
		x = &binary{p: at, op: op, x: x, y: y}
		p.etype = etEXPR
	}
}

func (p *parser) bitwiseOr() expr  { return p.binLevel(p.bitwiseXor, '|') }
func (p *parser) bitwiseXor() expr { return p.binLevel(p.bitwiseAnd, '^') }
func (p *parser) bitwiseAnd() expr { return p.binLevel(p.eqExp, '&') }
func (p *parser) eqExp() expr      { return p.binLevel(p.compExp, tkEQ, tkNE, tk3WayCmp) }
func (p *parser) compExp() expr    { return p.binLevel(p.shiftExp, '>', '<', tkGE, tkLE) }
func (p *parser) shiftExp() expr   { return p.binLevel(p.plusExp, tkUShiftR, tkShiftL, tkShiftR) }
func (p *parser) plusExp() expr    { return p.binLevel(p.multExp, '+', '-') }
func (p *parser) multExp() expr    { return p.binLevel(p.prefixed, '*', '/', '%') }

// prefixed parses a factor followed by member accesses, calls and postfix
// increments.
func (p *parser) prefixed() expr {
	x := p.factor()
	for {
		at := p.here()
		switch p.tok {
		case '.':
			p.lex()
			kp := p.here()
			key := p.expect(tkIdentifier)
			x = &index{p: at, obj: x, key: &strLit{kp, key}, isDot: true}
			if p.etype == etBASE {
				p.etype = etEXPR
			} else {
				p.etype = etOBJECT
			}
		case '[':
			if p.lx.prevToken == '\n' {
				p.errorf("cannot brake deref/or comma needed after [exp]=exp slot declaration")
			}
			p.lex()
			key := p.expression()
			p.expect(']')
			if r, ok := x.(*varRef); ok {
				r.v.indexed = true
			}
			x = &index{p: at, obj: x, key: key}
			if p.etype == etBASE {
				p.etype = etEXPR
			} else {
				p.etype = etOBJECT
			}
		case tkMinusMinus, tkPlusPlus:
			if p.isEndOfStatement() {
				return x
			}
			delta := int32(1)
			if p.tok == tkMinusMinus {
				delta = -1
			}
			p.lex()
			if p.etype == etEXPR {
				p.errorf("can't '++' or '--' an expression")
			}
			p.markStore(x, at)
			return &incDec{p: at, delta: delta, target: x}
		case '(':
			method := p.etype == etOBJECT
			p.etype = etEXPR
			p.lex()
			var args []expr
			for p.tok != ')' {
				args = append(args, p.expression())
				if p.tok == ',' {
					p.lex()
					if p.tok == ')' {
						p.errorf("expression expected, found ')'")
					}
				}
			}
			p.lex()
			if ix, ok := x.(*index); ok && ix.bare {
				if k, ok := ix.key.(*strLit); ok && k.v == "suspend" {
					p.fs.def.suspends = true
				}
			}
			x = &callExpr{p: at, fn: x, args: args, method: method}
		default:
			return x
		}
	}
}

// markStore records that an increment writes a local.
func (p *parser) markStore(x expr, at pos) {
	if r, ok := x.(*varRef); ok {
		r.v.reassigned = true
		r.v.stores = append(r.v.stores, &binary{p: at, op: '+', x: r, y: &intLit{at, 1}})
	}
}

func (p *parser) factor() expr {
	p.etype = etEXPR
	at := p.here()
	switch p.tok {
	case tkStringLiteral:
		s := string(p.lx.svalue)
		p.lex()
		return &strLit{at, s}
	case tkBase:
		p.lex()
		p.etype = etBASE
		p.fs.def.usesBase = true
		return &baseRef{at}
	case tkIdentifier, tkConstructor, tkThis:
		var id string
		switch p.tok {
		case tkIdentifier:
			id = string(p.lx.svalue)
		case tkThis:
			id = "this"
		default:
			id = "constructor"
		}
		p.lex()
		if v := p.fs.find(id); v != nil {
			p.etype = etLOCAL
			if v.isThis {
				p.fs.def.usesThis = true
			}
			return &varRef{p: at, v: v}
		}
		for fs := p.fs.parent; fs != nil; fs = fs.parent {
			if v := fs.find(id); v != nil {
				v.captured = true
				for in := p.fs; in != fs; in = in.parent {
					in.def.capturesOuter = true
				}
				p.etype = etOUTER
				return &varRef{p: at, v: v, outer: true}
			}
		}
		if c, ok := p.consts[id]; ok {
			if c.enum != nil {
				p.expect('.')
				mid := p.expect(tkIdentifier)
				m, ok := c.enum[mid]
				if !ok {
					p.errorf("invalid constant [%s.%s]", id, mid)
				}
				c = m
			}
			p.etype = etEXPR
			return constExpr(c, at)
		}
		p.etype = etOBJECT
		return &index{p: at, obj: p.thisRef(at), key: &strLit{at, id}, bare: true, isDot: true}
	case tkDoubleColon:
		p.etype = etOBJECT
		p.tok = '.' // continue in prefixed() as if after "root."
		return &rootRef{at}
	case tkNull:
		p.lex()
		return &nullLit{at}
	case tkInteger:
		v := p.lx.nvalue
		p.lex()
		return &intLit{at, v}
	case tkFloat:
		v := p.lx.fvalue
		p.lex()
		return &floatLit{at, v}
	case tkTrue, tkFalse:
		v := p.tok == tkTrue
		p.lex()
		return &boolLit{at, v}
	case '[':
		p.lex()
		a := &arrayLit{p: at}
		for p.tok != ']' {
			a.elems = append(a.elems, p.expression())
			if p.tok == ',' {
				p.lex()
			}
		}
		p.lex()
		return a
	case '{':
		p.lex()
		return p.tableBody(',', '}', at)
	case tkFunction:
		p.lex()
		p.expect('(')
		return p.createFunction("", false, at)
	case '@':
		p.lex()
		p.expect('(')
		return p.createFunction("", true, at)
	case tkClass:
		p.lex()
		return p.classExp(at)
	case '-':
		p.lex()
		switch p.tok {
		case tkInteger:
			v := -p.lx.nvalue
			p.lex()
			return &intLit{at, v}
		case tkFloat:
			v := -p.lx.fvalue
			p.lex()
			return &floatLit{at, v}
		}
		return p.unaryOp('-', at)
	case '!':
		p.lex()
		return p.unaryOp('!', at)
	case '~':
		p.lex()
		if p.tok == tkInteger {
			v := ^p.lx.nvalue
			p.lex()
			return &intLit{at, v}
		}
		return p.unaryOp('~', at)
	case tkTypeof, tkResume, tkClone:
		op := p.tok
		p.lex()
		return p.unaryOp(op, at)
	case tkMinusMinus, tkPlusPlus:
		delta := int32(1)
		if p.tok == tkMinusMinus {
			delta = -1
		}
		p.lex()
		saved := p.etype
		x := p.prefixed()
		if p.etype == etEXPR {
			p.errorf("can't '++' or '--' an expression")
		}
		p.markStore(x, at)
		p.etype = saved
		return &incDec{p: at, prefix: true, delta: delta, target: x}
	case tkDelete:
		p.lex()
		saved := p.etype
		x := p.prefixed()
		switch p.etype {
		case etEXPR:
			p.errorf("can't delete an expression")
		case etOBJECT, etBASE:
		default:
			p.errorf("cannot delete an (outer) local")
		}
		p.etype = saved
		return &deleteExpr{at, x}
	case '(':
		p.lex()
		x := p.commaExpr()
		p.expect(')')
		return x
	}
	p.errorf("expression expected")
	return nil
}

func (p *parser) unaryOp(op int, at pos) expr {
	x := p.prefixed()
	p.etype = etEXPR
	return &unary{p: at, op: op, x: x}
}

func constExpr(c constant, at pos) expr {
	switch c.kind {
	case kindInt:
		return &intLit{at, c.i}
	case kindString:
		return &strLit{at, c.s}
	}
	return &floatLit{at, c.f}
}

// tableBody parses the members of a table literal or of class attributes
// (separator ',') after the opening token.
func (p *parser) tableBody(sep, term int, at pos) *tableLit {
	t := &tableLit{p: at}
	for p.tok != term {
		kp := p.here()
		var key, val expr
		switch p.tok {
		case tkFunction, tkConstructor:
			isFunc := p.tok == tkFunction
			p.lex()
			name := "constructor"
			if isFunc {
				name = p.expect(tkIdentifier)
			}
			p.expect('(')
			key = &strLit{kp, name}
			val = p.createFunction(name, false, kp)
		case '[':
			p.lex()
			key = p.commaExpr()
			p.expect(']')
			p.expect('=')
			val = p.expression()
		case tkStringLiteral:
			s := p.expect(tkStringLiteral)
			key = &strLit{kp, s}
			p.expect(':')
			val = p.expression()
		default:
			name := p.expect(tkIdentifier)
			key = &strLit{kp, name}
			p.expect('=')
			val = p.expression()
		}
		if p.tok == sep {
			p.lex()
		}
		t.keys = append(t.keys, key)
		t.vals = append(t.vals, val)
	}
	t.nkeys = len(t.keys)
	p.lex()
	return t
}

func (p *parser) classExp(at pos) *classLit {
	c := &classLit{p: at}
	if p.tok == tkExtends {
		p.lex()
		c.base = p.expression()
	}
	if p.tok == tkAttrOpen {
		ap := p.here()
		p.lex()
		c.attrs = p.tableBody(',', tkAttrClose, ap)
	}
	p.expect('{')
	for p.tok != '}' {
		m := classMember{p: p.here()}
		if p.tok == tkAttrOpen {
			ap := p.here()
			p.lex()
			m.attrs = p.tableBody(',', tkAttrClose, ap)
		}
		if p.tok == tkStatic {
			m.static = true
			p.lex()
		}
		kp := p.here()
		switch p.tok {
		case tkFunction, tkConstructor:
			isFunc := p.tok == tkFunction
			p.lex()
			name := "constructor"
			if isFunc {
				name = p.expect(tkIdentifier)
			}
			p.expect('(')
			m.key = &strLit{kp, name}
			m.val = p.createFunction(name, false, kp)
		case '[':
			p.lex()
			m.key = p.commaExpr()
			p.expect(']')
			p.expect('=')
			m.val = p.expression()
		default:
			name := p.expect(tkIdentifier)
			m.key = &strLit{kp, name}
			p.expect('=')
			m.val = p.expression()
		}
		if p.tok == ';' {
			p.lex()
		}
		c.members = append(c.members, m)
	}
	p.lex()
	return c
}
