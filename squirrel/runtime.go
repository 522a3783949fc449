package squirrel

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
)

//go:embed runtime/*.js
var runtimeFS embed.FS

// the runtime's parts, in the order they are concatenated
var runtimeParts = []string{"core.js", "table.js", "object.js", "class.js", "func.js",
	"delegates.js", "regexp.js", "stdlib.js", "bridge.js"}

// runtimeProgram is the compiled runtime, shared (read-only) by all runtimes.
var runtimeProgram = sync.OnceValues(func() (*goja.Program, error) {
	var b strings.Builder
	b.WriteString("(function(host){\n")
	for _, p := range runtimeParts {
		data, err := runtimeFS.ReadFile("runtime/" + p)
		if err != nil {
			return nil, err
		}
		b.Write(data)
		b.WriteString("\n")
	}
	b.WriteString("return $;\n})")
	return goja.Compile("squirrel-runtime.js", b.String(), true)
})

// natProgram is the native-wrapper factories of every parameter shape the
// runtime uses, compiled once per process: it is built by installing the
// runtime once in a scratch goja runtime and collecting the shapes it
// compiled. Read-only once built.
var natProgram = sync.OnceValues(func() (*goja.Program, error) {
	vm := goja.New()
	r, err := newRuntime(vm, Options{}, nil)
	if err != nil {
		return nil, err
	}
	srcs, err := r.helper("natSources")(goja.Undefined())
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("({\n")
	for _, item := range srcs.Export().([]any) {
		pair := item.([]any)
		key, _ := json.Marshal(pair[0])
		fmt.Fprintf(&b, "%s: function(fn, pc, tc, checkArgs) {%s},\n", key, pair[1])
	}
	b.WriteString("})")
	return goja.Compile("squirrel-natives.js", b.String(), true)
})

// Options configures a Runtime.
type Options struct {
	// Print, when set, installs print(x) and error(x) in the root table,
	// writing tostring(x) with no newline added (test harnesses use it; imp
	// agents have no print).
	Print func(s string)
	// PrintError receives what error(x) writes (desktop sq sends it to
	// stderr); nil discards it.
	PrintError func(s string)
	// Now is the clock behind time(), date() and clock(); nil means
	// time.Now.
	Now func() time.Time
	// TextArgs, when set, reports whether a host function prints its
	// arguments (server.log): Squirrel code then passes it each argument
	// as text, rendered as Squirrel's tostring() renders it (floats as
	// %g, tables as "(table : 0x...)"), except instances of host classes,
	// which pass as their host objects. It is asked once per function,
	// when the function first crosses into Squirrel.
	TextArgs func(fn *goja.Object) bool
	// Chunks, when set, shares the compiled code of lazily compiled
	// functions with the other runtimes given the same cache (see
	// ChunkCache); nil compiles it for this runtime alone.
	Chunks *ChunkCache
}

// Runtime is the Squirrel runtime installed in one goja.Runtime. Its methods
// must be called on the goroutine that owns that goja.Runtime.
type Runtime struct {
	vm    *goja.Runtime
	sq    *goja.Object // the runtime's helper object
	opts  Options
	start time.Time
}

// NewRuntime installs the Squirrel runtime into vm, with a fresh root table
// holding 3.0.4's global functions. It starts no goroutines.
func NewRuntime(vm *goja.Runtime, opts Options) (*Runtime, error) {
	np, err := natProgram()
	if err != nil {
		return nil, fmt.Errorf("squirrel: compiling the runtime's natives: %w", err)
	}
	factories, err := vm.RunProgram(np)
	if err != nil {
		return nil, fmt.Errorf("squirrel: loading the runtime's natives: %w", err)
	}
	return newRuntime(vm, opts, factories)
}

