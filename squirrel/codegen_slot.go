package squirrel

import (
	"strconv"
	"strings"
)

// Slot access: reads and writes of obj[key], obj.key and bare names, with
// the inline fast paths for tables, instances and arrays.

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
	acache string    // the object's cached array elements (see cacheable)
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
		if lv := g.vars[o]; lv != nil {
			s.acache = lv.acache
		}
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
	if g.cold() {
		return marker(s.x.p) + "$gk(" + s.o + "," + s.k + ")"
	}
	v, a := g.tmp(), g.tmp()
	ov, kv := s.o, s.k
	slow := marker(s.x.p) + "$gk(" + ov + "," + kv + ")"
	if A := s.acache; A != "" && s.kk != kindString {
		arr := "(" + A + "!==undefined&&(" + v + "=" + A + "[" + kv + "])!==undefined)"
		if s.kk == kindInt {
			return "(" + arr + "?" + v + ":" + slow + ")"
		}
		return "((typeof " + kv + "===\"number\"?" + arr + ":(typeof " + kv + "===\"string\"&&" + s.isObjTest() + "&&(" + v + "=" + ov + "[" + kv + "])!==undefined))?" + v + ":" + slow + ")"
	}
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
	slow := marker(p) + "$gn(self," + jsString(name) + ")"
	if g.cold() {
		return slow
	}
	v := g.tmp()
	first := "(" + v + "=" + prop("$L", name) + ")!==undefined?" + v + ":"
	if tableDelegateNames[name] {
		return "(" + first + slow + ")"
	}
	return "(" + first + "($L.Āx!==true&&(" + v + "=" + prop("$R", name) + ")!==undefined)?" + v + ":" + slow + ")"
}

// dotRead reads slot name of the value o (a simple expression of kind ok).
func (g *codegen) dotRead(o string, ok valueKind, name string, p pos) string {
	if g.cold() {
		return marker(p) + "$gk(" + o + "," + jsString(name) + ")"
	}
	v := g.tmp()
	s := &slot{o: o, ok: ok}
	if t := s.isObjTest(); t != "" && o != "self" {
		// an object of unknown type: the Go test (see arithNatives)
		return "((" + v + "=$gx(" + o + "," + jsString(name) + "))!==undefined?" +
			v + ":" + marker(p) + "$gk(" + o + "," + jsString(name) + "))"
	}
	return "((" + and(s.isObjTest(), "("+v+"="+prop(o, name)+")!==undefined") + ")?" +
		v + ":" + marker(p) + "$gk(" + o + "," + jsString(name) + "))"
}

// stored returns the code storing simple value v (of kind k) into a
// container: weak references are stored as their objects (see rv).
func (g *codegen) stored(v string, k valueKind) string {
	switch k {
	case kindInt, kindBool, kindString, kindFunc, kindTable, kindArray, kindScalar:
		return v
	}
	if v == "null" || strings.HasPrefix(v, "$F") {
		return v
	}
	if g.cold() {
		return "$rv(" + v + ")"
	}
	return "$frv(" + v + ")"
}

