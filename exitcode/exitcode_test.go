package exitcode

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// scriptErr states its code through Coder, as scriptvm.ScriptError does.
type scriptErr struct{}

func (scriptErr) Error() string { return "a.js:1:1: SyntaxError" }
func (scriptErr) ExitCode() int { return ScriptError }

func TestOf(t *testing.T) {
	plain := errors.New("boom")
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, OK},
		{"unclassified", plain, Host},
		{"usage", New(Usage, plain, ""), Usage},
		{"wrapped by fmt", fmt.Errorf("config: %w", New(Usage, plain, "")), Usage},
		{"outermost wins", New(Host, New(Usage, plain, ""), ""), Host},
		{"Coder", scriptErr{}, ScriptError},
		{"Coder wrapped", fmt.Errorf("run: %w", scriptErr{}), ScriptError},
		{"Errorf", Errorf(Usage, "bad %s", "x"), Usage},
		{"shown keeps the code", Shown(scriptErr{}), ScriptError},
		{"joined: the first coded", errors.Join(plain, New(Usage, plain, ""), New(Host, plain, "")), Usage},
		{"forced", New(Forced, plain, ""), Forced},
		{"fail-on, shown", Shown(Errorf(FailOn, "--fail-on error fired")), FailOn},
	} {
		if got := Of(tc.err); got != tc.want {
			t.Errorf("%s: Of(%v) = %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
}

func TestNilStaysNil(t *testing.T) {
	if New(Host, nil, "hint") != nil || Shown(nil) != nil {
		t.Fatal("a nil error became non-nil")
	}
}

func TestErrorKeepsMessageAndChain(t *testing.T) {
	err := Errorf(Usage, "script: %w", fs.ErrNotExist)
	if err.Error() != "script: file does not exist" {
		t.Fatalf("message %q", err.Error())
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the wrapped error is lost")
	}
}

func TestHintOf(t *testing.T) {
	plain := errors.New("listen: address already in use")
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"none", plain, ""},
		{"nil", nil, ""},
		{"own", New(Host, plain, "use another port"), "use another port"},
		{"through fmt", fmt.Errorf("broker: %w", New(Host, plain, "use another port")), "use another port"},
		{"inner when the outer has none", New(Usage, New(Host, plain, "inner"), ""), "inner"},
		{"outer first", New(Usage, New(Host, plain, "inner"), "outer"), "outer"},
		{"Coder without hint", scriptErr{}, ""},
	} {
		if got := HintOf(tc.err); got != tc.want {
			t.Errorf("%s: HintOf = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestIsShown(t *testing.T) {
	plain := errors.New("x")
	if IsShown(plain) || IsShown(nil) || IsShown(New(Usage, plain, "h")) {
		t.Fatal("an error nobody showed counts as shown")
	}
	if !IsShown(Shown(plain)) || !IsShown(fmt.Errorf("wrapped: %w", Shown(plain))) || !IsShown(New(Host, Shown(plain), "")) {
		t.Fatal("a shown error, plain or wrapped, does not count as shown")
	}
}
