package squirrel

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dop251/goja"
)

// Lazy compilation. goja parses and compiles a whole program before it runs
// any of it, and most of a library's functions are never called by a given
// agent, or called once; compiling them all is most of what loading a
// library costs. So a function that can be compiled apart from the code
// around it is emitted as a small stub that carries its real code in a
// comment (goja's scanner skips comments without building anything). On
// its first call the stub has the runtime compile that code (with a source
// map of its own, so errors and stack traces name the same .nut lines as
// before), keeps the result in the stub's Āi property and calls it; later
// calls go straight to it.
//
// The stub is the function's identity (what Squirrel code stores, compares,
// binds and asks getinfos about): it carries the /*@program:function*/
// marker and its defaults. The real function refers to
// the stub where it means itself ($me: defaults, base, callee, self tail
// calls). Stub frames are named "$z" + name and are left out of Squirrel
// stack traces (see IsStubFrame).
//
// A function is compiled lazily when
//   - it uses no local of an enclosing function (nor do the functions in
//     it): its code may then refer only to its own names and to the
//     program's helpers, sites and floats, which the compiled code receives;
//   - it is cold (see hot.go): a stub adds a call to every call, which
//     only matters in code that runs often;
//   - it does not mention its own name (for a constructor, its class's): a
//     stub doubles the JavaScript frames of each call, and agents' loops
//     bound JavaScript recursion (scriptvm.DefaultMaxCallStack), so a
//     recursive function stays as deep as it was;
//   - it is neither a generator nor has a coroutine twin, and is not itself
//     inside a lazily compiled function (the code of nested functions
//     travels in their enclosing function's comment);
//   - its code is long enough to be worth it.

// helperIndex finds a helper's index in helperNames.
var helperIndex = func() map[string]int {
	m := make(map[string]int, len(helperNames))
	for i, h := range helperNames {
		m[h] = i
	}
	return m
}()

// lazyMin is the length of code below which a function is compiled with
// the program (the stub and its call cost about as much as a short body).
const lazyMin = 400

// stubPrefix starts the JavaScript name of a stub.
const stubPrefix = "$z"

// chunkOpen, chunkNL and chunkEnd frame a lazy function's code in its
// stub's comment: "/*Ā" code "\x04" mappings "*/", with the code's
// newlines written as "\x02" (so the comment adds no lines to the program
// and its source map) and "*/" written as "*Ā/" (Ā never follows * in
// generated code: it only starts property names). Generated code has no
// raw control characters of its own (string literals escape them).
const (
	chunkOpen = "/*Ā"
	chunkNL   = "\x02"
	chunkEnd  = "\x04"
)

// IsStubFrame reports whether a JavaScript stack frame's function name is
// that of a lazily compiled function's stub: such a frame is not a Squirrel
// call of its own (the function's real code is the next frame in).
func IsStubFrame(funcName string) bool { return strings.HasPrefix(funcName, stubPrefix) }

// lazy reports whether f is compiled on its first call.
func (g *codegen) lazy(f *funcDef) bool {
	return !g.eager && !g.inLazy && f.parent != nil && !f.capturesOuter && !f.generator &&
		!f.suspends && (!f.mayRecurse || g.allLazy) && !g.hot[f]
}

// lazyFunction generates f as a stub carrying its compiled-on-demand code,
// or as an ordinary function when its code is short.
func (g *codegen) lazyFunction(f *funcDef) string {
	jsName := jsFuncName(f)
	g.inLazy = true
	real := g.functionMode(f, false, jsName, "$me")
	g.inLazy = false
	if len(real) < lazyMin && !g.allLazy {
		if !strings.Contains(real, "$me") {
			return real
		}
		// regenerate: the short code must name itself, not a stub
		return g.functionMode(f, false, jsName, jsName)
	}
	g.lazyEnv = true
	// the comment: its code (the factory's prologue on a line of its own,
	// then the function, markers removed), chunkEnd, the code's mappings;
	// it goes into the program's text when the program's markers are
	// removed (see finishCodeFrom)
	var c strings.Builder
	c.Grow(len(real) + len(real)/8 + 512)
	c.WriteString(chunkOpen + chunkPrologue(real) + chunkNL + "return ")
	mappings := finishInto(&c, real, g.origin, nil, true, len("return "))
	c.WriteString(";" + chunkNL + "})" + chunkEnd + ";" + mappings + "*/")
	g.splice = append(g.splice, c.String())

	stub := stubPrefix + jsName
	var params, args strings.Builder
	params.WriteString("self")
	args.WriteString("self")
	for _, p := range f.params {
		params.WriteString("," + p.js)
		args.WriteString("," + p.js)
	}
	if f.varargs {
		params.WriteString(",...$va")
		args.WriteString(",...$va")
	} else {
		params.WriteString(",$x")
		args.WriteString(",$x")
	}
	var b strings.Builder
	b.WriteString(marker(f.p))
	b.WriteString("function " + stub + "(" + params.String() + "){/*@" + g.key + ":" + strconv.Itoa(f.id) + "*/")
	b.WriteString("return(" + stub + ".Āi||$lz(" + stub + ",$E))(" + args.String() + ")")
	b.WriteString(string(spliceByte) + strconv.Itoa(len(g.splice)-1) + string(spliceByte) + "}")
	return b.String()
}

