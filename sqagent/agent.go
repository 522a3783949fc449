// Package sqagent runs Squirrel (.nut) agents on an agenthost session: it
// installs the Squirrel runtime (package squirrel) in the session loop's
// goja runtime, bridges every global the API modules defined into the
// Squirrel root table, provides the imp's blob class, makes the loop report
// errors the imp's way, and assembles agent sources from their files
// (Builder's @include, the imp's #require of libraries).
//
// Squirrel agents run on the same loop, modules, limits, virtual clock,
// watchdog and guards as JavaScript agents; nothing here is specific to one
// module: the bridge is driven by what the modules install.
package sqagent

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/agenthost/agenthost/squirrel"
	"github.com/dop251/goja"
)

// Agent is the Squirrel runtime of one script: the agent's, or a
// simulated device's. Loop goroutine only.
type Agent struct {
	vm     *goja.Runtime
	blobs  *agentapi.Blobs
	rt     *squirrel.Runtime
	errors func(error) *scriptvm.ScriptError
}

// Target is a goja runtime to run Squirrel in and the API it has.
type Target struct {
	Runtime *goja.Runtime
	// Globals names the runtime's globals that become root-table slots
	// ("blob" becomes the imp's blob class, over Blobs).
	Globals []string
	Blobs   *agentapi.Blobs
	Now     func() time.Time
	// Printer reports whether a global's function prints its arguments
	// (agentapi.Env.Prints).
	Printer func(fn *goja.Object) bool
	// SetDialect makes the runtime's loop (or companion) report errors
	// the imp's way; ScriptError converts an error from running code.
	SetDialect  func(*scriptvm.Dialect)
	ScriptError func(error) *scriptvm.ScriptError
	// Chunks, when set, is shared by the runtimes that run one compiled
	// program (a fleet's agents, a host's devices): each of its lazily
	// compiled functions is compiled once for all of them.
	Chunks *squirrel.ChunkCache
}

// Install installs the Squirrel runtime in the loop's runtime, after the
// modules have been installed in env: every global they defined becomes a
// slot of the root table (blob as the imp's blob class), and the loop
// reports errors the imp's way, naming .nut files and lines. Call it
// before Run, from the goroutine that will run the loop.
func Install(env *agentapi.Env, loop *scriptvm.Loop) (*Agent, error) {
	return InstallShared(env, loop, nil)
}

// InstallShared is Install for one of many runtimes that run the same
// compiled program: chunks (see Target) is shared by all of them.
func InstallShared(env *agentapi.Env, loop *scriptvm.Loop, chunks *squirrel.ChunkCache) (*Agent, error) {
	return InstallOn(Target{Runtime: loop.Runtime(), Globals: env.Globals(), Blobs: env.Blobs, Now: env.Now,
		Printer: env.IsPrinter, SetDialect: loop.SetDialect, ScriptError: loop.ScriptError, Chunks: chunks})
}

// InstallOn installs the Squirrel runtime in t.Runtime (Install for the
// agent; a simulated device's runtime too). Call it before any script
// runs there, on the goroutine that owns the runtime.
func InstallOn(t Target) (*Agent, error) {
	rt, err := squirrel.NewRuntime(t.Runtime, squirrel.Options{Now: t.Now, TextArgs: t.Printer, Chunks: t.Chunks})
	if err != nil {
		return nil, err
	}
	a := &Agent{vm: t.Runtime, blobs: t.Blobs, rt: rt, errors: t.ScriptError}
	t.Blobs.ExactFloats = true // data the modules build keeps 21.0 a float
	for _, name := range t.Globals {
		if name == "blob" {
			if err := a.defineBlob(); err != nil {
				return nil, fmt.Errorf("sqagent: blob: %w", err)
			}
			continue
		}
		if err := rt.SetRoot(name, t.Runtime.GlobalObject().Get(name)); err != nil {
			return nil, fmt.Errorf("sqagent: global %s: %w", name, err)
		}
	}
	t.SetDialect(&scriptvm.Dialect{
		Text: func(v goja.Value) (string, bool) {
			if obj, ok := v.(*goja.Object); ok && obj.ClassName() == "Error" {
				return "", false // a JavaScript error (from a host function): "TypeError: ..."
			}
			s, err := rt.Text(v)
			return s, err == nil
		},
		Frame: func(f scriptvm.Frame) (scriptvm.Frame, bool) {
			// the top level of the script that runs a program's main
			// chunk has no name: it is not Squirrel's
			if f.Func == "" || f.Func == "<anonymous>" {
				return f, false
			}
			// a lazily compiled function's stub: its real code is the
			// next frame in
			if squirrel.IsStubFrame(f.Func) {
				return f, false
			}
			f.Func = squirrel.FuncName(f.Func)
			return f, !runtimeFiles[f.File] && !strings.HasPrefix(f.File, "<")
		},
		Imp: true,
	})
	return a, nil
}

// runtimeFiles are the files of JavaScript code that runs Squirrel (the
// Squirrel runtime, the test runner): their frames are not the script's.
var runtimeFiles = map[string]bool{"squirrel-runtime.js": true, "squirrel-natives.js": true,
	"impunit.js": true, "impunit-runner.js": true}

// IsSquirrelFile reports whether a stack frame's file is Squirrel source
// rather than JavaScript (the Squirrel runtime's own, the test runner's).
func IsSquirrelFile(file string) bool {
	return file != "" && !strings.HasSuffix(file, ".js") && !strings.HasPrefix(file, "<")
}

// Runtime returns the Squirrel runtime.
func (a *Agent) Runtime() *squirrel.Runtime { return a.rt }

// Script returns the program as the loop's top level: run by the loop, it
// runs the program's main chunk with the root table as `this`.
func (a *Agent) Script(p *squirrel.Program) (*goja.Program, error) { return p.Script() }

// Run runs a program's main chunk now (a test file, after its agent). A
// Squirrel exception comes back as a *scriptvm.ScriptError in the imp's
// shape. Loop only.
func (a *Agent) Run(p *squirrel.Program) error {
	prg, err := p.Script()
	if err != nil {
		return err
	}
	if _, err := a.vm.RunProgram(prg); err != nil {
		return a.errors(err)
	}
	return nil
}

// CompileError converts an error from compiling (or assembling) Squirrel
// source into the *scriptvm.ScriptError the host logs, with the source
// line and a caret under the column. Other errors pass through.
func CompileError(err error, lines func(file string) []string) error {
	var ce *squirrel.CompileError
	if !errors.As(err, &ce) {
		return err
	}
	se := &scriptvm.ScriptError{Kind: "SyntaxError", Message: ce.Msg, File: ce.File, Line: ce.Line, Col: ce.Col}
	if lines != nil {
		if src := lines(ce.File); ce.Line >= 1 && ce.Line <= len(src) {
			se.Source = strings.TrimRight(src[ce.Line-1], "\r")
		}
	}
	return se
}
