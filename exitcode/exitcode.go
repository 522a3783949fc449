// Package exitcode holds agenthost's exit codes and the errors that carry
// them. An error states its code by implementing [Coder] (as [*Error] and
// scriptvm.ScriptError do); [Of] is the one place an error becomes a code.
// Everything here is safe for concurrent use: errors are immutable values.
package exitcode

import (
	"errors"
	"fmt"
)

// The exit codes of agenthost, documented in the README.
const (
	OK          = 0 // the run ended normally (idle, --for elapsed, a signal, all tests passed)
	ScriptError = 1 // a syntax error or uncaught exception in a script's top level (the run could not go on); a test failed
	// Usage: bad command line, config file, script or test path, an
	// output file (--report, --junit) that cannot be written, a test
	// file that cannot be loaded, a --filter that matches no test.
	Usage = 2
	// Host: the host could not do its part: the broker could not listen,
	// the state directory is unusable, a report or results file could not
	// be written at the end.
	Host = 3
	// FailOn: run went to its end, and a condition named by --fail-on
	// happened during it (an uncaught exception in a callback, a failed
	// connect, a limiter refusal, a lost connection).
	FailOn = 4
	Forced = 130 // a second interrupt ended the run without cleaning up
)

// Coder is implemented by errors that know the exit code they end the
// process with.
type Coder interface {
	ExitCode() int
}

// Error is an error with its exit code and, optionally, a hint for the
// user. Create it with [New], [Errorf] or [Shown]; its fields are not
// changed after that.
type Error struct {
	Code int
	Err  error
	// Hint is a suggestion printed after the message as "Try: <hint>";
	// empty for none.
	Hint string
	// Shown is true when the message has already reached the user (logged
	// as [Agent] ERROR lines, or in a test summary): it must not be
	// printed again, only mapped to Code.
	Shown bool
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ExitCode implements [Coder].
func (e *Error) ExitCode() int { return e.Code }

// New returns err with code and hint (which may be empty), or nil when
// err is nil.
func New(code int, err error, hint string) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err, Hint: hint}
}

// Errorf formats an error (%w wraps as in fmt.Errorf) carrying code.
func Errorf(code int, format string, a ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, a...)}
}

// Shown marks err as already shown to the user, keeping its code (see
// [Of]); nil stays nil.
func Shown(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: Of(err), Err: err, Shown: true}
}

// Of maps err to its exit code: OK for nil, the code of the outermost error
// in err's chain that implements [Coder], and Host for any other error (a
// failure nobody classified is the host's).
func Of(err error) int {
	if err == nil {
		return OK
	}
	var c Coder
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	return Host
}

// HintOf returns the hint of the outermost [*Error] in err's chain that has
// one, or "".
func HintOf(err error) string {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return ""
		}
		if e.Hint != "" {
			return e.Hint
		}
		err = e.Err
	}
	return ""
}

// IsShown reports whether err, or an error it wraps, was marked by [Shown].
func IsShown(err error) bool {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return false
		}
		if e.Shown {
			return true
		}
		err = e.Err
	}
	return false
}
