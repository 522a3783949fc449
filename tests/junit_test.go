package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// junitReader is a Python program that reads a JUnit file with
// junitparser, a maintained JUnit reader, and prints what it read as JSON:
// the totals as written and as junitparser recomputes them from the cases,
// and every suite's and case's attributes, properties, results and output.
const junitReader = `
import json, sys
from junitparser import JUnitXml, TestSuite, TestCase, Attr, IntAttr

class Suites(JUnitXml):
    timestamp = Attr()

class Suite(TestSuite):
    file = Attr()

class Case(TestCase):
    file = Attr()
    line = IntAttr()
    timestamp = Attr()

def totals(x):
    return {"tests": x.tests, "failures": x.failures, "errors": x.errors, "skipped": x.skipped}

xml = Suites.fromfile(sys.argv[1])
out = {"name": xml.name, "time": xml.time, "timestamp": xml.timestamp, "written": totals(xml), "suites": []}
for s in xml:
    s = Suite.fromelem(s)
    suite = {"name": s.name, "file": s.file, "time": s.time, "timestamp": s.timestamp, "written": totals(s),
             "properties": {p.name: p.value for p in s.properties()}, "cases": []}
    for c in s:
        c = Case.fromelem(c)
        suite["cases"].append({"name": c.name, "classname": c.classname, "file": c.file, "line": c.line,
            "timestamp": c.timestamp, "time": c.time, "system_out": c.system_out,
            "results": [{"kind": type(r).__name__, "type": r.type, "message": r.message, "text": r.text} for r in c.result]})
    s.update_statistics()
    suite["recounted"] = totals(s)
    out["suites"].append(suite)
xml.update_statistics()
out["recounted"] = totals(xml)
json.dump(out, sys.stdout)
`

// junitPython returns a Python 3 that can import junitparser (installed
// by scripts/test.sh from the python3-junitparser package). Without one
// the test fails in CI (CI=true) and is skipped elsewhere.
func junitPython(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import junitparser").Run() == nil {
			return p
		}
	}
	msg := "no python3 with junitparser (apt-get install python3-junitparser)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

type junitTotals struct{ Tests, Failures, Errors, Skipped int }

type junitRead struct {
	Name, Timestamp string
	Time            float64
	Written         junitTotals
	Recounted       junitTotals
	Suites          []struct {
		Name, File, Timestamp string
		Time                  float64
		Written, Recounted    junitTotals
		Properties            map[string]string
		Cases                 []struct {
			Name, Classname, File, Timestamp string
			Line                             int
			Time                             float64
			SystemOut                        *string `json:"system_out"`
			Results                          []struct{ Kind, Type, Message, Text string }
		}
	}
}

