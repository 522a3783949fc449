// Package squirrel compiles Squirrel 3.0.4 (the dialect Electric Imp agents
// are written in, with 32-bit integers and floats) to JavaScript and runs it
// on goja with a runtime that reproduces 3.0.4's semantics: integer
// wrap-around, 32-bit floats, strict slots, table iteration order, dynamic
// `this`, metamethods, generators and 3.0.4's error messages.
//
// Compile turns source into a *Program (JavaScript plus a source map, so
// errors and stack traces name .nut lines). NewRuntime installs the runtime
// into a goja.Runtime; Runtime.Run executes a Program there. Everything that
// touches a goja.Runtime must run on the goroutine that owns it.
package squirrel

import (
	"fmt"
	"hash/fnv"
	"path"

	"github.com/dop251/goja"
)

// Program is compiled Squirrel: a JavaScript function expression that the
// runtime calls to obtain the main closure. It is immutable and may be run
// on any number of runtimes.
type Program struct {
	Name string // the source name used in errors and stack traces
	JS   string // the generated JavaScript, ending with its source map comment

	// the same code as a script that runs the main chunk (see Script)
	script string
}

// Compile compiles Squirrel source. name is the file name errors and stack
// traces show (for example "agent.nut"). A syntax error is returned as a
// *CompileError carrying 3.0.4's message and position.
func Compile(name string, src []byte) (*Program, error) {
	return compileUnit(name, src, nil)
}

// compileUnit compiles with constants already declared (compilestring sees
// those of its runtime).
func compileUnit(name string, src []byte, consts map[string]constant) (*Program, error) {
	p, main, err := parse(name, src, consts)
	if err != nil {
		return nil, err
	}
	inferKinds(p.vars)
	inferRanges(p.vars, p.loops)
	h := fnv.New64a()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write(src)
	g := &codegen{
		file:   name,
		key:    fmt.Sprintf("%x", h.Sum64()),
		floats: map[uint32]string{},
		sites:  map[string]string{},
		vars:   map[string]*variable{},
	}
	for _, v := range p.vars {
		g.vars[v.js] = v
	}
	code := g.generate(main, p.funcs, p.constDecls())
	js, mappings := finishCode(code)
	base := path.Base(name)
	return &Program{
		Name: name,
		JS:   js + sourceMapComment(base, mappings) + "\n",
		// one line before the code: its mappings start with an empty line
		script: "Āsquirrel.run(\n" + js + ")\n" + sourceMapComment(base, ";"+mappings) + "\n",
	}, nil
}

// Script returns the program as a goja script that, run in a goja runtime
// where NewRuntime has installed the Squirrel runtime, executes the main
// chunk with the root table as `this` (for hosts that run a *goja.Program
// as their top level). A Squirrel exception leaves it as a goja exception
// carrying the thrown value; Runtime.WrapError reads it.
func (p *Program) Script() (*goja.Program, error) {
	return goja.Compile(p.Name, p.script, true)
}
