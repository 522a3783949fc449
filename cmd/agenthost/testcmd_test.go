package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
)

const (
	agentJS     = `let greeting = "hi"; function greet(n) { server.log(greeting + " " + n); }`
	passingTest = `class Greet extends ImpTestCase {
	async testLogs() { greet("bob"); this.assertEqual("hi bob", await this.waitForLog("hi")); }
	testAdds() { this.assertEqual(2, 1 + 1); }
}`
	failingTest = `class Broken extends ImpTestCase {
	testWrong() { this.assertEqual(3, 1 + 1); }
}`
)

// TestTestCommandPasses: with no PATH the working directory is searched;
// the agent beside X.test.js is loaded; exit 0.
func TestTestCommandPasses(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("g/greet.js", agentJS)
	c.write("g/greet.test.js", passingTest)
	code := c.run("test")
	c.expect(code, exitcode.OK, []string{c.path("g/greet.test.js") + " (agent " + c.path("g/greet.js") + ")\n",
		"  ok   Greet.testAdds (1 assertion,", "  ok   Greet.testLogs (1 assertion,",
		"\nPASSED: 1 file, 2 tests, 2 assertions, 0 failures, 0 errors, "}, nil)
}

// TestTestCommandFailureExits1: a failing test is in the results, not
// printed again, and the exit code is 1.
func TestTestCommandFailureExits1(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("greet.js", agentJS)
	c.write("greet.test.js", passingTest)
	c.write("broken.test.js", failingTest)
	code := c.run("test", ".")
	c.expect(code, exitcode.ScriptError, []string{"  FAIL Broken.testWrong", "expected: 3", "\nFAILED: 2 files, 3 tests, 3 assertions, 1 failure, 0 errors, "}, nil)

	// --stop-on-fail stops after broken.test.js, the first in order.
	c = newCLI(t)
	c.write("greet.js", agentJS)
	c.write("greet.test.js", passingTest)
	c.write("broken.test.js", failingTest)
	code = c.run("test", "--stop-on-fail")
	c.expect(code, exitcode.ScriptError, []string{"\nFAILED: 1 file, 1 test, "}, nil)
}

// TestTestCommandLoadErrorExits2: a test file that does not compile is a
// load error in the results, exit 2.
func TestTestCommandLoadErrorExits2(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("bad.test.js", "class X extends ImpTestCase { testA() { let = ; } }")
	code := c.run("test")
	c.expect(code, exitcode.Usage, []string{"  ERROR: could not load: bad.test.js:1:", "SyntaxError"}, nil)
}

// TestTestCommandOutputs: --json prints one JSON document; --junit writes
// XML to a path taken from the working directory.
func TestTestCommandOutputs(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("greet.js", agentJS)
	c.write("greet.test.js", passingTest)
	code := c.run("test", "--json", "--junit", "out/junit.xml", "--filter", "testAdds")
	c.expect(code, exitcode.Host, anything, []string{"agenthost test: --junit: open " + c.path("out/junit.xml") + ": no such file or directory\n"})

	c = newCLI(t)
	c.write("greet.js", agentJS)
	c.write("greet.test.js", passingTest)
	if err := os.Mkdir(c.path("out"), 0o755); err != nil {
		t.Fatal(err)
	}
	code = c.run("test", "--json", "--junit", "out/junit.xml", "--filter", "testAdds")
	c.expect(code, exitcode.OK, []string{`"method": "testAdds"`}, nil)
	var doc map[string]any
	if err := json.Unmarshal([]byte(c.stdout.String()), &doc); err != nil {
		t.Fatalf("--json output is not one JSON document: %v\n%s", err, c.stdout.String())
	}
	data, err := os.ReadFile(c.path("out/junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Cases []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite>testcase"`
	}
	if err := xml.Unmarshal(data, &suites); err != nil || len(suites.Cases) != 1 || suites.Cases[0].Name != "testAdds" {
		t.Fatalf("junit: %v %+v\n%s", err, suites, data)
	}
}

func TestTestCommandUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no test files", []string{"test"}, "agenthost test: no *.test.js or *.test.nut files in {dir}\n"},
		{"missing path", []string{"test", "nope"}, "agenthost test: test path {dir}/nope: no such file or directory\n"},
		{"missing agent", []string{"test", "--agent", "nope.js", "t"}, "agenthost test: --agent: stat {dir}/nope.js: no such file or directory\n"},
		{"bad clock", []string{"test", "--clock", "sundial"}, "agenthost test: --clock must be virtual or real, got \"sundial\"\n"},
		{"zero timeout", []string{"test", "--timeout", "0s"}, "agenthost test: --timeout must be positive, got 0s\n"},
		{"bad config", []string{"test", "--config", "bad.yaml", "t"}, "agenthost: {dir}/bad.yaml:1:1: unknown key \"brokr\" (did you mean \"broker\"?)\n"},
	} {
		c := newCLI(t)
		c.write("bad.yaml", "brokr: x\n")
		if tc.name != "no test files" {
			c.write("t/a.test.js", passingTest)
		}
		code := c.run(tc.args...)
		c.expect(code, exitcode.Usage, nil, []string{strings.ReplaceAll(tc.want, "{dir}", c.dir)})
		if t.Failed() {
			t.Fatalf("case %q", tc.name)
		}
	}
}

// TestTestCommandInterrupted: a signal ends the run at the file that is
// running (here a test that would wait an hour); later files do not run.
func TestTestCommandInterrupted(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.test.js", `class Slow extends ImpTestCase {
	testWaits() { return new Promise(function () {}); }
}`)
	c.write("b.test.js", passingTest)
	r := c.start("test", "--clock", "real", "--timeout", "1h")
	select {
	case <-c.signals.notified:
	case code := <-r.done:
		t.Fatalf("the test command ended with %d before watching signals", code)
	}
	if n := c.signals.send(os.Interrupt); n != 1 {
		t.Fatalf("%d signal channels registered, want 1", n)
	}
	r.wait()
	if out := c.stdout.String(); strings.Contains(out, "b.test.js") || strings.Contains(out, "Greet.") {
		t.Fatalf("the run went on after the interrupt:\n%s", out)
	}
}