// writeSlot compiles slot = value (value already compiled, simple, of kind
// vk); the expression's value is v.
func (g *codegen) writeSlot(s *slot, v string, vk valueKind) string {
	sv := g.stored(v, vk)
	p := s.x.p
	if g.cold() {
		if s.o == "" {
			return marker(p) + "$sn(self," + s.k + "," + v + ")"
		}
		return marker(p) + "$sk(" + s.o + "," + s.k + "," + v + ")"
	}
	if s.o == "" {
		if s.static {
			// $Lw is $L.Āw, read once per call (see functionMode)
			return "((($Lw===$WTBL)?" + prop("$L", s.name) + "!==undefined:" + prop("$Lw", s.name) +
				"===true)?(" + prop("$L", s.name) + "=" + sv + "," + v + "):" + marker(p) + "$sn(self," + s.k + "," + v + "))"
		}
		return marker(p) + "$sn(self," + s.k + "," + v + ")"
	}
	ov, kv := s.o, s.k
	slow := marker(p) + "$sk(" + ov + "," + kv + "," + v + ")"
	test := s.isObjTest()
	if s.static {
		exists := "(" + prop(ov, s.name) + "!==undefined)"
		if s.ok != kindTable {
			w := g.tmp()
			exists = "((" + w + "=" + ov + ".Āw)===$WTBL?" + prop(ov, s.name) + "!==undefined:" + prop(w, s.name) + "===true)"
		}
		return "((" + and(test, exists) + ")?(" + prop(ov, s.name) + "=" + sv + "," + v + "):" + slow + ")"
	}
	if A := s.acache; A != "" && s.kk == kindInt {
		return "((" + A + "!==undefined&&" + kv + ">=0&&" + kv + "<" + A + ".length)?(" + A + "[" + kv + "]=" + sv + "," + v + "):" + slow + ")"
	}
	a, w := g.tmp(), g.tmp()
	arr := "(" + a + "=" + ov + ".Āa)!==undefined&&" + kv + ">=0&&" + kv + "<" + a + ".length"
	if s.ok == kindArray {
		arr = kv + ">=0&&" + kv + "<(" + a + "=" + ov + ".Āa).length"
	}
	// a string key: an existing slot of a table (not a default delegate
	// method) or a field of an instance
	slotOK := "((" + w + "=" + ov + ".Āw)===$WTBL?" + ov + "[" + kv + "]!==undefined:" + w + "[" + kv + "]===true)"
	if s.ok == kindTable {
		slotOK = "(" + ov + "[" + kv + "]!==undefined)"
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
		if t.v.step == expr(x) {
			// a counted loop's step, which cannot wrap (see ranges.go)
			return "(" + t.v.js + string(rune(compoundOp(x.op))) + "=1)"
		}
		v := g.expr(x.value)
		r := g.arith(compoundOp(x.op), val{t.v.js, t.v.kind, true}, v, x.p, "")
		return "(" + t.v.js + "=" + r.code + ")"
	case *index:
		if x.op == tkNewslot {
			return g.newSlot(t, x)
		}
		setup, sl := g.slotOf(t)
		var fast string
		var fused bool
		if b, ok := x.value.(*binary); ok && x.op == '=' && (b.op == '+' || b.op == '-') && sameSlot(t, b.x) && pure(b.y) {
			// obj.k = obj.k + n: an update in place when obj.k holds an integer
			fast, fused = g.fusedUpdate(sl, b.op, g.expr(b.y), false)
		}
		xv := g.expr(x.value)
		sv, v := g.hold(xv)
		if x.op == '=' {
			general := seq(sv, g.writeSlot(sl, v, xv.kind))
			if fused {
				general = "(" + fast + ":" + general + ")"
			}
			return seq(append(setup, general)...)
		}
		setup = append(setup, sv)
		fast, fused = g.fusedUpdate(sl, compoundOp(x.op), val{v, xv.kind, true}, false)
		old := g.readSlot(sl)
		var r string
		if x.op == tkModEq {
			r = marker(x.p) + "$modErr(" + old + "," + v + ")"
		} else {
			r = g.arith(compoundOp(x.op), val{old, kindUnknown, false}, val{v, kindUnknown, true}, x.p, "").code
		}
		nv := g.tmp()
		general := seq(nv+"="+r, g.writeSlot(sl, nv, kindInt))
		if fused {
			general = "(" + fast + ":" + general + ")"
		}
		return seq(append(setup, general)...)
	}
	panic("codegen: bad assignment target")
}

