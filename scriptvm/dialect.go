package scriptvm

import (
	"fmt"
	"strings"

	"github.com/dop251/goja"
)

// Dialect adapts error reports to a language compiled to JavaScript (the
// imp's Squirrel): how a thrown value reads, which stack frames belong to
// the script rather than to the language's runtime, and the shape of the
// lines. A loop without one reports JavaScript errors as they are.
type Dialect struct {
	// Text renders a thrown value as the language prints it; ok false
	// falls back to JavaScript's String(v). It runs on the loop goroutine,
	// under the watchdog (it may run script code).
	Text func(thrown goja.Value) (text string, ok bool)
	// Frame maps a JavaScript frame to the script's (naming its function
	// as the language does), or reports with keep false that it belongs
	// to the language's runtime or the host and is not shown. nil keeps
	// every frame that has a file as it is.
	Frame func(f Frame) (mapped Frame, keep bool)
	// Imp makes Lines read as the imp's log does: the message alone, then
	// "  at func file:line" for the innermost frame and "  from func
	// file:line" for its callers; Error is "file:line: message".
	Imp bool
}

// SetDialect makes the loop's runtime (not its companions) report errors
// through d. Call it before Run, from the goroutine that will run it.
func (l *Loop) SetDialect(d *Dialect) { l.dialect = d }

// adapt rewrites se, made from an exception that threw thrown (nil for an
// interrupt), through the dialect.
func (s *script) adapt(se *ScriptError, thrown goja.Value) *ScriptError {
	d := s.dialect
	if d == nil || se == nil || se.Kind == "SyntaxError" {
		return se
	}
	if thrown != nil && d.Text != nil {
		if text, ok := d.Text(thrown); ok {
			se.Message = text
			if se.Kind == "throw" {
				se.Kind = "Error"
			}
		}
	}
	kept := se.Stack[:0:0]
	for _, f := range se.Stack {
		if f.File == "" {
			continue
		}
		if d.Frame != nil {
			var keep bool
			if f, keep = d.Frame(f); !keep {
				continue
			}
		}
		kept = append(kept, f)
	}
	se.Stack = kept
	se.File, se.Line, se.Col = "", 0, 0
	if len(kept) > 0 {
		se.File, se.Line, se.Col = kept[0].File, kept[0].Line, kept[0].Col
	}
	se.Imp = d.Imp
	return se
}

// impLines is Lines in the imp's shape: the message alone, then "at" for
// the first frame and "from" for its callers.
func (e *ScriptError) impLines() []string {
	return appendFrames([]string{e.Message}, e.Stack, func(i int, f Frame) (string, string) {
		if i == 0 {
			return "at", f.impString()
		}
		return "from", f.impString()
	})
}

// impString is "func file:line", with "main" for a file's top level and
// "unknown" for an anonymous function, as the imp names them.
func (f Frame) impString() string {
	name := f.Func
	if name == "" {
		name = "unknown"
	}
	return fmt.Sprintf("%s %s:%d", name, f.File, f.Line)
}

// impError is Error in the imp's shape.
func (e *ScriptError) impError() string {
	if e.File == "" {
		return e.Message
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, strings.TrimSpace(e.Message))
}
