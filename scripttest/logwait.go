package scripttest

import (
	"fmt"
	"strings"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/dop251/goja"
)

type logWaiter struct {
	match   func(string) bool
	resolve func(any)
	cancel  func()
}

// checkLogWaiters settles waitForLog promises whose line has come, oldest
// waiter first; each match moves the cursor past the matched line. Loop only.
func (r *fileRun) checkLogWaiters() {
	for i := 0; i < len(r.logWaiters); {
		w := r.logWaiters[i]
		lines := r.logs.agentLines()
		found := -1
		for j := r.logCursor; j < len(lines); j++ {
			if w.match(lines[j]) {
				found = j
				break
			}
		}
		if found < 0 {
			i++
			continue
		}
		r.logCursor = found + 1
		r.logWaiters = append(r.logWaiters[:i], r.logWaiters[i+1:]...)
		w.cancel()
		w.resolve(lines[found])
	}

}

// waitForLog(pattern[, timeout]) → Promise of the next agent log line
// (after those already matched) containing pattern, or matching it when
// pattern is a RegExp; timeout, in seconds on the test's clock, rejects
// it (without one, only the test's own timeout applies).
func (r *fileRun) waitForLog(call goja.FunctionCall) goja.Value {
	rt := r.rt
	pat := call.Argument(0)
	var match func(string) bool
	desc := pat.String()
	if obj, ok := pat.(*goja.Object); ok && obj.ClassName() == "RegExp" {
		test, _ := goja.AssertFunction(obj.Get("test"))
		match = func(s string) bool {
			v, err := test(obj, rt.ToValue(s))
			return err == nil && v.ToBoolean()
		}
	} else {
		s := pat.String()
		match = func(l string) bool { return strings.Contains(l, s) }
	}
	p, resolve, reject := rt.NewPromise()
	w := &logWaiter{match: match, resolve: func(v any) { _ = resolve(v) }, cancel: func() {}}
	r.logWaiters = append(r.logWaiters, w)
	defer r.checkLogWaiters()
	t := call.Argument(1)
	if goja.IsUndefined(t) {
		return rt.ToValue(p) // no limit of its own: the test's timeout applies
	}
	sec := t.ToFloat()
	if sec != sec || sec <= 0 {
		agentapi.ThrowType(rt, "waitForLog: argument 'timeout' must be a number of seconds > 0, got "+t.String())
	}
	timeout := time.Duration(sec * float64(time.Second))
	timer := r.sess.Loop.SetTimer(timeout, func() {
		for i, x := range r.logWaiters {
			if x == w {
				r.logWaiters = append(r.logWaiters[:i], r.logWaiters[i+1:]...)
			}
		}
		_ = reject(rt.NewGoError(fmt.Errorf("waitForLog: the agent logged no line matching %s within %s", desc, timeout)))
	})
	w.cancel = func() { r.sess.Loop.CancelTimer(timer) }
	return rt.ToValue(p)
}
