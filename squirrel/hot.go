package squirrel

import "slices"

// Hot and cold code. The inline fast paths the generator emits make
// operations fast but the code long, and goja's compile time grows with
// the length of the code: a library of which most code runs once would
// load slowly. So the generator emits the long forms only in code that may
// run often (loops, and functions that may be called from loops) and
// compact runtime calls, which have the same semantics, elsewhere. Which
// code is hot is a guess from names; a wrong guess costs speed, never
// correctness.
//
// A function is hot when
//   - it is anonymous (a lambda or function expression: callbacks such as
//     sort's comparator, or handlers stored in tables, are called from
//     anywhere), a generator, or a metamethod (called by operators);
//   - or a name it is known by (its own; for a constructor, its class's) is
//     mentioned in hot code: in a loop of any function, or anywhere in a
//     hot function.
//
// The main chunk is never hot; its loops are.

// metamethodNames are called by operators, iteration and conversions.
var metamethodNames = map[string]bool{
	"_get": true, "_set": true, "_newslot": true, "_delslot": true, "_add": true, "_sub": true,
	"_mul": true, "_div": true, "_modulo": true, "_unm": true, "_typeof": true, "_cmp": true,
	"_call": true, "_cloned": true, "_nexti": true, "_tostring": true, "_inherited": true,
	"_newmember": true,
}

// hotScan collects, per function, the names its code mentions.
type hotScan struct {
	cur      *funcDef
	inLoop   bool
	loopRefs map[*funcDef]map[string]bool // names mentioned inside loops
	allRefs  map[*funcDef]map[string]bool // names mentioned anywhere
	aliases  map[*funcDef][]string
	hot      map[*funcDef]bool
}

