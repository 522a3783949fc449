package squirrel

// The syntax tree the parser builds and the code generator walks. Names are
// resolved while parsing (as 3.0.4's single-pass compiler does), so every
// identifier is already a local, an outer variable, a constant or a slot of
// `this`.

// pos is a 1-based line and column in the Squirrel source.
type pos struct{ line, col int }

type expr interface{ at() pos }
type stmt interface{ at() pos }

// variable is a Squirrel local (including the implicit `this` and `vargv`
// parameters). Closures capture variables, not values, so a variable maps to
// exactly one JavaScript binding.
type variable struct {
	name     string
	js       string   // unique JavaScript identifier
	fn       *funcDef // the function that declares it
	isThis   bool
	external bool   // receives values from outside (parameter, foreach, catch)
	captured bool   // read or written by a nested function
	indexed  bool   // used as obj[key]: worth an array cache
	acache   string // JS name of the cached obj.Āa (set by the code generator)
	// every value the local holds lies in rng (see ranges.go)
	ranged bool
	rng    irange
	step   expr // the update of the counted loop this local counts, if any
	// assigned by something other than its declaration
	reassigned bool
	// inferred kind for the code generator (kindUnknown unless proven)
	kind valueKind
	// every value stored into the variable, for inference
	stores []expr
}

type valueKind int

const (
	kindUnknown valueKind = iota
	kindInt
	kindBool
	kindString
	kindFunc  // a closure created from a function literal
	kindTable // a table made by a table literal
	kindArray // an array made by an array literal
	// kindScalar is the result of an arithmetic operator: unknown, but
	// never a weak reference (only the code generator uses it)
	kindScalar
)

type (
	intLit struct {
		p pos
		v int32
	}
	floatLit struct {
		p pos
		v float32
	}
	strLit struct {
		p pos
		v string // bytes
	}
	boolLit struct {
		p pos
		v bool
	}
	nullLit struct{ p pos }

	// varRef reads or writes a local of the current or an enclosing function.
	varRef struct {
		p     pos
		v     *variable
		outer bool
	}
	// index is obj[key] or obj.key; when obj is `this` (written or implicit)
	// a failed lookup falls back to the root table, as in 3.0.4.
	index struct {
		p     pos
		obj   expr
		key   expr
		bare  bool // an identifier resolved to a slot of `this`
		isDot bool
	}
	rootRef  struct{ p pos } // the table `::` refers to
	baseRef  struct{ p pos } // `base`
	callExpr struct {
		p    pos
		fn   expr
		args []expr
		// method call: `this` is the object fn was read from (fn is *index)
		method bool
		plain  bool // generated: no inlined built-in fast path
	}
	unary struct {
		p  pos
		op int // '-', '!', '~', tkTypeof, tkClone, tkResume
		x  expr
	}
	binary struct {
		p    pos
		op   int
		x, y expr
	}
	logical struct {
		p    pos
		op   int // tkAnd, tkOr
		x, y expr
	}
	condExpr struct {
		p       pos
		c, a, b expr
	}
	assign struct {
		p      pos
		op     int // '=', tkNewslot, tkPlusEq, tkMinusEq, tkMulEq, tkDivEq, tkModEq
		target expr
		value  expr
	}
	incDec struct {
		p      pos
		prefix bool
		delta  int32
		target expr
	}
	deleteExpr struct {
		p      pos
		target expr // *index
	}
	tableLit struct {
		p     pos
		keys  []expr
		vals  []expr
		nkeys int
	}
	arrayLit struct {
		p     pos
		elems []expr
	}
	funcLit struct {
		p pos
		f *funcDef
	}
	classLit struct {
		p       pos
		base    expr // nil without `extends`
		attrs   expr // nil or *tableLit
		members []classMember
	}
	commaExpr struct {
		p    pos
		list []expr
	}
)

type classMember struct {
	p      pos
	key    expr
	val    expr
	attrs  expr // nil or *tableLit
	static bool
}