// chunkPrologue opens the factory a lazy function's code is compiled in
// (one line, without its newline):
// it receives the runtime's helper object, the program's $E and the stub,
// and declares the names of the program's scope the code uses.
func chunkPrologue(code string) string {
	helpers := make([]bool, len(helperNames))
	var env []string
	root := false
	for i := 0; i < len(code); i++ {
		k := strings.IndexByte(code[i:], '$')
		if k < 0 {
			break
		}
		i += k
		if i > 0 && isIdentByte(code[i-1]) {
			continue
		}
		j := i + 1
		for j < len(code) && isIdentByte(code[j]) && code[j] != '$' {
			j++
		}
		name := code[i+1 : j]
		if h, ok := helperIndex[name]; ok {
			helpers[h] = true
		} else if name == "R" {
			root = true
		} else if len(name) > 1 && (name[0] == 'S' || name[0] == 'F') && allDigits(name[1:]) &&
			!slices.Contains(env, "$"+name) {
			env = append(env, "$"+name)
		}
		i = j - 1
	}
	var b strings.Builder
	b.WriteString("(function($,$E,$me){" + localsJS(helpers))
	if len(env) > 0 {
		sort.Strings(env)
		b.WriteString("const {" + strings.Join(env, ",") + "}=$E.k;")
	}
	if root {
		b.WriteString(rootJS)
	}
	return b.String()
}

// lazyEnvJS declares $E: what lazily compiled code needs from the program
// (its name and sources for the source map, its sites and floats).
func (g *codegen) lazyEnvJS() string {
	name, _ := json.Marshal(g.file)
	sources, _ := json.Marshal(g.sources)
	names := make([]string, 0, len(g.floats)+len(g.sites))
	for _, n := range g.floats {
		names = append(names, n)
	}
	for _, n := range g.sites {
		names = append(names, n)
	}
	sort.Strings(names)
	return "const $E={n:" + string(name) + ",s:" + string(sources) + ",k:{" + strings.Join(names, ",") + "}};\n"
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// compileChunk compiles the code of a lazily compiled function, as its
// stub's comment carries it (text: code, chunkEnd, mappings), in the
// program named name whose source map lists sources, and returns its
// factory. Loop only.
func (r *Runtime) compileChunk(name string, sources []string, text string) (goja.Value, error) {
	end := strings.LastIndex(text, chunkEnd)
	if end < 0 {
		return nil, fmt.Errorf("squirrel: malformed lazy function in %s", name)
	}
	c := r.opts.Chunks
	prg := c.get(text)
	if prg == nil {
		code := strings.ReplaceAll(text[:end], chunkNL, "\n")
		code = strings.ReplaceAll(code, "*Ā/", "*/")
		var err error
		prg, err = goja.Compile(name, code+"\n"+sourceMapComment(sources, text[end+len(chunkEnd):])+"\n", true)
		if err != nil {
			return nil, fmt.Errorf("squirrel: compiling a lazy function of %s: %w", name, err)
		}
		c.put(text, prg)
	}
	return r.vm.RunProgram(prg)
}

// ChunkCache shares the compiled code of lazily compiled functions between
// runtimes that run the same program (a fleet's agents, a host's simulated
// devices), so that each function is compiled once, not once per runtime,
// and its code is held once. It keeps what it holds until it is dropped.
// Safe for concurrent use; the zero value is not usable (NewChunkCache).
type ChunkCache struct {
	mu sync.Mutex
	m  map[string]*goja.Program // by the code as its stub carries it
}

// NewChunkCache returns an empty cache.
func NewChunkCache() *ChunkCache { return &ChunkCache{m: map[string]*goja.Program{}} }

// Len returns how many functions' code the cache holds.
func (c *ChunkCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

func (c *ChunkCache) get(text string) *goja.Program {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[text]
}

func (c *ChunkCache) put(text string, prg *goja.Program) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.m[text] = prg
	c.mu.Unlock()
}
