package scripttest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// WriteFileResult prints one file's results for a person, in the spirit
// of impt test: a line per test, details under failures.
func WriteFileResult(w io.Writer, f FileResult) {
	fmt.Fprintf(w, "%s", f.File)
	if f.Agent != "" {
		fmt.Fprintf(w, " (agent %s)", f.Agent)
	}
	fmt.Fprintln(w)
	if f.LoadError != "" {
		fmt.Fprintf(w, "  ERROR: could not load: %s\n", f.LoadError)
		return
	}
	if len(f.Tests) == 0 {
		fmt.Fprintln(w, "  no tests (no class extends ImpTestCase, or --filter excluded them)")
	}
	for _, t := range f.Tests {
		mark := "ok  "
		switch t.Status {
		case Failed:
			mark = "FAIL"
		case Errored:
			mark = "ERR "
		}
		fmt.Fprintf(w, "  %s %s.%s (%d assertion%s, %s)\n", mark, t.Case, t.Method, t.Assertions, plural(t.Assertions), round(t.Duration))
		for _, l := range t.Info {
			fmt.Fprintf(w, "       info: %s\n", l)
		}
		if t.Status == Passed {
			continue
		}
		loc := t.Location
		if loc != "" {
			loc += ": "
		}
		fmt.Fprintf(w, "       %s%s\n", loc, t.Message)
		if t.HasValues {
			fmt.Fprintf(w, "       expected: %s\n       actual:   %s\n", t.Expected, t.Actual)
		}
		if n := len(t.Logs); n > 0 {
			from := max(0, n-10)
			fmt.Fprintf(w, "       agent log during the test (last %d of %d lines):\n", n-from, n)
			for _, l := range t.Logs[from:] {
				fmt.Fprintf(w, "         %s\n", l)
			}
		}
	}
}

// WriteSummary prints the closing totals line.
func WriteSummary(w io.Writer, r Result) {
	tests, assertions, failures, errs := r.Counts()
	verdict := "PASSED"
	if failures+errs > 0 {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "\n%s: %d file%s, %d test%s, %d assertion%s, %d failure%s, %d error%s, %s\n",
		verdict, len(r.Files), plural(len(r.Files)), tests, plural(tests), assertions, plural(assertions),
		failures, plural(failures), errs, plural(errs), round(r.Duration))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

// WriteJSON writes the whole run as one JSON document.
func WriteJSON(w io.Writer, r Result) error {
	type test struct {
		File       string   `json:"file"`
		Case       string   `json:"case"`
		Method     string   `json:"method"`
		Status     string   `json:"status"`
		Message    string   `json:"message,omitempty"`
		Location   string   `json:"location,omitempty"`
		Expected   *string  `json:"expected,omitempty"`
		Actual     *string  `json:"actual,omitempty"`
		Assertions int      `json:"assertions"`
		Seconds    float64  `json:"seconds"`
		Info       []string `json:"info,omitempty"`
		Logs       []string `json:"logs,omitempty"`
	}
	type file struct {
		File      string  `json:"file"`
		Agent     string  `json:"agent,omitempty"`
		LoadError string  `json:"load_error,omitempty"`
		Seconds   float64 `json:"seconds"`
		Tests     []test  `json:"tests"`
	}
	tests, assertions, failures, errs := r.Counts()
	doc := struct {
		Passed     bool    `json:"passed"`
		Tests      int     `json:"tests"`
		Assertions int     `json:"assertions"`
		Failures   int     `json:"failures"`
		Errors     int     `json:"errors"`
		Seconds    float64 `json:"seconds"`
		Files      []file  `json:"files"`
	}{failures+errs == 0, tests, assertions, failures, errs, r.Duration.Seconds(), []file{}}
	for _, f := range r.Files {
		jf := file{File: f.File, Agent: f.Agent, LoadError: f.LoadError, Seconds: f.Duration.Seconds(), Tests: []test{}}
		for _, t := range f.Tests {
			jt := test{File: t.File, Case: t.Case, Method: t.Method, Status: t.Status, Message: t.Message,
				Location: t.Location, Assertions: t.Assertions, Seconds: t.Duration.Seconds(), Info: t.Info}
			if t.HasValues {
				jt.Expected, jt.Actual = &t.Expected, &t.Actual
			}
			if t.Status != Passed {
				jt.Logs = t.Logs
			}
			jf.Tests = append(jf.Tests, jt)
		}
		doc.Files = append(doc.Files, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteJUnit writes JUnit XML, one <testsuite> per file, one <testcase>
// per test, a <failure> or <error> with the location, message, expected
// and actual values. A file that could not be loaded is a suite of one
// errored test case named "load"; the <testsuites> counts are the sums of
// the suites' counts.
func WriteJUnit(w io.Writer, r Result) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		File      string   `xml:"file,attr,omitempty"`
		Time      string   `xml:"time,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		Error     *failure `xml:"error,omitempty"`
		SystemOut string   `xml:"system-out,omitempty"`
	}
	type suite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Errors   int        `xml:"errors,attr"`
		Time     string     `xml:"time,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	type suites struct {
		XMLName  xml.Name `xml:"testsuites"`
		Name     string   `xml:"name,attr"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Errors   int      `xml:"errors,attr"`
		Time     string   `xml:"time,attr"`
		Suites   []suite  `xml:"testsuite"`
	}
	secs := func(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
	doc := suites{Name: "agenthost test", Time: secs(r.Duration)}
	for _, f := range r.Files {
		s := suite{Name: f.File, Time: secs(f.Duration)}
		if f.LoadError != "" {
			s.Errors++
			s.Tests++
			s.Cases = append(s.Cases, testcase{Name: "load", Classname: f.File, File: f.File, Time: "0.000",
				Error: &failure{Message: f.LoadError, Type: "LoadError", Body: f.LoadError}})
		}
		for _, t := range f.Tests {
			s.Tests++
			tc := testcase{Name: t.Method, Classname: t.Case, File: t.File, Time: secs(t.Duration)}
			if t.Status != Passed {
				var body strings.Builder
				if t.Location != "" {
					fmt.Fprintf(&body, "%s: ", t.Location)
				}
				body.WriteString(t.Message + "\n")
				if t.HasValues {
					fmt.Fprintf(&body, "expected: %s\nactual:   %s\n", t.Expected, t.Actual)
				}
				fl := &failure{Message: t.Message, Body: body.String()}
				if t.Status == Failed {
					fl.Type = "AssertionError"
					tc.Failure = fl
					s.Failures++
				} else {
					fl.Type = "Error"
					tc.Error = fl
					s.Errors++
				}
				tc.SystemOut = strings.Join(t.Logs, "\n")
			}
			s.Cases = append(s.Cases, tc)
		}
		doc.Suites = append(doc.Suites, s)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteJUnitFile writes JUnit XML to path; errors name the path.
func WriteJUnitFile(path string, r Result) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	if err := WriteJUnit(f, r); err != nil {
		f.Close()
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	return nil
}
