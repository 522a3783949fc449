package scriptvm

import (
	"regexp"
	"strconv"

	"github.com/dop251/goja"
)

// script is one goja runtime the loop drives — the agent's, or a
// companion's — with what the loop needs to report its errors: safe value
// rendering, the error callback and its unhandled promise rejections.
// Loop goroutine only.
type script struct {
	rt *goja.Runtime
	texts
	onError func(*ScriptError)
	dialect *Dialect // nil: plain JavaScript

	// Unhandled promise rejections, in the order they happened, until a
	// handler is attached or they are reported after the current task.
	rejected     map[*goja.Promise]int
	rejectedList []*goja.Promise
}

// newScript prepares rt to run under l: time from l's clock, bounded
// recursion, guarded built-ins, helpers for error text, and rejection
// tracking.
func newScript(l *Loop, rt *goja.Runtime, maxStack int, onError func(*ScriptError)) *script {
	rt.SetTimeSource(l.clock.Now)
	rt.SetMaxCallStackSize(maxStack)
	s := &script{rt: rt, texts: texts{rt: rt}, onError: onError}
	rt.SetPromiseRejectionTracker(s.trackRejection)
	newGuardian(l, rt)
	return s
}

// trackRejection is the runtime's promise rejection tracker: a promise
// rejected with no handler is remembered until a handler is attached; the
// ones still unhandled when the current task (and its promise jobs) has
// finished are reported like uncaught exceptions.
func (s *script) trackRejection(p *goja.Promise, op goja.PromiseRejectionOperation) {
	switch op {
	case goja.PromiseRejectionReject:
		if s.rejected == nil {
			s.rejected = map[*goja.Promise]int{}
		}
		s.rejected[p] = len(s.rejectedList)
		s.rejectedList = append(s.rejectedList, p)
	case goja.PromiseRejectionHandle:
		if i, ok := s.rejected[p]; ok {
			delete(s.rejected, p)
			s.rejectedList[i] = nil
		}
	}
}

// reportRejections reports, in the order they happened, the rejections
// no handler was attached to during the task that just ended.
func (s *script) reportRejections() {
	if len(s.rejectedList) == 0 {
		return
	}
	list := s.rejectedList
	s.rejectedList = nil
	clear(s.rejected)
	for _, p := range list {
		if p != nil && s.onError != nil {
			s.onError(s.adapt(s.rejectionError(p.Result()), nil))
		}
	}
}

// report passes err from a callback, converted to a *ScriptError, to
// onError. An interrupt is reported only when the watchdog caused it;
// otherwise the run is being stopped, which is not the script's fault.
func (s *script) report(err error) {
	if s.onError == nil {
		return
	}
	if ie, ok := interruption(err); ok {
		if wd, ok := ie.Value().(*WatchdogError); ok {
			s.onError(s.adapt(watchdogError(ie, wd), nil))
		}
		return
	}
	s.onError(s.ScriptError(err))
}

// ScriptError converts err, from running or calling this runtime's JS,
// into a *ScriptError, rendering a thrown value safely.
func (s *script) ScriptError(err error) *ScriptError {
	if ie, ok := interruption(err); ok {
		if wd, ok := ie.Value().(*WatchdogError); ok {
			return s.adapt(watchdogError(ie, wd), nil)
		}
	}
	se := toScriptError(err, &s.texts)
	if s.dialect != nil {
		var thrown goja.Value
		switch e := err.(type) {
		case *goja.Exception:
			thrown = e.Value()
		case *goja.StackOverflowError:
			thrown = nil
		}
		se = s.adapt(se, thrown)
	}
	return se
}

// stackFrameRE matches one frame of a goja Error's stack property:
// "at name (file:line:col(pc))" or "at file:line:col(pc)".
var stackFrameRE = regexp.MustCompile(`at (?:(\S+) \()?([^\s()]+):(\d+):(\d+)`)

// rejectionError describes an unhandled rejection: "Uncaught (in
// promise)" and the reason, located where the reason (an Error) was
// created.
func (t *texts) rejectionError(reason goja.Value) *ScriptError {
	se := &ScriptError{Kind: "throw", Message: "Uncaught (in promise) " + t.Text(reason)}
	obj, ok := reason.(*goja.Object)
	if !ok {
		return se
	}
	if name := t.Name(obj); name != "" {
		se.Kind = name
	}
	for _, m := range stackFrameRE.FindAllStringSubmatch(t.stack(obj), -1) {
		line, _ := strconv.Atoi(m[3])
		col, _ := strconv.Atoi(m[4])
		fr := Frame{Func: m[1], File: m[2], Line: line, Col: col}
		se.Stack = append(se.Stack, fr)
		if se.File == "" {
			se.File, se.Line, se.Col = fr.File, fr.Line, fr.Col
		}
	}
	return se
}

// texts renders the values of one runtime for error messages, without
// letting a toString or getter that throws, loops until interrupted or
// overflows the stack escape. Its three functions are compiled into the
// runtime when first needed (most runtimes never render an error). A
// compilation that fails because an interrupt was pending (the watchdog
// or cancellation: the first JS that runs sees it) renders the value as
// unprintable, as a call of a compiled function would then, and is tried
// again next time. On the runtime's goroutine only.
type texts struct {
	rt                      *goja.Runtime
	toText, nameOf, stackOf goja.Callable
}

// The sources of texts' functions.
const (
	toTextSource  = "(function (v) { return String(v); })"
	nameOfSource  = `(function (v) { var n = v.name; return typeof n === "string" ? n : undefined; })`
	stackOfSource = `(function (v) { var s = v.stack; return typeof s === "string" ? s : ""; })`
)

// call calls the function *fn, compiling it from src first if it is not
// yet.
func (t *texts) call(fn *goja.Callable, src string, v goja.Value) (goja.Value, error) {
	if *fn == nil {
		f, err := t.rt.RunString(src)
		if err != nil {
			return nil, err
		}
		*fn, _ = goja.AssertFunction(f)
	}
	return (*fn)(goja.Undefined(), v)
}

// Text converts a JS value to text as String(v) does; a value whose
// conversion throws or runs away becomes "<unprintable Error>" (its
// class). On the runtime's goroutine only.
func (t *texts) Text(v goja.Value) string {
	if v == nil {
		return "undefined"
	}
	obj, isObj := v.(*goja.Object)
	if _, isSym := v.(*goja.Symbol); !isObj && !isSym {
		return v.String() // other primitives convert without running script code
	}
	out, err := t.call(&t.toText, toTextSource, v)
	if err != nil {
		if obj == nil {
			return "<unprintable value>"
		}
		return "<unprintable " + obj.ClassName() + ">"
	}
	return out.String()
}

// stack returns obj.stack when it is a string, else "".
func (t *texts) stack(obj *goja.Object) string {
	out, err := t.call(&t.stackOf, stackOfSource, obj)
	if err != nil || out == nil {
		return ""
	}
	return out.String()
}

// Name returns obj.name when it is a string; "" when it is not, or when
// reading it throws. On the runtime's goroutine only.
func (t *texts) Name(obj *goja.Object) string {
	out, err := t.call(&t.nameOf, nameOfSource, obj)
	if err != nil || out == nil || goja.IsUndefined(out) {
		return ""
	}
	return out.String()
}
