package scripttest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// countsRun runs four test files whose outcomes differ per file, so every
// count in a report is distinct: mixed.test.js (2 passed, 1 failed, 1
// threw), broken.test.js (its agent throws: a load error), one.test.js (1
// passed) and fails.test.js (1 passed, 2 failed).
func countsRun(t *testing.T, obs Observer) Result {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "mixed.test.js", `
class Mixed extends ImpTestCase {
	testPassA() { this.assertTrue(true); this.assertEqual(1, 1); this.assertClose(1, 1.05, 0.1); }
	testPassB() { this.assertTrue(true); }
	testFails() { this.assertEqual(1, 2); }
	testThrows() { throw new TypeError("boom"); }
}`)
	write(t, dir, "broken.js", "throw new Error('agent broke');")
	write(t, dir, "broken.test.js", "class B extends ImpTestCase { testA() {} }")
	write(t, dir, "one.test.js", "class One extends ImpTestCase { testA() { this.assertTrue(true); } }")
	write(t, dir, "fails.test.js", `
class Fails extends ImpTestCase {
	testA() { this.assertTrue(false); }
	testB() { this.assertTrue(true); }
	testC() { this.assertEqual("x", "y"); }
}`)
	res, err := Run(context.Background(), Options{Paths: []string{dir}, Observer: obs}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestJUnitCountsAreExact: each <testsuite> counts its own tests, failures
// and errors (a load error is one errored test), and <testsuites> carries
// their sums.
func TestJUnitCountsAreExact(t *testing.T) {
	res := countsRun(t, nil)
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, res); err != nil {
		t.Fatal(err)
	}
	type counts struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
	}
	var doc struct {
		counts
		Suites []struct {
			counts
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
				Error   *struct{} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	want := map[string]counts{
		"broken.test.js": {Tests: 1, Failures: 0, Errors: 1},
		"fails.test.js":  {Tests: 3, Failures: 2, Errors: 0},
		"mixed.test.js":  {Tests: 4, Failures: 1, Errors: 1},
		"one.test.js":    {Tests: 1, Failures: 0, Errors: 0},
	}
	if len(doc.Suites) != len(want) {
		t.Fatalf("%d suites, want %d:\n%s", len(doc.Suites), len(want), buf.String())
	}
	for _, s := range doc.Suites {
		w, ok := want[filepath.Base(s.Name)]
		got := counts{Tests: s.Tests, Failures: s.Failures, Errors: s.Errors}
		if !ok || got != w {
			t.Errorf("suite %s: tests %d failures %d errors %d, want %+v", s.Name, s.Tests, s.Failures, s.Errors, w)
		}
		// The counts agree with the test cases the suite holds.
		var fails, errs int
		for _, c := range s.Cases {
			if c.Failure != nil {
				fails++
			}
			if c.Error != nil {
				errs++
			}
		}
		if len(s.Cases) != s.Tests || fails != s.Failures || errs != s.Errors {
			t.Errorf("suite %s holds %d cases, %d failures, %d errors, but says %d, %d, %d",
				s.Name, len(s.Cases), fails, errs, s.Tests, s.Failures, s.Errors)
		}
	}
	if doc.Name != "agenthost test" || doc.Tests != 9 || doc.Failures != 3 || doc.Errors != 2 {
		t.Errorf("testsuites %q: tests %d failures %d errors %d, want 9, 3, 2 (the sums of its suites)", doc.Name, doc.Tests, doc.Failures, doc.Errors)
	}
}

// TestJSONAndSummaryCountsAreExact: the JSON events and the closing line
// count tests, assertions, failures and errors exactly, as the JUnit XML
// does: a file that could not load is one test, (load), with an error.
func TestJSONAndSummaryCountsAreExact(t *testing.T) {
	var buf bytes.Buffer
	stream := NewJSONStream(&buf)
	res := countsRun(t, stream)
	if err := stream.Summary(res); err != nil {
		t.Fatal(err)
	}
	type event struct {
		Action, File, Test                         string
		Passed                                     bool
		Files, Tests, Assertions, Failures, Errors int
	}
	statuses := map[string][]string{}
	ends := map[string]event{}
	var last event
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		var e event
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		f := filepath.Base(e.File)
		switch e.Action {
		case "pass", "fail", "error":
			statuses[f] = append(statuses[f], e.Action+" "+e.Test)
		case "end":
			ends[f] = e
		}
		last = e
	}
	// Assertions: mixed 3+1+1 (assertEqual(1, 2) counts), one 1, fails 1+1+1.
	if last.Action != "summary" || last.Passed || last.Files != 4 || last.Tests != 9 || last.Assertions != 9 || last.Failures != 3 || last.Errors != 2 {
		t.Errorf("last event %+v, want the summary: 4 files, 9 tests, 9 assertions, 3 failures, 2 errors, not passed", last)
	}
	wantStatuses := map[string]string{"broken.test.js": "error (load)", "fails.test.js": "fail Fails.testA,pass Fails.testB,fail Fails.testC",
		"mixed.test.js": "fail Mixed.testFails,pass Mixed.testPassA,pass Mixed.testPassB,error Mixed.testThrows", "one.test.js": "pass One.testA"}
	wantEnds := map[string][3]int{"broken.test.js": {1, 0, 1}, "fails.test.js": {3, 2, 0}, "mixed.test.js": {4, 1, 1}, "one.test.js": {1, 0, 0}}
	for f, w := range wantStatuses {
		if got := strings.Join(statuses[f], ","); got != w {
			t.Errorf("%s: results %q, want %q", f, got, w)
		}
		if e := ends[f]; [3]int{e.Tests, e.Failures, e.Errors} != wantEnds[f] {
			t.Errorf("%s: end event %+v, want tests, failures, errors %v", f, e, wantEnds[f])
		}
	}

	buf.Reset()
	WriteSummary(&buf, res)
	line := regexp.MustCompile(`[0-9.]+[µm]?s\n$`).ReplaceAllString(buf.String(), "D\n")
	if want := "\nFAILED: 4 files, 9 tests, 9 assertions, 3 failures, 2 errors, D\n"; line != want {
		t.Errorf("summary %q, want %q", line, want)
	}
}

