package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestTestCommandOutputs: --junit writes XML to a path taken from the
// working directory, checked before any test runs: an unwritable one is
// exit 2 with nothing run, and leaves no file behind.
func TestTestCommandOutputs(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("greet.js", agentJS)
	c.write("greet.test.js", passingTest)
	code := c.run("test", "--junit", "out/junit.xml", "--filter", "testAdds")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost test: --junit: open " + c.path("out/junit.xml") + ": no such file or directory\n" +
		"Try: create the directory, or give --junit a writable path\n"})

	c = newCLI(t)
	c.write("greet.js", agentJS)
	c.write("greet.test.js", passingTest)
	if err := os.Mkdir(c.path("out"), 0o755); err != nil {
		t.Fatal(err)
	}
	code = c.run("test", "--junit", "out/junit.xml", "--filter", "testAdds")
	c.expect(code, exitcode.OK, []string{"  ok   Greet.testAdds"}, nil)
	suites := readJUnit(t, c.path("out/junit.xml"))
	if len(suites.Suites) != 1 || len(suites.Suites[0].Cases) != 1 || suites.Suites[0].Cases[0].Name != "testAdds" {
		t.Fatalf("junit: %+v", suites)
	}

	// A results file that cannot be written at the end: exit 3.
	c = newCLI(t)
	c.write("greet.js", agentJS)
	c.write("greet.test.js", passingTest)
	code = c.run("test", "--junit", "/dev/full")
	c.expect(code, exitcode.Host, []string{"PASSED: 1 file, 2 tests"}, []string{"agenthost test: --junit: write /dev/full: no space left on device\n"})
}

// junitDoc is JUnit XML as agenthost test writes it.
type junitDoc struct {
	Tests, Failures, Errors, Skipped int
	Time, Timestamp                  string
	Suites                           []struct {
		Name, File, Time, Timestamp      string
		Tests, Failures, Errors, Skipped int
		Properties                       []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name, Classname, File, Timestamp, Time string
			Line                                   int
			Failure                                *struct{ Message, Type, Body string }
			Error                                  *struct{ Message, Type, Body string }
			SystemOut                              string
		}
	}
}

// readJUnit reads the JUnit file at path: every attribute named as the
// field (lower case), the chardata of failures and system-out.
func readJUnit(t *testing.T, path string) junitDoc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type fail struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",chardata"`
	}
	var raw struct {
		Tests     int    `xml:"tests,attr"`
		Failures  int    `xml:"failures,attr"`
		Errors    int    `xml:"errors,attr"`
		Skipped   int    `xml:"skipped,attr"`
		Time      string `xml:"time,attr"`
		Timestamp string `xml:"timestamp,attr"`
		Suites    []struct {
			Name       string `xml:"name,attr"`
			File       string `xml:"file,attr"`
			Time       string `xml:"time,attr"`
			Timestamp  string `xml:"timestamp,attr"`
			Tests      int    `xml:"tests,attr"`
			Failures   int    `xml:"failures,attr"`
			Errors     int    `xml:"errors,attr"`
			Skipped    int    `xml:"skipped,attr"`
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				File      string `xml:"file,attr"`
				Line      int    `xml:"line,attr"`
				Timestamp string `xml:"timestamp,attr"`
				Time      string `xml:"time,attr"`
				Failure   *fail  `xml:"failure"`
				Error     *fail  `xml:"error"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
	var d junitDoc
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
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

// TestTestFilterIsARegexp: --filter is a regular expression on
// "Case.method"; an invalid one, or one that matches no test, is exit 2
// naming it.
func TestTestFilterIsARegexp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		filter string
		ran    []string
	}{
		{`Greet\.testA`, []string{"Greet.testAdds"}},
		{`^Greet\.(testLogs|testAdds)$`, []string{"Greet.testAdds", "Greet.testLogs"}},
		{`Logs$`, []string{"Greet.testLogs"}},
	} {
		c := newCLI(t)
		c.write("greet.js", agentJS)
		c.write("greet.test.js", passingTest)
		code := c.run("test", "--filter", tc.filter)
		c.expect(code, exitcode.OK, anything, nil)
		var ran []string
		for _, l := range c.stdout.lines() {
			if s, ok := strings.CutPrefix(l, "  ok   "); ok {
				ran = append(ran, strings.Fields(s)[0])
			}
		}
		if strings.Join(ran, ",") != strings.Join(tc.ran, ",") {
			t.Errorf("--filter %s ran %v, want %v", tc.filter, ran, tc.ran)
		}
	}

	c := newCLI(t)
	c.write("greet.test.js", passingTest)
	code := c.run("test", "--filter", "(")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost test: --filter `(` is not a regular expression: error parsing regexp: missing closing ): `(`\n"})

	c = newCLI(t)
	c.write("greet.js", agentJS)
	c.write("greet.test.js", passingTest)
	c.write("other.test.js", failingTest)
	code = c.run("test", "--filter", "nothing")
	c.expect(code, exitcode.Usage, []string{"\nNO TESTS RAN: 2 files, 0 tests, 0 assertions, 0 failures, 0 errors, "},
		[]string{"agenthost test: --filter `nothing` matched no test in 2 files\n"})
}

