package scriptvm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/agenthost/agenthost/exitcode"
	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// Frame is one entry of a JavaScript call stack.
type Frame struct {
	Func string // function name, "" for top-level code or anonymous functions
	File string
	Line int
	Col  int
}

func (f Frame) String() string {
	name := f.Func
	if name == "" {
		name = "<anonymous>"
	}
	if f.File == "" {
		return name + " (native)"
	}
	return fmt.Sprintf("%s (%s:%d:%d)", name, f.File, f.Line, f.Col)
}

// ScriptError is an error raised by script code: a syntax error found when
// compiling, or an exception thrown and not caught. Its Error() is one line,
// "file:line:col: message"; Stack holds the JS call stack, innermost first.
type ScriptError struct {
	Kind    string // "SyntaxError" for compile errors, else the thrown value's name ("TypeError", "Error", ...)
	Message string // the thrown value as text, e.g. "TypeError: x is not a function"
	File    string // where it was thrown or where the syntax error is
	Line    int
	Col     int
	Stack   []Frame
}

func (e *ScriptError) Error() string {
	if e.File == "" {
		return e.Message
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Message)
}

// ExitCode is the exit code a script error ends agenthost with
// (exitcode.ScriptError); it makes ScriptError an exitcode.Coder.
func (e *ScriptError) ExitCode() int { return exitcode.ScriptError }

// Lines returns the error as lines for a log: the message with its location,
// then one "  at func (file:line:col)" line per stack frame.
func (e *ScriptError) Lines() []string {
	lines := []string{e.Error()}
	for _, f := range e.Stack {
		lines = append(lines, "  at "+f.String())
	}
	return lines
}

// fromCompile converts a parser or compiler error into a *ScriptError.
func fromCompile(name string, err error) *ScriptError {
	var list parser.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		p := list[0].Position
		return &ScriptError{Kind: "SyntaxError", Message: "SyntaxError: " + list[0].Message,
			File: p.Filename, Line: p.Line, Col: p.Column}
	}
	var cse *goja.CompilerSyntaxError
	if errors.As(err, &cse) && cse.File != nil {
		p := cse.File.Position(cse.Offset)
		return &ScriptError{Kind: "SyntaxError", Message: "SyntaxError: " + cse.Message,
			File: p.Filename, Line: p.Line, Col: p.Column}
	}
	var cre *goja.CompilerReferenceError
	if errors.As(err, &cre) && cre.File != nil {
		p := cre.File.Position(cre.Offset)
		return &ScriptError{Kind: "ReferenceError", Message: "ReferenceError: " + cre.Message,
			File: p.Filename, Line: p.Line, Col: p.Column}
	}
	return &ScriptError{Kind: "SyntaxError", Message: err.Error(), File: name}
}

// valueText renders thrown values for error messages.
type valueText interface {
	// Text is String(v), or a placeholder when that throws or runs away.
	Text(v goja.Value) string
	// Name is v.name when it is a string, "" otherwise (or when reading
	// it throws).
	Name(v *goja.Object) string
}

// fromException converts a JS exception into a *ScriptError, taking the
// location from the innermost frame that has one. The thrown value is
// rendered by t, which never lets a hostile toString or name getter
// escape; without t (no runtime at hand), objects are not rendered.
func fromException(ex *goja.Exception, t valueText) *ScriptError {
	se := &ScriptError{Kind: "Error", Message: "exception"}
	if v := ex.Value(); v != nil {
		if obj, ok := v.(*goja.Object); ok {
			se.Message = "<" + obj.ClassName() + " object>"
			if t != nil {
				se.Message = t.Text(v)
				if name := t.Name(obj); name != "" {
					se.Kind = name
				}
			}
		} else {
			se.Kind = "throw"
			se.Message = "Uncaught " + v.String()
		}
	}
	for _, sf := range ex.Stack() {
		p := sf.Position()
		fr := Frame{Func: sf.FuncName(), File: p.Filename, Line: p.Line, Col: p.Column}
		if fr.Func == "<native>" {
			fr.Func = ""
		}
		if p.Filename == "" && (fr.Func == "" || isGoName(fr.Func)) {
			continue // a host function with no name a script knows
		}
		se.Stack = append(se.Stack, fr)
		if se.File == "" && p.Filename != "" {
			se.File, se.Line, se.Col = p.Filename, p.Line, p.Column
		}
	}
	return se
}

// isGoName reports whether a function name is a Go symbol (a host
// function that was not given a script-facing name), which a stack trace
// does not show.
func isGoName(name string) bool {
	return strings.Contains(name, "/") || strings.Contains(name, "(*") || strings.HasSuffix(name, "-fm")
}

// AsScriptError converts err (from running or calling JS) into a
// *ScriptError without a runtime at hand: a thrown object is not rendered
// (use Loop.ScriptError, which renders it safely). Errors that are not JS
// exceptions are wrapped as they are.
func AsScriptError(err error) *ScriptError { return toScriptError(err, nil) }

func toScriptError(err error, t valueText) *ScriptError {
	var se *ScriptError
	if errors.As(err, &se) {
		return se
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		se := fromException(&so.Exception, nil)
		se.Kind, se.Message = "RangeError", "RangeError: Maximum call stack size exceeded (unbounded recursion?)"
		return se
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return fromException(ex, t)
	}
	return &ScriptError{Kind: "Error", Message: strings.TrimSpace(err.Error())}
}
