package scripttest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
)

// timestampLayout is the one format of wall times in the JUnit XML and the
// JSON events: RFC 3339 in UTC with milliseconds.
const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

func stamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

func secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// The JUnit XML elements, as JUnit readers (junitparser, Jenkins, GitLab)
// expect them.
type (
	junitSuites struct {
		XMLName   xml.Name     `xml:"testsuites"`
		Name      string       `xml:"name,attr"`
		Tests     int          `xml:"tests,attr"`
		Failures  int          `xml:"failures,attr"`
		Errors    int          `xml:"errors,attr"`
		Skipped   int          `xml:"skipped,attr"`
		Time      string       `xml:"time,attr"`
		Timestamp string       `xml:"timestamp,attr"`
		Suites    []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr"`
		File       string          `xml:"file,attr"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      []junitCase     `xml:"testcase"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		File      string        `xml:"file,attr"`
		Line      int           `xml:"line,attr,omitempty"`
		Timestamp string        `xml:"timestamp,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		Error     *junitFailure `xml:"error,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",chardata"`
	}
)

// WriteJUnit writes JUnit XML: one <testsuite> per file, with the config
// file and agent as <properties>, and one <testcase> per test with its
// file, line, start timestamp, a <failure> (assertion) or <error>
// (anything else thrown) naming the location, message, expected and
// actual values, and the test's log lines in <system-out>. A file that
// could not be loaded is a suite with one errored case named LoadTest.
// The totals of <testsuites> are the sums of its suites', which agree with
// [Result.Counts].
func WriteJUnit(w io.Writer, r Result) error {
	doc := junitSuites{Name: "agenthost test", Time: secs(r.Duration), Timestamp: stamp(r.Start)}
	for _, f := range r.Files {
		s := junitSuite{Name: f.File, File: f.File, Time: secs(f.Duration), Timestamp: stamp(f.Start),
			Properties: []junitProperty{{"config", f.Config}, {"config_from", f.ConfigFrom}, {"agent", f.Agent}}}
		if f.LoadError != "" {
			file, line := loadLocation(f)
			s.Tests++
			s.Errors++
			s.Cases = append(s.Cases, junitCase{Name: LoadTest, Classname: f.File, File: file, Line: line,
				Timestamp: stamp(f.Start), Time: secs(f.Duration),
				Error: &junitFailure{Message: f.LoadError, Type: "LoadError", Body: f.LoadError}})
		}
		for _, t := range f.Tests {
			s.Tests++
			tc := junitCase{Name: t.Method, Classname: t.Case, File: t.File, Line: t.Line,
				Timestamp: stamp(t.Start), Time: secs(t.Duration), SystemOut: strings.Join(t.Logs, "\n")}
			if t.Status != Passed {
				fl := &junitFailure{Message: t.Message, Body: failureText(t)}
				if t.Status == Failed {
					fl.Type = "AssertionError"
					tc.Failure = fl
					s.Failures++
				} else {
					fl.Type = "Error"
					tc.Error = fl
					s.Errors++
				}
			}
			s.Cases = append(s.Cases, tc)
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
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

// failureText is the body of a failed test's <failure> or <error>:
// "file:line: message", then the expected and actual values.
func failureText(t TestResult) string {
	var b strings.Builder
	if t.Location != "" {
		fmt.Fprintf(&b, "%s: ", t.Location)
	}
	b.WriteString(t.Message + "\n")
	if t.HasValues {
		fmt.Fprintf(&b, "expected: %s\nactual:   %s\n", t.Expected, t.Actual)
	}
	return b.String()
}

// WriteJUnitFile writes JUnit XML to path; errors name the path.
func WriteJUnitFile(path string, r Result) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	if err := WriteJUnit(f, r); err != nil {
		f.Close()
		return junitErr(path, err)
	}
	if err := f.Close(); err != nil {
		return junitErr(path, err)
	}
	return nil
}

// junitErr names path in a write error, unless the error (a *PathError
// from the file) already does.
func junitErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return fmt.Errorf("--junit: %w", err)
	}
	return fmt.Errorf("--junit %s: %w", path, err)
}
