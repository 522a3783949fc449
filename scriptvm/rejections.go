package scriptvm

import (
	"regexp"
	"strconv"

	"github.com/dop251/goja"
)

// trackRejection is the runtime's promise rejection tracker: a promise
// rejected with no handler is remembered until a handler is attached; the
// ones still unhandled when the current task (and its promise jobs) has
// finished are reported like uncaught exceptions. Loop only.
func (l *Loop) trackRejection(p *goja.Promise, op goja.PromiseRejectionOperation) {
	switch op {
	case goja.PromiseRejectionReject:
		if l.rejected == nil {
			l.rejected = map[*goja.Promise]int{}
		}
		l.rejected[p] = len(l.rejectedList)
		l.rejectedList = append(l.rejectedList, p)
	case goja.PromiseRejectionHandle:
		if i, ok := l.rejected[p]; ok {
			delete(l.rejected, p)
			l.rejectedList[i] = nil
		}
	}
}

// reportRejections reports, in the order they happened, the rejections
// no handler was attached to during the task that just ended. Loop only.
func (l *Loop) reportRejections() {
	if len(l.rejectedList) == 0 {
		return
	}
	list := l.rejectedList
	l.rejectedList = nil
	clear(l.rejected)
	for _, p := range list {
		if p != nil && l.onError != nil {
			l.onError(l.fromRejection(p.Result()))
		}
	}
}

// stackFrameRE matches one frame of a goja Error's stack property:
// "at name (file:line:col(pc))" or "at file:line:col(pc)".
var stackFrameRE = regexp.MustCompile(`at (?:(\S+) \()?([^\s()]+):(\d+):(\d+)`)

// fromRejection describes an unhandled rejection: "Uncaught (in promise)"
// and the reason, located where the reason (an Error) was created.
func (l *Loop) fromRejection(reason goja.Value) *ScriptError {
	return rejectionError(l.Text, reason)
}

// rejectionError describes an unhandled rejection, text being the
// runtime's String(v).
func rejectionError(text func(goja.Value) string, reason goja.Value) *ScriptError {
	se := &ScriptError{Kind: "throw", Message: "Uncaught (in promise) " + text(reason)}
	obj, ok := reason.(*goja.Object)
	if !ok {
		return se
	}
	if name := obj.Get("name"); name != nil && !goja.IsUndefined(name) {
		se.Kind = text(name)
	}
	st := obj.Get("stack")
	if st == nil || goja.IsUndefined(st) {
		return se
	}
	for _, m := range stackFrameRE.FindAllStringSubmatch(text(st), -1) {
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

// Text converts a JS value to text as String(v) does, without letting a
// toString or getter that throws, loops until interrupted or overflows the
// stack escape: such a value becomes "<unprintable value>". Loop only.
func (l *Loop) Text(v goja.Value) string {
	if v == nil {
		return "undefined"
	}
	if _, isObj := v.(*goja.Object); !isObj {
		return v.String() // primitives convert without running script code
	}
	out, err := l.toText(goja.Undefined(), v)
	if err != nil {
		return "<unprintable value>"
	}
	return out.String()
}
