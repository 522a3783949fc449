package squirrel

// Statements, parsed as 3.0.4 does: the same scopes, loop nesting checks
// and rules for where a statement may end.

func (p *parser) statements() []stmt {
	var list []stmt
	for p.tok != '}' && p.tok != tkDefault && p.tok != tkCase {
		list = append(list, p.statement())
		if p.lx.prevToken != '}' && p.lx.prevToken != ';' {
			p.optionalSemicolon()
		}
	}
	return list
}

func (p *parser) statement() stmt {
	at := p.here()
	switch p.tok {
	case ';':
		p.lex()
		return &emptyStmt{at}
	case tkIf:
		return p.ifStatement()
	case tkWhile:
		return p.whileStatement()
	case tkDo:
		return p.doWhileStatement()
	case tkFor:
		return p.forStatement()
	case tkForeach:
		return p.foreachStatement()
	case tkSwitch:
		return p.switchStatement()
	case tkLocal:
		return p.localDeclStatement()
	case tkReturn, tkYield:
		isYield := p.tok == tkYield
		if isYield {
			p.fs.def.generator = true
		}
		p.lex()
		var x expr
		if !p.isEndOfStatement() {
			x = p.commaExpr()
		}
		if isYield {
			return &yieldStmt{at, x}
		}
		return &returnStmt{at, x}
	case tkBreak:
		if p.fs.breakDepth <= 0 {
			p.errorf("'break' has to be in a loop block")
		}
		p.lex()
		return &breakStmt{at}
	case tkContinue:
		if p.fs.continueDepth <= 0 {
			p.errorf("'continue' has to be in a loop block")
		}
		p.lex()
		return &continueStmt{at}
	case tkFunction:
		return p.functionStatement()
	case tkClass:
		return p.classStatement()
	case tkEnum:
		p.enumStatement()
		return &emptyStmt{at}
	case '{':
		mark := p.scopeMark()
		p.lex()
		list := p.statements()
		p.expect('}')
		p.scopeEnd(mark)
		return &blockStmt{at, list}
	case tkTry:
		return p.tryStatement()
	case tkThrow:
		p.lex()
		return &throwStmt{at, p.commaExpr()}
	case tkConst:
		p.lex()
		id := p.expect(tkIdentifier)
		p.expect('=')
		c := p.expectScalar()
		p.optionalSemicolon()
		p.consts[id] = c
		p.declared = append(p.declared, id)
		return &emptyStmt{at}
	}
	x := p.commaExpr()
	return &exprStmt{at, x}
}

func (p *parser) ifStatement() stmt {
	at := p.here()
	p.lex()
	p.expect('(')
	cond := p.commaExpr()
	p.expect(')')
	mark := p.scopeMark()
	then := p.statement()
	if p.tok != '}' && p.tok != tkElse {
		p.optionalSemicolon()
	}
	p.scopeEnd(mark)
	s := &ifStmt{p: at, cond: cond, then: then}
	if p.tok == tkElse {
		mark := p.scopeMark()
		p.lex()
		s.els = p.statement()
		p.optionalSemicolon()
		p.scopeEnd(mark)
	}
	return s
}

func (p *parser) loopBody() stmt {
	p.fs.breakDepth++
	p.fs.continueDepth++
	mark := p.scopeMark()
	body := p.statement()
	p.scopeEnd(mark)
	p.fs.breakDepth--
	p.fs.continueDepth--
	return body
}

func (p *parser) whileStatement() stmt {
	at := p.here()
	p.lex()
	p.expect('(')
	cond := p.commaExpr()
	p.expect(')')
	return &whileStmt{at, cond, p.loopBody()}
}

func (p *parser) doWhileStatement() stmt {
	at := p.here()
	p.lex()
	body := p.loopBody()
	p.expect(tkWhile)
	p.expect('(')
	cond := p.commaExpr()
	p.expect(')')
	return &doWhileStmt{at, body, cond}
}

func (p *parser) forStatement() stmt {
	at := p.here()
	p.lex()
	mark := p.scopeMark()
	p.expect('(')
	s := &forStmt{p: at}
	p.loops = append(p.loops, s)
	if p.tok == tkLocal {
		s.init = p.localDeclStatement()
	} else if p.tok != ';' {
		ip := p.here()
		s.init = &exprStmt{ip, p.commaExpr()}
	}
	p.expect(';')
	if p.tok != ';' {
		s.cond = p.commaExpr()
	}
	p.expect(';')
	if p.tok != ')' {
		s.update = p.commaExpr()
	}
	p.expect(')')
	p.fs.breakDepth++
	p.fs.continueDepth++
	s.body = p.statement()
	p.fs.breakDepth--
	p.fs.continueDepth--
	p.scopeEnd(mark)
	return s
}

func (p *parser) foreachStatement() stmt {
	at := p.here()
	p.lex()
	p.expect('(')
	valName := p.expect(tkIdentifier)
	idxName := "@INDEX@"
	if p.tok == ',' {
		idxName = valName
		p.lex()
		valName = p.expect(tkIdentifier)
	}
	p.expect(tkIn)
	mark := p.scopeMark()
	container := p.expression()
	p.expect(')')
	s := &foreachStmt{p: at, container: container}
	s.key = p.declare(idxName)
	s.val = p.declare(valName)
	s.key.external = true
	s.val.external = true
	s.key.reassigned = true // by the loop, every step
	s.val.reassigned = true
	p.declare("@ITERATOR@")
	p.fs.breakDepth++
	p.fs.continueDepth++
	s.body = p.statement()
	p.fs.breakDepth--
	p.fs.continueDepth--
	p.scopeEnd(mark)
	return s
}