// newRuntime installs the runtime; factories, when not nil, are the
// precompiled native wrapper factories.
func newRuntime(vm *goja.Runtime, opts Options, factories goja.Value) (*Runtime, error) {
	prg, err := runtimeProgram()
	if err != nil {
		return nil, fmt.Errorf("squirrel: compiling the runtime: %w", err)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Runtime{vm: vm, opts: opts, start: opts.Now()}
	fv, err := vm.RunProgram(prg)
	if err != nil {
		return nil, fmt.Errorf("squirrel: loading the runtime: %w", err)
	}
	factory, ok := goja.AssertFunction(fv)
	if !ok {
		return nil, errors.New("squirrel: the runtime is not a function")
	}
	host := r.hostObject()
	if factories != nil {
		_ = host.Set("natFactories", factories)
	}
	sq, err := factory(goja.Undefined(), host)
	if err != nil {
		return nil, fmt.Errorf("squirrel: starting the runtime: %w", err)
	}
	r.sq = sq.ToObject(vm)
	// Program.Script finds the runtime here (a name no script can spell
	// by accident; Squirrel code never sees JS globals)
	if err := vm.GlobalObject().DefineDataProperty("Āsquirrel", r.sq, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
		return nil, fmt.Errorf("squirrel: installing the runtime: %w", err)
	}
	install, _ := goja.AssertFunction(r.sq.Get("installRoot"))
	opt := vm.NewObject()
	_ = opt.Set("print", opts.Print != nil)
	if _, err := install(goja.Undefined(), opt); err != nil {
		return nil, fmt.Errorf("squirrel: installing the root table: %w", err)
	}
	return r, nil
}

// VM returns the goja runtime this Runtime lives in.
func (r *Runtime) VM() *goja.Runtime { return r.vm }

// Load evaluates a compiled program and returns its main closure (a
// Squirrel function; call it with Call or hand it to the host's loop).
func (r *Runtime) Load(p *Program) (goja.Value, error) {
	prg, err := goja.Compile(p.Name, p.JS, true)
	if err != nil {
		return nil, fmt.Errorf("squirrel: %s: generated code does not compile: %w", p.Name, err)
	}
	return r.load(prg)
}

func (r *Runtime) load(prg *goja.Program) (goja.Value, error) {
	fv, err := r.vm.RunProgram(prg)
	if err != nil {
		return nil, err
	}
	factory, ok := goja.AssertFunction(fv)
	if !ok {
		return nil, errors.New("squirrel: program is not a function")
	}
	return factory(goja.Undefined(), r.sq)
}

// Compile compiles source for this runtime: like the package-level Compile,
// but constants and enums declared by programs already loaded here are
// visible, as in 3.0.4, where the const table belongs to the VM.
func (r *Runtime) Compile(name string, src []byte) (*Program, error) {
	list, err := r.helper("constList")(goja.Undefined())
	if err != nil {
		return nil, r.wrapError(err)
	}
	return compileUnit(name, src, exportConsts(list))
}

// CompileSource is Compile for a unit assembled from several files (see
// the package-level CompileSource).
func (r *Runtime) CompileSource(src Source) (*Program, error) {
	list, err := r.helper("constList")(goja.Undefined())
	if err != nil {
		return nil, r.wrapError(err)
	}
	return compileSource(src, exportConsts(list))
}

// Run executes a program's main chunk with the root table as `this`. It
// returns the chunk's return value (converted to plain JavaScript), or an
// error: *Error for a Squirrel exception that was not caught.
func (r *Runtime) Run(p *Program) (goja.Value, error) {
	main, err := r.Load(p)
	if err != nil {
		return nil, err
	}
	return r.Call(main, nil)
}

// Call calls a Squirrel function with `this` set to the root table and the
// given arguments (JavaScript values, converted as the bridge converts
// them). Exceptions come back as *Error.
func (r *Runtime) Call(fn goja.Value, args ...goja.Value) (goja.Value, error) {
	call, _ := goja.AssertFunction(r.sq.Get("hostCall"))
	arr := r.vm.NewArray()
	for i, a := range args {
		_ = arr.Set(fmt.Sprint(i), a)
	}
	v, err := call(goja.Undefined(), fn, arr)
	if err != nil {
		return nil, r.wrapError(err)
	}
	return v, nil
}