// TestJUnitReadByJunitparser: the JUnit XML of a run with a passing, a
// failing and a throwing test, an inherited test and a file that cannot
// be loaded reads back in junitparser with every total consistent (as
// written, recomputed from the cases, and as the text summary says), and
// every case's file, line, timestamp, time, result and output as expected.
func TestJUnitReadByJunitparser(t *testing.T) {
	t.Parallel()
	python := junitPython(t)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "t"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "t/agenthost.yaml"), "configparams: {greeting: hi}\n")
	writeFile(t, filepath.Join(dir, "t/greet.js"), `function greet(n) { server.log(imp.configparams.greeting + " " + n); }`)
	writeFile(t, filepath.Join(dir, "t/greet.test.js"), `class Greet extends ImpTestCase {
    async testLogs() {
        greet("bob");
        this.assertEqual("hi bob", await this.waitForLog("hi"));
    }
    testWrong() {
        this.assertEqual(3, 1 + 1);
    }
    testThrows() { throw new RangeError("nope"); }
}

class Base extends ImpTestCase {
    testBase() { this.assertTrue(true); }
}
class Derived extends Base {}
`)
	writeFile(t, filepath.Join(dir, "t/bad.test.js"), "// fine\n// fine\nclass Bad extends ImpTestCase { testA() { let = ; } }\n")

	before := time.Now().Add(-time.Millisecond)
	r := runBin(t, dir, "test", "--junit", "out.xml", "t")
	after := time.Now().Add(time.Millisecond)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2 (a file could not be loaded)\n%s", r.code, strings.Join(r.stdout, "\n"))
	}
	if want := "FAILED: 2 files, 6 tests, 4 assertions, 1 failure, 2 errors, "; !strings.Contains(r.rawOut, want) {
		t.Fatalf("the text summary lacks %q:\n%s", want, r.rawOut)
	}
	out, err := exec.Command(python, "-c", junitReader, filepath.Join(dir, "out.xml")).CombinedOutput()
	if err != nil {
		t.Fatalf("junitparser could not read the file: %v\n%s", err, out)
	}
	var got junitRead
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	// Timestamps: RFC 3339 UTC with milliseconds, within the run; times
	// nested: a case within its suite, the suites within the run.
	inRun := func(what, s string) time.Time {
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || !strings.HasSuffix(s, "Z") || len(s) != len("2026-11-23T18:14:00.123Z") || ts.Before(before) || ts.After(after) {
			t.Errorf("%s timestamp %q is not RFC 3339 UTC with milliseconds within the run (%v)", what, s, err)
		}
		return ts
	}
	start := inRun("testsuites", got.Timestamp)
	wall := after.Sub(before).Seconds()
	if got.Name != "agenthost test" || got.Time <= 0 || got.Time > wall {
		t.Errorf("testsuites: name %q, time %v (the run took %.3f s)", got.Name, got.Time, wall)
	}
	want := junitTotals{Tests: 6, Failures: 1, Errors: 2}
	if got.Written != want || got.Recounted != want {
		t.Errorf("testsuites totals: written %+v, recounted by junitparser %+v, want %+v", got.Written, got.Recounted, want)
	}

	type wantCase struct {
		name, classname, file string
		line                  int
		kind, typ, message    string
		text                  string
		out                   *string
	}
	str := func(s string) *string { return &s }
	loadErr := "bad.test.js:3:49: SyntaxError: Unexpected token ;"
	suites := []struct {
		name   string
		totals junitTotals
		props  map[string]string
		cases  []wantCase
	}{
		{"t/bad.test.js", junitTotals{Tests: 1, Errors: 1},
			map[string]string{"config": "t/agenthost.yaml", "config_from": "beside bad.test.js", "agent": ""},
			[]wantCase{{"(load)", "t/bad.test.js", "t/bad.test.js", 3, "Error", "LoadError", loadErr, loadErr, nil}}},
		{"t/greet.test.js", junitTotals{Tests: 5, Failures: 1, Errors: 1},
			map[string]string{"config": "t/agenthost.yaml", "config_from": "beside greet.test.js", "agent": "t/greet.js"},
			[]wantCase{
				{"testLogs", "Greet", "t/greet.test.js", 2, "", "", "", "", str("[Agent] hi bob")},
				{"testThrows", "Greet", "t/greet.test.js", 9, "Error", "Error", "RangeError: nope", "greet.test.js:9: RangeError: nope\n", nil},
				{"testWrong", "Greet", "t/greet.test.js", 6, "Failure", "AssertionError", "Expected value: 3, got: 2",
					"greet.test.js:7: Expected value: 3, got: 2\nexpected: 3\nactual:   2\n", nil},
				{"testBase", "Base", "t/greet.test.js", 13, "", "", "", "", nil},
				{"testBase", "Derived", "t/greet.test.js", 15, "", "", "", "", nil},
			}},
	}
	if len(got.Suites) != len(suites) {
		t.Fatalf("%d suites, want %d:\n%s", len(got.Suites), len(suites), out)
	}
	var sum float64
	for i, ws := range suites {
		s := got.Suites[i]
		what := "suite " + ws.name
		if s.Name != ws.name || s.File != ws.name {
			t.Errorf("%s: name %q, file %q", what, s.Name, s.File)
		}
		if s.Written != ws.totals || s.Recounted != ws.totals {
			t.Errorf("%s totals: written %+v, recounted %+v, want %+v", what, s.Written, s.Recounted, ws.totals)
		}
		if fmt.Sprint(s.Properties) != fmt.Sprint(ws.props) {
			t.Errorf("%s properties %v, want %v", what, s.Properties, ws.props)
		}
		suiteStart := inRun(what, s.Timestamp)
		if suiteStart.Before(start.Truncate(time.Millisecond)) {
			t.Errorf("%s starts at %v, before the run (%v)", what, suiteStart, start)
		}
		sum += s.Time
		if len(s.Cases) != len(ws.cases) {
			t.Errorf("%s: %d cases, want %d", what, len(s.Cases), len(ws.cases))
			continue
		}
		var caseTime float64
		for j, wc := range ws.cases {
			c := s.Cases[j]
			cw := what + " case " + wc.classname + "." + wc.name
			if c.Name != wc.name || c.Classname != wc.classname || c.File != wc.file || c.Line != wc.line {
				t.Errorf("%s: name %q classname %q file %q line %d, want %q %q %q %d", cw, c.Name, c.Classname, c.File, c.Line, wc.name, wc.classname, wc.file, wc.line)
			}
			if ts := inRun(cw, c.Timestamp); ts.Before(suiteStart) {
				t.Errorf("%s starts before its suite", cw)
			}
			caseTime += c.Time
			if c.Time < 0 || c.Time > s.Time {
				t.Errorf("%s: time %v outside its suite's %v", cw, c.Time, s.Time)
			}
			switch {
			case wc.kind == "" && len(c.Results) != 0:
				t.Errorf("%s passed but has results %+v", cw, c.Results)
			case wc.kind != "" && (len(c.Results) != 1 || c.Results[0].Kind != wc.kind || c.Results[0].Type != wc.typ ||
				c.Results[0].Message != wc.message || c.Results[0].Text != wc.text):
				t.Errorf("%s: results %+v, want one %s type %q message %q text %q", cw, c.Results, wc.kind, wc.typ, wc.message, wc.text)
			}
			if (c.SystemOut == nil) != (wc.out == nil) || c.SystemOut != nil && *c.SystemOut != *wc.out {
				t.Errorf("%s: system-out %v, want %v", cw, strOrNil(c.SystemOut), strOrNil(wc.out))
			}
		}
		if caseTime > s.Time+0.001*float64(len(ws.cases)) {
			t.Errorf("%s: its cases took %v, more than the suite's %v", what, caseTime, s.Time)
		}
	}
	if sum > got.Time+0.002 {
		t.Errorf("the suites took %v, more than the run's %v", sum, got.Time)
	}
}

func strOrNil(s *string) string {
	if s == nil {
		return "none"
	}
	return strconv.Quote(*s)
}
