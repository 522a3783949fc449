package scripttest

import (
	"fmt"
	"regexp"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// report records the outcome r ({ok}, {error}, {timeout}) of the current
// test; it returns whether the test passed. phase names a failed setUp.
func (r *fileRun) report(call goja.FunctionCall) goja.Value {
	c, m := call.Argument(0).String(), call.Argument(1).String()
	outcome := call.Argument(2).ToObject(r.rt)
	assertions := int(call.Argument(3).ToInteger())
	phase := ""
	if p := call.Argument(4); !goja.IsUndefined(p) {
		phase = p.String()
	}
	t := TestResult{File: r.file, Case: c, Method: m, Assertions: assertions}
	if r.cur != nil && r.cur.Case == c {
		t.Info = r.cur.Info
		t.Duration = time.Since(r.started)
		t.Start = r.started
	}
	t.Logs = r.logs.sinceMark()
	switch {
	case outcome.Get("ok") != nil && outcome.Get("ok").ToBoolean():
		t.Status = Passed
	case outcome.Get("timeout") != nil && outcome.Get("timeout").ToBoolean():
		t.Status = Failed
		t.Message = fmt.Sprintf("timed out after %s (the returned Promise never settled)", r.testTimeout())
	default:
		r.describeError(&t, outcome.Get("error"))
	}
	if phase != "" && t.Status != Passed {
		t.Message = phase + " failed: " + t.Message
	}
	r.testEnded(&t)
	r.res.Tests = append(r.res.Tests, t)
	if r.cur != nil {
		r.cur.Status = t.Status
	}
	return r.rt.ToValue(t.Status == Passed)
}

var frameRE = regexp.MustCompile(`([^\s()]+\.js):(\d+):(\d+)`)

func (r *fileRun) describeError(t *TestResult, e goja.Value) {
	t.Status = Errored
	if e == nil || goja.IsUndefined(e) {
		t.Message = "undefined was thrown"
		return
	}
	obj, isObj := e.(*goja.Object)
	if !isObj {
		t.Message = r.sess.Env.Format(e)
		return
	}
	t.Message = e.String()
	if loc := obj.Get("location"); loc != nil && !goja.IsUndefined(loc) {
		t.Message = obj.Get("message").String() // a Squirrel test's error (see sqError)
	}
	if name := obj.Get("name"); name != nil && name.String() == "AssertionError" {
		t.Status = Failed
		t.Message = obj.Get("message").String()
		if hv := obj.Get("hasValues"); hv != nil && hv.ToBoolean() {
			t.HasValues = true
			t.Expected = r.sess.Env.Format(obj.Get("expected"))
			t.Actual = r.sess.Env.Format(obj.Get("actual"))
		}
	}
	if loc := obj.Get("location"); loc != nil && !goja.IsUndefined(loc) {
		t.Location = loc.String() // a Squirrel test's (see sqError)
	} else if st := obj.Get("stack"); st != nil && !goja.IsUndefined(st) {
		var first string
		for _, m := range frameRE.FindAllStringSubmatch(st.String(), -1) {
			loc := m[1] + ":" + m[2]
			if m[1] == "impunit.js" {
				continue
			}
			if first == "" {
				first = loc
			}
			if m[1] == r.base {
				t.Location = loc
				break
			}
		}
		if t.Location == "" {
			t.Location = first
		}
	}
}

// clockObject is this.clock: the test file's host clock.
func (r *fileRun) clockObject() *goja.Object {
	rt := r.rt
	o := rt.NewObject()
	_ = o.Set("now", func() float64 { return float64(r.sess.Clock.Now().UnixMilli()) / 1000 })
	_ = o.Set("virtual", !r.opts.RealClock)
	_ = o.Set("advance", func(call goja.FunctionCall) goja.Value {
		if _, ok := r.sess.Clock.(*scriptvm.VirtualClock); !ok {
			agentapi.ThrowType(rt, "clock.advance needs the virtual clock (the run uses --clock real)")
		}
		sec := call.Argument(0).ToFloat()
		if sec != sec || sec < 0 {
			agentapi.ThrowType(rt, "clock.advance: argument 'seconds' must be a number >= 0, got "+call.Argument(0).String())
		}
		// A timer at the end of the advance: the virtual loop steps to
		// each timer due before it at that timer's own time (wakeups set
		// during the advance included); the advance ends once every timer
		// due at its end has run too, as fake timers do.
		p, resolve, _ := rt.NewPromise()
		loop := r.sess.Loop
		var end func()
		end = func() {
			if next, ok := loop.NextTimer(); ok && !next.After(loop.Clock().Now()) {
				loop.SetTimer(0, end)
				return
			}
			_ = resolve(goja.Undefined())
		}
		loop.SetTimer(time.Duration(sec*float64(time.Second)), end)
		return rt.ToValue(p)
	})
	return o
}
