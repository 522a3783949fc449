package scripttest

import (
	_ "embed"
	"errors"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/agenthost/agenthost/sqagent"
	"github.com/agenthost/agenthost/squirrel"
	"github.com/dop251/goja"
)

// Squirrel test files (*.test.nut) run through the same runner as
// JavaScript ones (impunit.js's __impunitRun): impunit.nut gives them
// ImpTestCase, whose test doubles are the runner's own objects seen through
// the Squirrel bridge, and each case class becomes a case descriptor here.

//go:embed impunit.nut
var preludeNut []byte

// preludeNutName is the prelude's file name in stack traces; its frames
// never name a failure's location.
const preludeNutName = "impunit.nut"

// sqFailure is the last assertion failure a Squirrel test recorded before
// throwing its message.
type sqFailure struct {
	message, expected, actual, location string
	hasValues                           bool
}

// squirrel returns the file's Squirrel runtime, installing it on first
// use. Loop goroutine (or before Run).
func (r *fileRun) squirrel() (*sqagent.Agent, error) {
	if r.sq == nil {
		a, err := sqagent.Install(r.sess.Env, r.sess.Loop)
		if err != nil {
			return nil, err
		}
		r.sq = a
	}
	return r.sq, nil
}

// loadNut compiles a Squirrel file (with its @includes and #requires) and
// runs its top level.
func (r *fileRun) loadNut(path string) error {
	a, err := r.squirrel()
	if err != nil {
		return err
	}
	p, err := a.Compile(path, sqagent.LoadOptions{LibDir: r.lib})
	if err != nil {
		return err
	}
	return a.Run(p)
}

// squirrelCases loads a Squirrel test file after the prelude and returns
// the descriptors of its case classes, in the order they were declared.
func (r *fileRun) squirrelCases(file string) (goja.Value, error) {
	a, err := r.squirrel()
	if err != nil {
		return nil, err
	}
	rt := a.Runtime()
	var classes []goja.Value
	o := r.rt.Get("__impunit").ToObject(r.rt)
	_ = o.Set("inherited", func(c goja.FunctionCall) goja.Value {
		classes = append(classes, c.Argument(0))
		return goja.Undefined()
	})
	_ = o.Set("fail", func(c goja.FunctionCall) goja.Value {
		r.failure = &sqFailure{message: c.Argument(0).String(), expected: c.Argument(1).String(),
			actual: c.Argument(2).String(), hasValues: c.Argument(3).ToBoolean(), location: r.squirrelWhere()}
		return goja.Undefined()
	})
	// this.clock for Squirrel: now() counts seconds from the start of the
	// file, as a 32-bit float cannot hold epoch seconds with a fraction
	start := r.sess.Clock.Now()
	clock := r.rt.NewObject()
	js := o.Get("clock").ToObject(r.rt)
	_ = clock.Set("now", func(goja.FunctionCall) goja.Value {
		return r.rt.ToValue(r.sess.Clock.Now().Sub(start).Seconds())
	})
	_ = clock.Set("advance", js.Get("advance"))
	_ = clock.Set("virtual", js.Get("virtual"))
	_ = o.Set("sqclock", clock)
	// promise(function(resolve, reject) {...}) → a Promise, for tests
	// with no Promise library (a function declaring one parameter gets
	// resolve alone)
	_ = o.Set("promise", func(c goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(c.Argument(0))
		if !ok {
			rt.Throw("promise: argument 'executor' must be a function")
		}
		p, resolve, reject := r.rt.NewPromise()
		ok1 := r.rt.ToValue(func(c goja.FunctionCall) goja.Value { _ = resolve(c.Argument(0)); return goja.Undefined() })
		ok2 := r.rt.ToValue(func(c goja.FunctionCall) goja.Value { _ = reject(c.Argument(0)); return goja.Undefined() })
		args := []goja.Value{ok1, ok2}
		if agentapi.Arity(c.Argument(0)) == 1 {
			args = args[:1]
		}
		if _, err := fn(goja.Undefined(), args...); err != nil {
			_ = reject(r.sqError(rt, err))
		}
		return r.rt.ToValue(p)
	})
	if err := rt.SetRoot("__impunit", o); err != nil {
		return nil, err
	}
	prelude, err := squirrel.Compile(preludeNutName, preludeNut)
	if err == nil {
		err = a.Run(prelude)
	}
	if err != nil {
		return nil, errors.New("impunit.nut: " + err.Error())
	}
	if err := r.loadNut(file); err != nil {
		return nil, err
	}
	var cases []any
	for _, c := range classes {
		name := rt.RootName(c)
		if name == "" {
			continue // not reachable from the root table
		}
		cases = append(cases, r.sqCase(rt, name, c))
	}
	return r.rt.NewArray(cases...), nil
}

