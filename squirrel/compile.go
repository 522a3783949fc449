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

// Source is one compilation unit assembled from several files, as
// Builder's @include and the imp's #require assemble them: the text, and
// where each of its lines came from.
type Source struct {
	// Name names the unit (the main file, e.g. "agent.nut"); source maps
	// resolve the files of Origins relative to its directory.
	Name string
	Text []byte
	// Origins holds, for each line of Text (index 0 for line 1), the
	// file and line it came from; lines past its end, or all of them when
	// it is nil, are Name's own.
	Origins []Origin
}

// Origin is where a line of a Source came from.
type Origin struct {
	File string // as errors and stack traces name it
	Line int
}

// origin maps a line of the unit to its file and line.
func (s *Source) origin(line int) (string, int) {
	if line >= 1 && line <= len(s.Origins) {
		o := s.Origins[line-1]
		return o.File, o.Line
	}
	return s.Name, line
}

// CompileSource compiles a unit assembled from several files: errors and
// stack traces name the file and line each part came from.
func CompileSource(src Source) (*Program, error) {
	return compileSource(src, nil)
}

// compileUnit compiles with constants already declared (compilestring sees
// those of its runtime).
func compileUnit(name string, src []byte, consts map[string]constant) (*Program, error) {
	return compileSource(Source{Name: name, Text: src}, consts)
}

func compileSource(s Source, consts map[string]constant) (*Program, error) {
	return compileMode(s, consts, genMode{})
}

// genMode chooses code forms for tests: the golden corpus runs both as
// compiled and in the stress mode, so the compact forms of cold code, the
// fast paths of hot code and lazily compiled code (see lazy.go) are all
// checked against 3.0.4.
type genMode struct {
	allHot  bool // all code gets the inline fast paths
	allLazy bool // every function that can be is compiled lazily, however short
	eager   bool // no function is compiled lazily
}

// compileMode compiles with the code forms of mode.
func compileMode(s Source, consts map[string]constant, mode genMode) (*Program, error) {
	name, src := s.Name, s.Text
	p, main, err := parse(name, src, consts)
	if err != nil {
		if ce, ok := err.(*CompileError); ok && s.Origins != nil {
			ce.File, ce.Line = s.origin(ce.Line)
		}
		return nil, err
	}
	inferKinds(p.vars)
	inferRanges(p.vars, p.loops)
	h := fnv.New64a()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write(src)
	// the source map's sources: the unit's own file, then the others in
	// the order of their first line (lazily compiled code gets the list
	// before it is used)
	sources := []string{path.Base(name)}
	var origin func(int) (int, int)
	if s.Origins != nil {
		index := map[string]int{s.Name: 0}
		for _, o := range s.Origins {
			if _, ok := index[o.File]; !ok {
				index[o.File] = len(sources)
				sources = append(sources, o.File)
			}
		}
		origin = func(line int) (int, int) {
			f, l := s.origin(line)
			return index[f], l
		}
	}
	g := &codegen{
		file:    name,
		key:     fmt.Sprintf("%x", h.Sum64()),
		floats:  map[uint32]string{},
		sites:   map[string]string{},
		vars:    map[string]*variable{},
		hot:     hotFunctions(main, p.funcs),
		allHot:  mode.allHot,
		allLazy: mode.allLazy,
		eager:   mode.eager,
		sources: sources,
		origin:  origin,
	}
	for _, v := range p.vars {
		g.vars[v.js] = v
	}
	code := g.generate(main, p.funcs, p.constDecls())
	js, mappings := finishCodeFrom(code, origin, g.splice)
	return &Program{
		Name: name,
		JS:   js + sourceMapComment(sources, mappings) + "\n",
		// one line before the code: its mappings start with an empty line
		script: "Āsquirrel.run(\n" + js + ")\n" + sourceMapComment(sources, ";"+mappings) + "\n",
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
