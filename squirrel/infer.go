package squirrel

// Local type inference. A local whose every store (declaration, assignment,
// increment, in any function) is provably an integer holds only integers,
// so the code generator can drop the type checks on it. The same goes for
// booleans, strings, and locals that only ever hold function literals
// (calls through them need no callable check). Parameters, foreach
// variables, catch variables and vargv receive values from outside and stay
// unknown. The analysis is a fixpoint over a small lattice: kindAny (not yet
// known) above the concrete kinds above kindUnknown.

const kindAny valueKind = 100

func joinKind(a, b valueKind) valueKind {
	switch {
	case a == kindAny:
		return b
	case b == kindAny:
		return a
	case a == b:
		return a
	}
	return kindUnknown
}

func inferKinds(vars []*variable) {
	for _, v := range vars {
		if v.isThis || v.external || len(v.stores) == 0 {
			v.kind = kindUnknown
		} else {
			v.kind = kindAny
		}
	}
	settle := func() {
		for round := 0; round < 100; round++ {
			changed := false
			for _, v := range vars {
				if v.kind == kindUnknown {
					continue
				}
				k := kindAny
				for _, s := range v.stores {
					k = joinKind(k, kindOf(s))
					if k == kindUnknown {
						break
					}
				}
				if k != v.kind {
					v.kind = k
					changed = true
				}
			}
			if !changed {
				return
			}
		}
		for _, v := range vars { // did not settle: give up on everything left
			v.kind = kindUnknown
		}
	}
	settle()
	again := false
	for _, v := range vars {
		if v.kind == kindAny {
			v.kind = kindUnknown
			again = true
		}
	}
	if again {
		settle()
	}
}

// kindOf is what an expression provably evaluates to under the current
// assumptions about locals.
func kindOf(e expr) valueKind {
	switch x := e.(type) {
	case *intLit:
		return kindInt
	case *boolLit:
		return kindBool
	case *strLit:
		return kindString
	case *funcLit:
		return kindFunc
	case *tableLit:
		return kindTable
	case *arrayLit:
		return kindArray
	case *varRef:
		return x.v.kind
	case *binary:
		switch x.op {
		case '&', '|', '^', tkShiftL, tkShiftR, tkUShiftR:
			return kindInt
		case tkEQ, tkNE, '<', '>', tkLE, tkGE, tkIn, tkInstanceof:
			return kindBool
		case '+':
			kx, ky := kindOf(x.x), kindOf(x.y)
			if kx == kindString || ky == kindString {
				return kindString
			}
			return arithKind(kx, ky)
		case '-', '*', '/', '%':
			return arithKind(kindOf(x.x), kindOf(x.y))
		}
	case *unary:
		switch x.op {
		case '!':
			return kindBool
		case '~':
			return kindInt
		case '-':
			return arithKind(kindOf(x.x), kindInt)
		}
	case *logical:
		return sameKind(kindOf(x.x), kindOf(x.y))
	case *condExpr:
		return sameKind(kindOf(x.a), kindOf(x.b))
	case *commaExpr:
		return kindOf(x.list[len(x.list)-1])
	case *assign:
		if x.op == '=' || x.op == tkNewslot {
			return kindOf(x.value)
		}
		return kindOf(&binary{op: compoundOp(x.op), x: x.target, y: x.value})
	case *incDec:
		return arithKind(kindOf(x.target), kindInt)
	}
	return kindUnknown
}

func arithKind(a, b valueKind) valueKind {
	if (a == kindInt || a == kindAny) && (b == kindInt || b == kindAny) {
		if a == kindAny && b == kindAny {
			return kindAny
		}
		return kindInt
	}
	return kindUnknown
}

func sameKind(a, b valueKind) valueKind {
	k := joinKind(a, b)
	switch k {
	case kindFunc, kindTable, kindArray:
		return kindUnknown
	}
	return k
}