// TestTestTimeoutIsKeptBothWays: a test whose Promise never settles fails
// once its timeout of wall time has passed, and not much later.
func TestTestTimeoutIsKeptBothWays(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "t.test.js", "class T extends ImpTestCase { testNeverSettles() { return new Promise(function () {}); } }")
	const timeout = time.Second
	res, err := Run(context.Background(), Options{Paths: []string{dir}, Timeout: timeout}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := res.Files[0].Tests
	if len(ts) != 1 || ts[0].Status != Failed || ts[0].Message != "timed out after 1s (the returned Promise never settled)" {
		t.Fatalf("%+v", ts)
	}
	if d := ts[0].Duration; d < timeout || d > timeout*3/2 {
		t.Fatalf("the test was stopped after %v; its timeout is %v", d, timeout)
	}
}

// TestWaitTimeoutsAreExactOnTheVirtualClock: waitForLog and
// broker.nextMessage with a timeout reject exactly that long after they
// were called, on the test's (virtual) clock; a line or message that comes
// in time resolves them.
func TestWaitTimeoutsAreExactOnTheVirtualClock(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "w.test.js", `
class W extends ImpTestCase {
	async testWaitForLog() {
		const t0 = this.clock.now();
		imp.wakeup(2.99, function () { server.log("in time"); });
		this.assertEqual("in time", await this.waitForLog("in time", 3));
		this.assertClose(2.99, this.clock.now() - t0, 0.001);
		const t1 = this.clock.now();
		let msg = "resolved";
		try { await this.waitForLog("never", 2.5); } catch (e) { msg = e.message; }
		this.assertEqual("waitForLog: the agent logged no line matching never within 2.5s", msg);
		this.assertClose(2.5, this.clock.now() - t1, 0.001);
	}
	async testNextMessage() {
		const t0 = this.clock.now();
		let msg = "resolved";
		try { await this.broker.nextMessage("none/#", 7.5); } catch (e) { msg = e.message; }
		this.assertEqual("broker.nextMessage: the agent published nothing on none/# within 7.5s", msg);
		this.assertClose(7.5, this.clock.now() - t0, 0.001);
	}
}`)
	res, err := Run(context.Background(), Options{Paths: []string{dir}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := res.Files[0].Tests
	if len(ts) != 2 || ts[0].Status != Passed || ts[1].Status != Passed || ts[0].Method != "testNextMessage" || ts[0].Assertions != 2 || ts[1].Assertions != 4 {
		t.Fatalf("%+v", ts)
	}
}

// TestAssertionBounds: assertClose and assertBetween include their bounds,
// assertGreater and assertLess exclude them.
func TestAssertionBounds(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "b.test.js", `
class B extends ImpTestCase {
	testCloseAtMaxDiff() { this.assertClose(1, 1.5, 0.5); }
	testCloseBeyond() { this.assertClose(1, 1.5, 0.25); }
	testBetweenLow() { this.assertBetween(5, 5, 6); }
	testBetweenHigh() { this.assertBetween(6, 5, 6); }
	testBetweenBeyond() { this.assertBetween(6.5, 5, 6); }
	testGreaterEqual() { this.assertGreater(1, 1); }
	testLessEqual() { this.assertLess(1, 1); }
}`)
	res, err := Run(context.Background(), Options{Paths: []string{dir}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tr := range res.Files[0].Tests {
		got[tr.Method] = tr.Status
	}
	want := map[string]string{"testCloseAtMaxDiff": Passed, "testCloseBeyond": Failed, "testBetweenLow": Passed,
		"testBetweenHigh": Passed, "testBetweenBeyond": Failed, "testGreaterEqual": Failed, "testLessEqual": Failed}
	for m, w := range want {
		if got[m] != w {
			t.Errorf("%s: %q, want %q", m, got[m], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("ran %d tests, want %d: %v", len(got), len(want), got)
	}
}