// hotFunctions returns the set of hot functions of a program.
func hotFunctions(main *funcDef, funcs []*funcDef) map[*funcDef]bool {
	h := &hotScan{
		loopRefs: map[*funcDef]map[string]bool{},
		allRefs:  map[*funcDef]map[string]bool{},
		aliases:  map[*funcDef][]string{},
		hot:      map[*funcDef]bool{},
	}
	h.function(main)
	names := map[string]bool{}
	for _, f := range funcs {
		if f == main {
			continue
		}
		if f.name == "" || f.generator || metamethodNames[f.name] {
			h.hot[f] = true
		} else {
			h.aliases[f] = append(h.aliases[f], f.name)
		}
	}
	for _, f := range funcs {
		for n := range h.loopRefs[f] {
			names[n] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, f := range funcs {
			if h.hot[f] {
				for n := range h.allRefs[f] {
					if !names[n] {
						names[n], changed = true, true
					}
				}
				continue
			}
			if f == main {
				continue
			}
			for _, a := range h.aliases[f] {
				if names[a] {
					h.hot[f], changed = true, true
					break
				}
			}
		}
	}
	return h.hot
}

// mention records that the current function's code mentions name;
// viaBase is set for base.name, which reaches the base class's member.
func (h *hotScan) mention(name string, viaBase bool) {
	// a function that may call itself (its own name, or its class's for a
	// constructor, mentioned in it or in a function inside it) is not
	// compiled lazily: its stub would double the JavaScript frames of a
	// deep recursion (see lazy.go)
	for f := h.cur; f != nil && !viaBase; f = f.parent {
		if f.name == name || slices.Contains(h.aliases[f], name) {
			f.mayRecurse = true
		}
	}
	add := func(m map[*funcDef]map[string]bool) {
		s := m[h.cur]
		if s == nil {
			s = map[string]bool{}
			m[h.cur] = s
		}
		s[name] = true
	}
	add(h.allRefs)
	if h.inLoop {
		add(h.loopRefs)
	}
}

func (h *hotScan) function(f *funcDef) {
	savedF, savedL := h.cur, h.inLoop
	h.cur, h.inLoop = f, false
	for _, d := range f.defaults {
		h.expr(d)
	}
	for _, s := range f.body {
		h.stmt(s)
	}
	h.cur, h.inLoop = savedF, savedL
}

// loop scans the parts of a loop (expr and stmt have the same method set,
// so they come separately).
func (h *hotScan) loop(exprs []expr, body stmt) {
	saved := h.inLoop
	h.inLoop = true
	h.exprs(exprs)
	h.stmt(body)
	h.inLoop = saved
}

func (h *hotScan) stmts(list []stmt) {
	for _, s := range list {
		h.stmt(s)
	}
}

func (h *hotScan) stmt(s stmt) {
	switch x := s.(type) {
	case nil:
	case *exprStmt:
		h.expr(x.x)
	case *localDecl:
		for i, e := range x.inits {
			if c, ok := e.(*classLit); ok && i < len(x.vars) {
				h.class(c, x.vars[i].name)
			} else {
				h.expr(e)
			}
		}
	case *blockStmt:
		h.stmts(x.stmts)
	case *ifStmt:
		h.expr(x.cond)
		h.stmt(x.then)
		h.stmt(x.els)
	case *whileStmt:
		h.loop([]expr{x.cond}, x.body)
	case *doWhileStmt:
		h.loop([]expr{x.cond}, x.body)
	case *forStmt:
		h.stmt(x.init)
		h.loop([]expr{x.cond, x.update}, x.body)
	case *foreachStmt:
		h.expr(x.container)
		h.loop(nil, x.body)
	case *switchStmt:
		h.expr(x.x)
		for _, c := range x.cases {
			h.expr(c.cond)
			h.stmts(c.body)
		}
		h.stmts(x.deflt)
	case *returnStmt:
		h.expr(x.x)
	case *yieldStmt:
		h.expr(x.x)
	case *throwStmt:
		h.expr(x.x)
	case *tryStmt:
		h.stmt(x.body)
		h.stmt(x.catch)
	}
}

func (h *hotScan) exprs(list []expr) {
	for _, e := range list {
		h.expr(e)
	}
}

func (h *hotScan) expr(e expr) {
	switch x := e.(type) {
	case nil:
	case *varRef:
		h.mention(x.v.name, false)
	case *index:
		h.expr(x.obj)
		if s, ok := x.key.(*strLit); ok {
			_, viaBase := x.obj.(*baseRef)
			h.mention(s.v, viaBase)
		} else {
			h.expr(x.key)
		}
	case *callExpr:
		h.expr(x.fn)
		h.exprs(x.args)
	case *unary:
		h.expr(x.x)
	case *binary:
		h.expr(x.x)
		h.expr(x.y)
	case *logical:
		h.expr(x.x)
		h.expr(x.y)
	case *condExpr:
		h.expr(x.c)
		h.expr(x.a)
		h.expr(x.b)
	case *assign:
		h.expr(x.target)
		if c, ok := x.value.(*classLit); ok {
			name := ""
			switch t := x.target.(type) {
			case *index:
				name, _ = staticKey(t)
			case *varRef:
				name = t.v.name
			}
			h.class(c, name)
		} else {
			h.expr(x.value)
		}
	case *incDec:
		h.expr(x.target)
	case *deleteExpr:
		h.expr(x.target)
	case *tableLit:
		h.exprs(x.keys)
		h.exprs(x.vals)
	case *arrayLit:
		h.exprs(x.elems)
	case *funcLit:
		h.function(x.f)
	case *classLit:
		h.class(x, "")
	case *commaExpr:
		h.exprs(x.list)
	}
}

// class scans a class literal bound to name (or ""): its constructor is
// also known by that name.
func (h *hotScan) class(c *classLit, name string) {
	h.expr(c.base)
	h.expr(c.attrs)
	for _, m := range c.members {
		h.expr(m.key)
		h.expr(m.attrs)
		if f, ok := m.val.(*funcLit); ok && name != "" {
			if k, ok := m.key.(*strLit); ok && k.v == "constructor" {
				h.aliases[f.f] = append(h.aliases[f.f], name)
			}
		}
		h.expr(m.val)
	}
}
