package scriptvm

import (
	"errors"
	"fmt"
	"strconv"
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
	// Source is the line of source the error is at, for a syntax error
	// (shown under the message with a caret at Col).
	Source string
	// Imp shapes Error and Lines as the imp's log does (see Dialect).
	Imp bool
}

func (e *ScriptError) Error() string {
	if e.Imp {
		return e.impError()
	}
	if e.File == "" {
		return e.Message
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Message)
}

// ExitCode is the exit code a script error ends agenthost with
// (exitcode.ScriptError); it makes ScriptError an exitcode.Coder.
func (e *ScriptError) ExitCode() int { return exitcode.ScriptError }

// Lines returns the error as lines for a log: the message with its
// location, then one "  at func (file:line:col)" line per stack frame.
// A frame repeated in a row (a runaway recursion) is shown once with a
// count, "  … 2,490 more frames of f (x.js:6:3)"; past shownFrames lines
// of frames the rest are counted on one line.
func (e *ScriptError) Lines() []string {
	if e.Imp {
		return e.impLines()
	}
	lines := []string{e.Error()}
	if e.Source != "" {
		src, caret := sourceAndCaret(e.Source, e.Col)
		lines = append(lines, "  "+src, "  "+caret)
	}
	return appendFrames(lines, e.Stack, func(_ int, f Frame) (string, string) { return "at", f.String() })
}

// appendFrames appends a line per frame, "  WORD FRAME" as show gives them
// for the frame at index i: a frame repeated in a row (a runaway
// recursion) once, with a count of the rest, "  … 2,490 more frames of
// FRAME"; past shownFrames lines the remaining frames are counted on one
// line.
func appendFrames(lines []string, stack []Frame, show func(i int, f Frame) (word, frame string)) []string {
	for i := 0; i < len(stack); {
		f := stack[i]
		run := 1
		for i+run < len(stack) && stack[i+run] == f {
			run++
		}
		if len(lines) > shownFrames {
			lines = append(lines, "  … "+thousands(len(stack)-i)+" more frames")
			break
		}
		word, frame := show(i, f)
		lines = append(lines, "  "+word+" "+frame)
		if run > 2 {
			lines = append(lines, "  … "+thousands(run-1)+" more frames of "+frame)
		} else {
			run = 1
		}
		i += run
	}
	return lines
}

// sourceAndCaret returns line with its tabs expanded to 4 spaces, and a
// line with a caret under column col (1-based, in characters).
func sourceAndCaret(line string, col int) (string, string) {
	var src, caret strings.Builder
	for i, r := range []rune(line) {
		w := 1
		if r == '\t' {
			w = 4
			src.WriteString("    ")
		} else {
			src.WriteRune(r)
		}
		if i < col-1 {
			caret.WriteString(strings.Repeat(" ", w))
		}
	}
	return src.String(), caret.String() + "^"
}

// shownFrames is about how many lines of frames Lines shows.
const shownFrames = 10

// thousands writes n with commas: 2490 → "2,490".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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
			if t != nil {
				se.Message = "Uncaught " + t.Text(v)
			}
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
	// A *goja.Exception is matched by its type alone: its Unwrap and
	// Error run script code (instanceof and toString on the thrown value),
	// so errors.As and err.Error() must never reach it.
	switch e := err.(type) {
	case *ScriptError:
		return e
	case *goja.StackOverflowError:
		se := fromException(&e.Exception, nil)
		se.Kind, se.Message = "RangeError", "RangeError: Maximum call stack size exceeded (unbounded recursion?)"
		return se
	case *goja.Exception:
		return fromException(e, t)
	case *goja.InterruptedError:
		return &ScriptError{Kind: "InterruptedError", Message: "interrupted"}
	}
	var se *ScriptError
	if errors.As(err, &se) {
		return se
	}
	return &ScriptError{Kind: "Error", Message: strings.TrimSpace(err.Error())}
}

// interruption returns err as an interrupt, without unwrapping a
// *goja.Exception (see toScriptError).
func interruption(err error) (*goja.InterruptedError, bool) {
	ie, ok := err.(*goja.InterruptedError)
	return ie, ok
}
