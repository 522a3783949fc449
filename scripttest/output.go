package scripttest

import (
	"fmt"
	"io"
	"time"
)

// WriteFileResult prints one file's results for a person, in the spirit
// of impt test: a line per test, details under failures. verbose adds the
// config file the file ran with and the log lines of passing tests.
func WriteFileResult(w io.Writer, f FileResult, verbose bool) {
	fmt.Fprintf(w, "%s", f.File)
	if f.Agent != "" {
		fmt.Fprintf(w, " (agent %s)", f.Agent)
	}
	fmt.Fprintln(w)
	if verbose {
		fmt.Fprintf(w, "  config: %s\n", describeConfig(f))
	}
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
			if verbose {
				for _, l := range t.Logs {
					fmt.Fprintf(w, "       %s\n", l)
				}
			}
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

// describeConfig is the config file f ran with, and how it was found.
func describeConfig(f FileResult) string {
	if f.Config == "" {
		return "none (the defaults)"
	}
	if f.ConfigFrom == "" {
		return f.Config
	}
	return f.Config + " (" + f.ConfigFrom + ")"
}

// WriteSummary prints the closing totals line.
func WriteSummary(w io.Writer, r Result) {
	tests, assertions, failures, errs := r.Counts()
	verdict := "PASSED"
	switch {
	case r.NoMatch():
		verdict = "NO TESTS RAN"
	case r.Err() != nil:
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