// sqCase describes Squirrel class c, named name, for __impunitRun.
func (r *fileRun) sqCase(rt *squirrel.Runtime, name string, c goja.Value) goja.Value {
	vm := r.rt
	var methods []string
	for _, m := range rt.Methods(c) {
		if strings.HasPrefix(m, "test") {
			methods = append(methods, m)
		}
	}
	sort.Strings(methods)
	d := vm.NewObject()
	_ = d.Set("name", name)
	_ = d.Set("methods", methods)
	if t, err := rt.Get(c, "timeout"); err == nil {
		if secs, ok := rt.Number(t); ok {
			_ = d.Set("timeout", secs)
		}
	}
	_ = d.Set("create", func(goja.FunctionCall) goja.Value {
		inst, err := rt.CallValue(c, goja.Null())
		if err != nil {
			panic(r.sqError(rt, err))
		}
		call := func(m string) goja.Value {
			r.failure = nil // a failure recorded by an earlier test is not this one's
			fn, err := rt.Get(inst, m)
			if err == nil {
				var v goja.Value
				if v, err = rt.CallValue(fn, inst); err == nil {
					if goja.IsNull(v) {
						return goja.Undefined()
					}
					return rt.ToHost(v)
				}
			}
			panic(r.sqError(rt, err))
		}
		o := vm.NewObject()
		_ = o.Set("setUp", func(goja.FunctionCall) goja.Value { return call("setUp") })
		_ = o.Set("tearDown", func(goja.FunctionCall) goja.Value { return call("tearDown") })
		_ = o.Set("call", func(c goja.FunctionCall) goja.Value { return call(c.Argument(0).String()) })
		_ = o.Set("assertions", func(goja.FunctionCall) goja.Value {
			n, _ := rt.Get(inst, "assertions")
			return n
		})
		// a Promise rejected with an assertion's message is that failure
		_ = o.Set("error", func(c goja.FunctionCall) goja.Value {
			reason := c.Argument(0)
			if f := r.failure; f != nil && reason.String() == f.message {
				return r.failureObject(f)
			}
			return reason
		})
		return o
	})
	return d
}

// sqError converts an exception from Squirrel test code into the error
// object the runner reports: an assertion's failure with its details, or
// the thrown value as text with where it was thrown.
func (r *fileRun) sqError(rt *squirrel.Runtime, err error) goja.Value {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return r.rt.NewGoError(err)
	}
	if f := r.failure; f != nil && ex.Value().String() == f.message {
		return r.failureObject(f)
	}
	o := r.rt.NewObject()
	_ = o.Set("name", "Error")
	text, terr := rt.Text(ex.Value())
	if terr != nil {
		text = ex.Value().String()
	}
	_ = o.Set("message", text)
	_ = o.Set("location", r.pickLocation(ex.Stack()))
	return o
}

func (r *fileRun) failureObject(f *sqFailure) goja.Value {
	o := r.rt.NewObject()
	_ = o.Set("name", "AssertionError")
	_ = o.Set("message", f.message)
	_ = o.Set("expected", f.expected)
	_ = o.Set("actual", f.actual)
	_ = o.Set("hasValues", f.hasValues)
	_ = o.Set("location", f.location)
	return o
}

// squirrelWhere is the file:line of the Squirrel code running now, outside
// the prelude: where an assertion failed.
func (r *fileRun) squirrelWhere() string {
	return r.pickLocation(r.rt.CaptureCallStack(0, nil))
}

// pickLocation returns "file:line" of the first frame in the test file,
// else of the first Squirrel frame outside the prelude.
func (r *fileRun) pickLocation(frames []goja.StackFrame) string {
	first := ""
	for _, f := range frames {
		p := f.Position()
		if !sqagent.IsSquirrelFile(p.Filename) || p.Filename == preludeNutName || p.Line <= 0 {
			continue
		}
		loc := p.Filename + ":" + strconv.Itoa(p.Line)
		if filepath.Base(p.Filename) == r.base {
			return loc
		}
		if first == "" {
			first = loc
		}
	}
	return first
}

// scriptErr converts an error from loading a Squirrel file into the text
// of a load error.
func scriptErr(err error) string {
	var se *scriptvm.ScriptError
	if errors.As(err, &se) {
		return se.Error()
	}
	return err.Error()
}