func (g *codegen) incDec(x *incDec, used bool) string {
	d := strconv.Itoa(int(x.delta))
	switch t := x.target.(type) {
	case *varRef:
		js := t.v.js
		op := "++"
		if x.delta < 0 {
			op = "--"
		}
		if t.v.step == expr(x) {
			// a counted loop's step, which cannot wrap (see ranges.go)
			if x.prefix {
				return "(" + op + js + ")"
			}
			return "(" + js + op + ")"
		}
		if t.v.kind == kindInt {
			if !used || x.prefix {
				// cheaper in goja than (js+d)|0
				edge, wrapped := "2147483647", "-2147483648"
				if x.delta < 0 {
					edge, wrapped = wrapped, edge
				}
				return "(" + js + "!==" + edge + "?" + op + js + ":(" + js + "=" + wrapped + "))"
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
		fast, fused := g.fusedUpdate(sl, '+', val{d, kindInt, true}, used && !x.prefix)
		o := g.tmp()
		general := []string{o + "=" + g.readSlot(sl)}
		n := g.tmp()
		general = append(general, n+"=typeof "+o+"===\"number\"?("+o+"+"+d+")|0:"+marker(x.p)+"$add("+o+","+d+")")
		general = append(general, g.writeSlot(sl, n, kindInt))
		if used && !x.prefix {
			general = append(general, o)
		} else if used {
			general = append(general, n)
		}
		if !fused {
			return seq(append(setup, general...)...)
		}
		return seq(append(setup, "("+fast+":"+seq(general...)+")")...)
	}
	panic("codegen: bad increment target")
}

// newSlot compiles obj[key] <- value: for a string key on a table without a
// delegate it assigns an existing slot inline and adds a new one through
// $nsNew; everything else goes through $ns.
func (g *codegen) newSlot(t *index, x *assign) string {
	ov := g.expr(t.obj)
	if isThisObj(t) {
		ov = val{"self", kindUnknown, true}
	}
	so, o := g.hold(ov)
	kv := g.expr(t.key)
	sk, k := g.hold(kv)
	vv := g.expr(x.value)
	sv, v := g.hold(vv)
	slow := marker(x.p) + "$ns(" + o + "," + k + "," + v + ")"
	if g.cold() {
		return seq(so, sk, sv, slow)
	}
	var tests []string
	if ov.kind != kindTable {
		tests = append(tests, "typeof "+o+"===\"object\"", o+"!==null", o+".Āw===$WTBL")
	}
	tests = append(tests, o+".Ād===null")
	if kv.kind != kindString {
		tests = append(tests, "typeof "+k+"===\"string\"")
	}
	fast := "((" + o + "[" + k + "]!==undefined)?(" + o + "[" + k + "]=" + g.stored(v, vv.kind) + "," + v + "):" +
		marker(x.p) + "$nsNew(" + o + "," + k + "," + v + "))"
	return seq(so, sk, sv, "(("+and(tests...)+")?"+fast+":"+slow+")")
}

// fusedUpdate returns "test?update" for slot op= rhs (op + or -, rhs a
// simple value) when the slot is an existing table slot, instance field or
// array element holding an integer and rhs is an integer: the slot is then
// read and written back with nothing in between that could run user code,
// so the write needs no existence check. The expression's value is the new
// value, or the old one when old is set. ok is false when no such path
// applies (the caller emits only the general code).
func (g *codegen) fusedUpdate(sl *slot, op int, rhs val, old bool) (string, bool) {
	if (op != '+' && op != '-') || (sl.o == "" && !sl.static) || g.cold() {
		return "", false
	}
	ov, kv := sl.o, sl.k
	bare := ov == ""
	if bare {
		ov = "$L" // `this`, or an empty object; a miss takes the general path
	}
	if sl.ok == kindTable && !sl.static && sl.kk != kindString && sl.kk != kindInt {
		// a key of unknown type: the Go fast path tests it (see arithNatives)
		r, flags := g.tmp(), 0
		if old {
			flags |= 1
		}
		if op == '-' {
			flags |= 2
		}
		return "((" + r + "=$tadd(" + ov + "," + kv + "," + rhs.code + "," + strconv.Itoa(flags) + "))!==undefined)?" + r, true
	}
	o := g.tmp()
	var tests []string
	var ref string // the slot as a JavaScript member expression
	switch {
	case sl.static || sl.kk == kindString || (sl.kk == kindUnknown && sl.ok != kindArray && sl.acache == ""):
		if sl.ok == kindArray {
			return "", false
		}
		if !sl.static && sl.kk != kindString {
			tests = append(tests, "typeof "+kv+"===\"string\"")
		}
		if sl.static {
			ref = prop(ov, sl.name)
		} else {
			ref = ov + "[" + kv + "]"
		}
		if sl.ok != kindTable {
			w := "$Lw"
			if !bare {
				w = g.tmp()
			}
			field := prop(w, sl.name)
			if !sl.static {
				field = w + "[" + kv + "]"
			}
			if !bare {
				tests = append(tests, "typeof "+ov+"===\"object\"", ov+"!==null", "("+w+"="+ov+".Āw)!==undefined")
			}
			tests = append(tests, "("+w+"===$WTBL||"+field+"===true)")
		}
	case sl.kk == kindInt || sl.kk == kindUnknown:
		if sl.kk != kindInt {
			tests = append(tests, "typeof "+kv+"===\"number\"")
		}
		if A := sl.acache; A != "" {
			tests = append(tests, A+"!==undefined")
			ref = A + "[" + kv + "]"
		} else if sl.ok == kindArray {
			ref = ov + ".Āa[" + kv + "]"
		} else {
			a := g.tmp()
			tests = append(tests, "typeof "+ov+"===\"object\"", ov+"!==null", "("+a+"="+ov+".Āa)!==undefined")
			ref = a + "[" + kv + "]"
		}
	default:
		return "", false
	}
	tests = append(tests, "typeof("+o+"="+ref+")===\"number\"")
	if rhs.kind != kindInt {
		tests = append(tests, "typeof "+rhs.code+"===\"number\"")
	}
	upd := ref + "=(" + o + string(rune(op)) + rhs.code + ")|0"
	if old {
		upd = "(" + upd + "," + o + ")"
	} else {
		upd = "(" + upd + ")"
	}
	return "(" + and(tests...) + ")?" + upd, true
}

// sameSlot reports whether e is obj.k (or obj[k]) with the same local obj
// and the same constant or local key as target, or the same bare name.
func sameSlot(target *index, e expr) bool {
	x, ok := e.(*index)
	if !ok || x.bare != target.bare {
		return false
	}
	if x.bare {
		n1, _ := staticKey(target)
		n2, _ := staticKey(x)
		return n1 == n2
	}
	o1, ok1 := target.obj.(*varRef)
	o2, ok2 := x.obj.(*varRef)
	if !ok1 || !ok2 || o1.v != o2.v || o1.v.isThis {
		return false
	}
	if n1, ok := staticKey(target); ok {
		n2, ok := staticKey(x)
		return ok && n1 == n2
	}
	k1, ok1 := target.key.(*varRef)
	k2, ok2 := x.key.(*varRef)
	return ok1 && ok2 && k1.v == k2.v
}

// pure reports whether evaluating e can neither fail nor run user code.
func pure(e expr) bool {
	switch e.(type) {
	case *varRef, *intLit, *strLit, *floatLit, *boolLit, *nullLit:
		return true
	}
	return false
}
