package exitcode_test

import (
	"fmt"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/scriptvm"
)

// A script's syntax error maps to 1 through the Coder interface, without
// this package knowing scriptvm.
func TestScriptErrorMapsToOne(t *testing.T) {
	_, err := scriptvm.Compile("a.js", "let x = ;")
	if err == nil {
		t.Fatal("a syntax error compiled")
	}
	if got := exitcode.Of(fmt.Errorf("run: %w", err)); got != exitcode.ScriptError {
		t.Fatalf("Of(syntax error) = %d, want %d", got, exitcode.ScriptError)
	}
}
