package tests

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExamplesPassTheirTests runs every example's *.test.js and *.test.nut
// (Squirrel) through `agenthost test`, with JUnit output. The fake-broker
// examples wait for real timeouts (a connect timeout, a keepalive): about
// a minute.
func TestExamplesPassTheirTests(t *testing.T) {
	dir := t.TempDir()
	junit := filepath.Join(dir, "junit.xml")
	r := runBinWithin(t, 3*time.Minute, repo, "test", "examples", "--junit", junit)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\nstderr %q", r.code, r.rawOut, r.stderr)
	}
	var nuts int
	for _, ext := range []string{".js", ".nut"} {
		examples, _ := filepath.Glob(filepath.Join(repo, "examples", "*", "*"+ext))
		more, _ := filepath.Glob(filepath.Join(repo, "examples", "*", "*", "*"+ext))
		for _, e := range append(examples, more...) {
			if strings.HasSuffix(e, ".test"+ext) || filepath.Base(e) == "device.js" {
				continue // device scripts are exercised through their agent's tests
			}
			if ext == ".nut" {
				nuts++
			}
			test := strings.TrimSuffix(e, ext) + ".test" + ext
			if _, err := os.Stat(test); err != nil {
				t.Errorf("example %s has no test file %s", e, filepath.Base(test))
			}
		}
	}
	// the Squirrel versions of the MQTT examples: onconnect (2), hello,
	// echo, periodic, fakebroker, ratelimit (4)
	if nuts != 10 {
		t.Errorf("%d Squirrel examples, want 10", nuts)
	}
	if !strings.Contains(r.rawOut, "PASSED: 25 files") {
		t.Fatalf("summary: %s", r.rawOut[max(0, len(r.rawOut)-200):])
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	data, err := os.ReadFile(junit)
	if err != nil || xml.Unmarshal(data, &doc) != nil || doc.Tests < 58 || doc.Failures != 0 {
		t.Fatalf("junit: %v %+v", err, doc)
	}
}

// TestFailingAssertionIsReported: file:line, expected and actual, exit 1,
// and the same failure in the JUnit file and the JSON output.
func TestFailingAssertionIsReported(t *testing.T) {
	dir := t.TempDir()
	junit := filepath.Join(dir, "junit.xml")
	r := runBin(t, filepath.Join(repo, "tests", "testdata", "failing"), "test", "--junit", junit)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.rawOut)
	}
	for _, want := range []string{
		"  ok   FailingTest.testPasses (1 assertion",
		"  FAIL FailingTest.testFails (1 assertion",
		"failing.test.js:10: Expected value: 41, got: 42",
		"expected: 41",
		"actual:   42",
		"FAILED: 1 file, 2 tests, 2 assertions, 1 failure, 0 errors",
	} {
		if !strings.Contains(r.rawOut, want) {
			t.Fatalf("output lacks %q:\n%s", want, r.rawOut)
		}
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Body    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var body string
	for _, c := range doc.Suites[0].Cases {
		if c.Name == "testFails" && c.Failure != nil {
			body = c.Failure.Body
		}
	}
	if !strings.Contains(body, "failing.test.js:10: Expected value: 41, got: 42") || !strings.Contains(body, "actual:   42") {
		t.Fatalf("junit failure body %q", body)
	}

	r = runBin(t, filepath.Join(repo, "tests", "testdata", "failing"), "test", "--json", "--filter", "testFails")
	var fail, summary struct {
		Action, Test, Location string
		Expected, Actual       *string
		Passed                 bool
		Tests                  int
	}
	for _, l := range strings.Split(strings.TrimSpace(r.rawOut), "\n") {
		var e struct {
			Action, Test, Location string
			Expected, Actual       *string
			Passed                 bool
			Tests                  int
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("--json line %q: %v", l, err)
		}
		switch e.Action {
		case "fail":
			fail = e
		case "summary":
			summary = e
		}
	}
	if r.code != 1 || summary.Passed || summary.Tests != 1 || fail.Test != "FailingTest.testFails" || fail.Location != "failing.test.js:10" ||
		fail.Expected == nil || *fail.Expected != "41" || *fail.Actual != "42" {
		t.Fatalf("json fail %+v summary %+v\n%s", fail, summary, r.rawOut)
	}
}

// TestStopOnFail: testFails sorts before testPasses, so --stop-on-fail
// runs one test.
func TestStopOnFail(t *testing.T) {
	r := runBin(t, filepath.Join(repo, "tests", "testdata", "failing"), "test", "--stop-on-fail")
	if r.code != 1 || !strings.Contains(r.rawOut, "FAILED: 1 file, 1 test,") || strings.Contains(r.rawOut, "testPasses") {
		t.Fatalf("exit %d\n%s", r.code, r.rawOut)
	}
}

func TestTestCommandUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"test", "nowhere"}, "nowhere"},
		{[]string{"test"}, "no *.test.js or *.test.nut files"},
		{[]string{"test", "--timeout", "0s"}, "--timeout must be positive"},
	} {
		r := runBin(t, dir, tc.args...)
		if r.code != 2 || !strings.Contains(strings.Join(r.stderr, "\n"), tc.want) {
			t.Errorf("%v: exit %d stderr %q", tc.args, r.code, r.stderr)
		}
	}
	writeFile(t, filepath.Join(dir, "broken.test.js"), "class X extends ImpTestCase {\n  testA() { \n")
	r := runBin(t, dir, "test")
	if r.code != 2 || !strings.Contains(r.rawOut, "could not load: broken.test.js:") {
		t.Fatalf("syntax error: exit %d\n%s", r.code, r.rawOut)
	}
}
