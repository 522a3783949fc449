package squirrel

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dop251/goja"
)

// Frame is one call of a Squirrel stack trace.
type Frame struct {
	Func string // function name, "" for anonymous functions
	File string // source name, e.g. "agent.nut"
	Line int
	Col  int
}

// Error is a Squirrel exception that reached the host: Message is the thrown
// value as text (for runtime errors, 3.0.4's message such as "the index 'b'
// does not exist"), Stack the Squirrel frames, innermost first.
type Error struct {
	Message string
	Stack   []Frame
	// Exception is the underlying goja exception.
	Exception *goja.Exception
}

// Error returns "file:line: message" for the innermost Squirrel frame.
func (e *Error) Error() string {
	if len(e.Stack) == 0 {
		return e.Message
	}
	f := e.Stack[0]
	return fmt.Sprintf("%s:%d: %s", f.File, f.Line, e.Message)
}

func (r *Runtime) wrapError(err error) error {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return err
	}
	msg := ex.Value().String()
	if f, ok := goja.AssertFunction(r.sq.Get("errorText")); ok {
		if v, err2 := f(goja.Undefined(), ex.Value()); err2 == nil {
			msg = v.String()
		}
	}
	return &Error{Message: msg, Stack: squirrelFrames(ex), Exception: ex}
}

// squirrelFrames keeps the frames of Squirrel code (mapped to .nut
// positions by the source map), dropping the runtime's own and those of
// lazily compiled functions' stubs.
func squirrelFrames(ex *goja.Exception) []Frame {
	var out []Frame
	for _, f := range ex.Stack() {
		p := f.Position()
		if p.Filename == "" || p.Filename == "squirrel-runtime.js" || strings.HasPrefix(p.Filename, "<") || p.Line <= 0 ||
			IsStubFrame(f.FuncName()) {
			continue
		}
		out = append(out, Frame{Func: FuncName(f.FuncName()), File: p.Filename, Line: p.Line, Col: p.Column})
	}
	return out
}

// FuncName maps the name of a compiled function's JavaScript frame to its
// Squirrel name: "" for an anonymous function.
func FuncName(js string) string {
	if strings.HasPrefix(js, "$fn") {
		return ""
	}
	return js
}