func (e *intLit) at() pos     { return e.p }
func (e *floatLit) at() pos   { return e.p }
func (e *strLit) at() pos     { return e.p }
func (e *boolLit) at() pos    { return e.p }
func (e *nullLit) at() pos    { return e.p }
func (e *varRef) at() pos     { return e.p }
func (e *index) at() pos      { return e.p }
func (e *rootRef) at() pos    { return e.p }
func (e *baseRef) at() pos    { return e.p }
func (e *callExpr) at() pos   { return e.p }
func (e *unary) at() pos      { return e.p }
func (e *binary) at() pos     { return e.p }
func (e *logical) at() pos    { return e.p }
func (e *condExpr) at() pos   { return e.p }
func (e *assign) at() pos     { return e.p }
func (e *incDec) at() pos     { return e.p }
func (e *deleteExpr) at() pos { return e.p }
func (e *tableLit) at() pos   { return e.p }
func (e *arrayLit) at() pos   { return e.p }
func (e *funcLit) at() pos    { return e.p }
func (e *classLit) at() pos   { return e.p }
func (e *commaExpr) at() pos  { return e.p }

type (
	exprStmt struct {
		p pos
		x expr
	}
	localDecl struct {
		p     pos
		vars  []*variable
		inits []expr // nil entry: initialised to null
	}
	blockStmt struct {
		p     pos
		stmts []stmt
	}
	ifStmt struct {
		p    pos
		cond expr
		then stmt
		els  stmt // nil without else
	}
	whileStmt struct {
		p    pos
		cond expr
		body stmt
	}
	doWhileStmt struct {
		p    pos
		body stmt
		cond expr
	}
	forStmt struct {
		p      pos
		init   stmt // *localDecl, *exprStmt or nil
		cond   expr // nil: forever
		update expr // nil: nothing
		body   stmt
	}
	foreachStmt struct {
		p         pos
		key, val  *variable
		container expr
		body      stmt
	}
	switchStmt struct {
		p     pos
		x     expr
		cases []switchCase
		deflt []stmt // nil without default
		hasDf bool
	}
	returnStmt struct {
		p pos
		x expr // nil: return null
	}
	yieldStmt struct {
		p pos
		x expr // nil: yield null
	}
	breakStmt    struct{ p pos }
	continueStmt struct{ p pos }
	throwStmt    struct {
		p pos
		x expr
	}
	tryStmt struct {
		p     pos
		body  stmt
		exVar *variable
		catch stmt
	}
	emptyStmt struct{ p pos }
)

type switchCase struct {
	p    pos
	cond expr
	body []stmt
}

func (s *exprStmt) at() pos     { return s.p }
func (s *localDecl) at() pos    { return s.p }
func (s *blockStmt) at() pos    { return s.p }
func (s *ifStmt) at() pos       { return s.p }
func (s *whileStmt) at() pos    { return s.p }
func (s *doWhileStmt) at() pos  { return s.p }
func (s *forStmt) at() pos      { return s.p }
func (s *foreachStmt) at() pos  { return s.p }
func (s *switchStmt) at() pos   { return s.p }
func (s *returnStmt) at() pos   { return s.p }
func (s *yieldStmt) at() pos    { return s.p }
func (s *breakStmt) at() pos    { return s.p }
func (s *continueStmt) at() pos { return s.p }
func (s *throwStmt) at() pos    { return s.p }
func (s *tryStmt) at() pos      { return s.p }
func (s *emptyStmt) at() pos    { return s.p }

// funcDef is one Squirrel function (the main chunk included).
type funcDef struct {
	p         pos
	name      string // "main" for the chunk, "" for anonymous functions
	parent    *funcDef
	this      *variable
	params    []*variable // declared parameters, without `this`
	defaults  []expr      // default values of the last len(defaults) params
	varargs   bool
	vargv     *variable
	body      []stmt
	lambda    bool // @(...) expr: body is a single return
	generator bool // contains yield
	usesBase  bool
	suspends  bool // calls suspend() directly: gets a coroutine twin for threads
	usesThis  bool // reads slots of `this` (bare names), so needs the lookup object
	// it or a function nested in it uses a local of an enclosing function
	// (so its code cannot be compiled apart from theirs; see lazy.go)
	capturesOuter bool
	// its name (for a constructor, also its class's) is mentioned in it:
	// it may call itself (see hot.go)
	mayRecurse bool
	endLine    int
	id         int // index in the program's function table
}