// jsonEvent is one line of `test --json`.
type jsonEvent struct {
	Time, Action, File, Test, Output, Message, Location, Agent, Config, Error string
	ConfigFrom                                                                string `json:"config_from"`
	LoadErr                                                                   string `json:"load_error"`
	Line, Assertions, Tests, Failures, Errors, Files                          int
	Elapsed                                                                   float64
	Passed                                                                    bool
	Expected, Actual                                                          *string
}

func jsonEvents(t *testing.T, out string) []jsonEvent {
	t.Helper()
	var evs []jsonEvent
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var e jsonEvent
		dec := json.NewDecoder(strings.NewReader(l))
		if err := dec.Decode(&e); err != nil || dec.More() {
			t.Fatalf("not one JSON object: %q (%v)", l, err)
		}
		evs = append(evs, e)
	}
	return evs
}

// TestTestJSONStreams: --json writes each event when it happens: the
// events of a finished test and the run and output events of the next
// are out while that test is still running.
func TestTestJSONStreams(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.test.js", `class A extends ImpTestCase {
    testFirst() { server.log("first"); this.assertTrue(true); }
    testSecond() { server.log("second"); return new Promise(function () {}); }
}`)
	r := c.start("test", "--json", "--clock", "real", "--timeout", "1h")
	c.stdout.await(t, "the second test's output", func(l string) bool {
		return strings.Contains(l, `"action":"output"`) && strings.Contains(l, `"test":"A.testSecond"`) && strings.Contains(l, `"output":"[Agent] second"`)
	})
	select {
	case code := <-r.done:
		t.Fatalf("the run ended (%d) before its second test did", code)
	default:
	}
	var got []string
	for _, e := range jsonEvents(t, c.stdout.String()) {
		if e.Action != "output" || strings.HasPrefix(e.Output, "[Agent]") {
			got = append(got, e.Action+" "+e.Test+" "+e.Output)
		}
	}
	want := []string{"start  ", "run A.testFirst ", "output A.testFirst [Agent] first", "pass A.testFirst ", "run A.testSecond ", "output A.testSecond [Agent] second"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events so far:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c.signals.send(os.Interrupt)
	r.wait()
	evs := jsonEvents(t, c.stdout.String())
	if last := evs[len(evs)-1]; last.Action != "summary" || last.Tests != 1 || !last.Passed {
		t.Fatalf("last event %+v, want the summary of the one test that ended", last)
	}
}

// TestTestJSONEvents: every test gets a run event and a result event with
// its declaration line; a file that cannot be loaded gets (load); the
// end and summary events add up; times are RFC 3339 UTC within the run.
func TestTestJSONEvents(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("g.js", agentJS)
	c.write("g.test.js", `class G extends ImpTestCase {
    testPasses() { greet("ann"); this.assertTrue(true); }

    testFails() {
        this.assertEqual(3, 1 + 1);
    }
    testThrows() { throw new TypeError("no"); }
}`)
	c.write("bad.test.js", "// a comment\nclass B extends ImpTestCase { testA() { let = ; } }")
	before := time.Now().Add(-time.Millisecond)
	code := c.run("test", "--json")
	after := time.Now().Add(time.Millisecond)
	c.expect(code, exitcode.Usage, anything, nil)
	evs := jsonEvents(t, c.stdout.String())
	var results []string
	for _, e := range evs {
		ts, err := time.Parse(time.RFC3339Nano, e.Time)
		if err != nil || !strings.HasSuffix(e.Time, "Z") || len(e.Time) != len("2026-11-23T18:14:00.123Z") || ts.Before(before) || ts.After(after) {
			t.Errorf("event time %q is not RFC 3339 UTC with milliseconds within the run (%v)", e.Time, err)
		}
		switch e.Action {
		case "run":
			results = append(results, fmt.Sprintf("run %s %d", e.Test, e.Line))
		case "pass", "fail", "error":
			r := fmt.Sprintf("%s %s %d %d %q %q", e.Action, e.Test, e.Line, e.Assertions, e.Message, e.Location)
			if e.Expected != nil {
				r += " " + *e.Expected + "/" + *e.Actual
			}
			results = append(results, r)
		case "end":
			results = append(results, fmt.Sprintf("end %s %d %d %d %q", filepath.Base(e.File), e.Tests, e.Failures, e.Errors, e.LoadErr))
		case "summary":
			results = append(results, fmt.Sprintf("summary %v %d %d %d %d %d %q", e.Passed, e.Files, e.Tests, e.Assertions, e.Failures, e.Errors, e.Error))
		}
	}
	loadErr := "bad.test.js:2:47: SyntaxError: Unexpected token ;"
	want := []string{
		"run (load) 2",
		fmt.Sprintf("error (load) 2 0 %q %q", loadErr, "bad.test.js:2"),
		fmt.Sprintf("end bad.test.js 1 0 1 %q", loadErr),
		"run G.testFails 4",
		fmt.Sprintf("fail G.testFails 4 1 %q %q 3/2", "Expected value: 3, got: 2", "g.test.js:5"),
		"run G.testPasses 2",
		"pass G.testPasses 2 1 \"\" \"\"",
		"run G.testThrows 7",
		fmt.Sprintf("error G.testThrows 7 0 %q %q", "TypeError: no", "g.test.js:7"),
		"end g.test.js 3 1 1 \"\"",
		"summary false 2 4 2 1 2 \"1 test file(s) could not be loaded\"",
	}
	if strings.Join(results, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant:\n%s\nall:\n%s", strings.Join(results, "\n"), strings.Join(want, "\n"), c.stdout.String())
	}
}
