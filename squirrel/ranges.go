package squirrel

import "math"

// Integer ranges. 32-bit wrap costs an extra `|0` per operation in the
// generated code, which goja runs slowly; where the operands' ranges prove
// that a result fits in 32 bits the wrap is left out. Ranges come from
// literals, integer locals assigned only once, and counted for loops:
//
//	for (local i = A; i < B; i++)   (also <=, and > or >= with i--)
//
// where i is stored only by its declaration and the update and B is an
// integer: the condition, checked before every step, keeps i from wrapping,
// so the step needs no wrap and i stays between A and B.

// irange is an inclusive interval of int64 values.
type irange struct{ lo, hi int64 }

var fullInt = irange{math.MinInt32, math.MaxInt32}

func (r irange) fits() bool { return r.lo >= math.MinInt32 && r.hi <= math.MaxInt32 }

// inferRanges sets the range of integer locals that have one; it runs after
// inferKinds. Ranges only ever get narrower, and every one is sound when it
// is set, so a few passes over locals and loops (in source order, so that
// an inner loop's bounds can use an outer loop's counter) are enough.
func inferRanges(vars []*variable, loops []*forStmt) {
	for pass := 0; pass < 3; pass++ {
		for _, v := range vars {
			if v.kind == kindInt && !v.external && !v.isThis && len(v.stores) == 1 {
				if r, ok := rangeOf(v.stores[0]); ok {
					v.rng, v.ranged = r, true
				}
			}
		}
		for _, s := range loops {
			countedLoop(s)
		}
	}
}

// countedLoop recognises a counted for loop and records its counter's range
// and its step (which then needs no wrap).
func countedLoop(s *forStmt) {
	d, ok := s.init.(*localDecl)
	if !ok || len(d.vars) != 1 || d.inits[0] == nil || s.cond == nil || s.update == nil {
		return
	}
	v := d.vars[0]
	if v.kind != kindInt || len(v.stores) != 2 {
		return
	}
	delta := stepOf(s.update, v)
	c, ok := s.cond.(*binary)
	if delta == 0 || !ok {
		return
	}
	op, bound := c.op, c.y
	if r, ok := c.x.(*varRef); !ok || r.v != v {
		// B > i is i < B
		r, ok := c.y.(*varRef)
		if !ok || r.v != v {
			return
		}
		bound = c.x
		switch op {
		case '<':
			op = '>'
		case '>':
			op = '<'
		case tkLE:
			op = tkGE
		case tkGE:
			op = tkLE
		default:
			return
		}
	}
	if kindOf(bound) != kindInt {
		return
	}
	b, ok := rangeOf(bound)
	if !ok {
		b = fullInt
	}
	a, ok := rangeOf(d.inits[0])
	if !ok {
		a = fullInt
	}
	var r irange
	switch {
	case delta > 0 && op == '<':
		r = irange{a.lo, max(a.hi, b.hi)}
	case delta > 0 && op == tkLE && b.hi < math.MaxInt32:
		r = irange{a.lo, max(a.hi, b.hi+1)}
	case delta < 0 && op == '>':
		r = irange{min(a.lo, b.lo), a.hi}
	case delta < 0 && op == tkGE && b.lo > math.MinInt32:
		r = irange{min(a.lo, b.lo-1), a.hi}
	default:
		return
	}
	v.rng, v.ranged, v.step = r, true, s.update
}

// stepOf returns +1 or -1 when e is v++, ++v, v--, --v, v += 1 or v -= 1,
// else 0.
func stepOf(e expr, v *variable) int {
	switch x := e.(type) {
	case *incDec:
		if r, ok := x.target.(*varRef); ok && r.v == v {
			return int(x.delta)
		}
	case *assign:
		r, ok := x.target.(*varRef)
		one, lit := x.value.(*intLit)
		if !ok || r.v != v || !lit || one.v != 1 {
			return 0
		}
		switch x.op {
		case tkPlusEq:
			return 1
		case tkMinusEq:
			return -1
		}
	}
	return 0
}

// rangeOf is the range of an integer expression's values, when known.
func rangeOf(e expr) (irange, bool) {
	switch x := e.(type) {
	case *intLit:
		return irange{int64(x.v), int64(x.v)}, true
	case *varRef:
		if x.v.ranged {
			return x.v.rng, true
		}
	case *binary:
		r, ok := exactRange(x)
		if ok && !r.fits() {
			return fullInt, true // the result wraps
		}
		return r, ok
	}
	return irange{}, false
}

// exactRange is the range of + - * % on ranged operands before any wrap.
// For % it requires a non-negative left operand and a divisor that cannot
// be zero (only then is the result never JavaScript's -0).
func exactRange(x *binary) (irange, bool) {
	a, ok1 := rangeOf(x.x)
	b, ok2 := rangeOf(x.y)
	if !ok1 || !ok2 {
		return irange{}, false
	}
	switch x.op {
	case '+':
		return irange{a.lo + b.lo, a.hi + b.hi}, true
	case '-':
		return irange{a.lo - b.hi, a.hi - b.lo}, true
	case '*':
		p := []int64{a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi}
		return irange{min(p[0], p[1], p[2], p[3]), max(p[0], p[1], p[2], p[3])}, true
	case '%':
		if a.lo < 0 || (b.lo <= 0 && b.hi >= 0) {
			return irange{}, false
		}
		m := max(-b.lo, b.hi) - 1
		return irange{0, min(m, a.hi)}, true
	}
	return irange{}, false
}

// noWrap reports whether the integer operation x (+ - * %) can leave out
// its 32-bit wrap: the operands' ranges prove the result fits (and, for %,
// that it is not -0).
func noWrap(x *binary) bool {
	r, ok := exactRange(x)
	return ok && r.fits()
}