func (p *parser) switchStatement() stmt {
	at := p.here()
	p.lex()
	p.expect('(')
	s := &switchStmt{p: at, x: p.commaExpr()}
	p.expect(')')
	p.expect('{')
	p.fs.breakDepth++
	for p.tok == tkCase {
		cp := p.here()
		p.lex()
		cond := p.expression()
		p.expect(':')
		mark := p.scopeMark()
		body := p.statements()
		p.scopeEnd(mark)
		s.cases = append(s.cases, switchCase{cp, cond, body})
	}
	if p.tok == tkDefault {
		p.lex()
		p.expect(':')
		mark := p.scopeMark()
		s.deflt = p.statements()
		s.hasDf = true
		p.scopeEnd(mark)
	}
	p.expect('}')
	p.fs.breakDepth--
	return s
}

func (p *parser) localDeclStatement() stmt {
	at := p.here()
	p.lex()
	if p.tok == tkFunction {
		p.lex()
		fp := p.here()
		name := p.expect(tkIdentifier)
		p.expect('(')
		f := p.createFunction(name, false, fp)
		v := p.declare(name)
		v.stores = append(v.stores, f)
		return &localDecl{p: at, vars: []*variable{v}, inits: []expr{f}}
	}
	d := &localDecl{p: at}
	for {
		name := p.expect(tkIdentifier)
		var init expr
		if p.tok == '=' {
			p.lex()
			init = p.expression()
		}
		v := p.declare(name)
		if init != nil {
			v.stores = append(v.stores, init)
		} else {
			v.stores = append(v.stores, &nullLit{at})
		}
		d.vars = append(d.vars, v)
		d.inits = append(d.inits, init)
		if p.tok != ',' {
			break
		}
		p.lex()
	}
	return d
}

func (p *parser) tryStatement() stmt {
	at := p.here()
	p.lex()
	mark := p.scopeMark()
	body := p.statement()
	p.scopeEnd(mark)
	p.expect(tkCatch)
	p.expect('(')
	name := p.expect(tkIdentifier)
	p.expect(')')
	mark = p.scopeMark()
	v := p.declare(name)
	v.external = true // any thrown value
	catch := p.statement()
	p.scopeEnd(mark)
	return &tryStmt{p: at, body: body, exVar: v, catch: catch}
}

func (p *parser) functionStatement() stmt {
	at := p.here()
	p.lex()
	name := p.expect(tkIdentifier)
	var obj expr = p.thisRef(at)
	key := name
	bare := true
	for p.tok == tkDoubleColon {
		p.lex()
		obj = &index{p: at, obj: obj, key: &strLit{at, key}, bare: bare, isDot: true}
		bare = false
		key = p.expect(tkIdentifier)
	}
	p.expect('(')
	f := p.createFunction(key, false, at)
	target := &index{p: at, obj: obj, key: &strLit{at, key}, bare: bare, isDot: true}
	return &exprStmt{at, &assign{p: at, op: tkNewslot, target: target, value: f}}
}

func (p *parser) classStatement() stmt {
	at := p.here()
	p.lex()
	target := p.prefixed()
	switch p.etype {
	case etEXPR:
		p.errorf("invalid class name")
	case etOBJECT, etBASE:
	default:
		p.errorf("cannot create a class in a local with the syntax(class <local>)")
	}
	cls := p.classExp(at)
	return &exprStmt{at, &assign{p: at, op: tkNewslot, target: target, value: cls}}
}

func (p *parser) expectScalar() constant {
	var c constant
	switch p.tok {
	case tkInteger:
		c = constant{kind: kindInt, i: p.lx.nvalue}
	case tkFloat:
		c = constant{f: p.lx.fvalue}
	case tkStringLiteral:
		c = constant{kind: kindString, s: string(p.lx.svalue)}
	case '-':
		p.lex()
		switch p.tok {
		case tkInteger:
			c = constant{kind: kindInt, i: -p.lx.nvalue}
		case tkFloat:
			c = constant{f: -p.lx.fvalue}
		default:
			p.errorf("scalar expected : integer,float")
		}
	default:
		p.errorf("scalar expected : integer,float or string")
	}
	p.lex()
	return c
}

func (p *parser) enumStatement() {
	p.lex()
	id := p.expect(tkIdentifier)
	p.expect('{')
	members := map[string]constant{}
	var keys []string
	var n int32
	for p.tok != '}' {
		key := p.expect(tkIdentifier)
		var c constant
		if p.tok == '=' {
			p.lex()
			c = p.expectScalar()
		} else {
			c = constant{kind: kindInt, i: n}
			n++
		}
		if _, dup := members[key]; !dup {
			keys = append(keys, key)
		}
		members[key] = c
		if p.tok == ',' {
			p.lex()
		}
	}
	p.consts[id] = constant{enum: members, keys: keys}
	p.declared = append(p.declared, id)
	p.lex()
}
