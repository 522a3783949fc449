package scripttest

import "github.com/agenthost/agenthost/exitcode"

// Counts returns the totals of a run. A file that could not be loaded
// counts as one test (named LoadTest) with an error, as it does in the
// JUnit XML and the JSON events, so every total agrees.
func (r Result) Counts() (tests, assertions, failures, errs int) {
	for _, f := range r.Files {
		if f.LoadError != "" {
			tests, errs = tests+1, errs+1 // the one errored test LoadTest
		}
		for _, t := range f.Tests {
			tests++
			assertions += t.Assertions
			switch t.Status {
			case Failed:
				failures++
			case Errored:
				errs++
			}
		}
	}
	return
}

// Err is the run's outcome as an error carrying its exit code
// (exitcode.Of): nil when every test passed, code 2 (exitcode.Usage) when a
// file or its agent could not be loaded or Filter matched no test, else
// code 1 (exitcode.ScriptError) when a test failed or threw. The message
// only counts; the details are in the Result.
func (r Result) Err() error {
	loads := 0
	for _, f := range r.Files {
		if f.LoadError != "" {
			loads++
		}
	}
	if loads > 0 {
		return exitcode.Errorf(exitcode.Usage, "%d test file(s) could not be loaded", loads)
	}
	if r.NoMatch() {
		return noMatch(r.Filter, len(r.Files))
	}
	if _, _, failures, errs := r.Counts(); failures+errs > 0 {
		return exitcode.Errorf(exitcode.ScriptError, "%d test(s) failed, %d threw", failures, errs)
	}
	return nil
}

// NoMatch reports whether Filter was set and matched no test in files
// that all loaded.
func (r Result) NoMatch() bool {
	tests, _, _, _ := r.Counts()
	return r.Filter != "" && tests == 0
}

// LoadErrors reports whether any file could not be loaded.
func (r Result) LoadErrors() bool {
	for _, f := range r.Files {
		if f.LoadError != "" {
			return true
		}
	}
	return false
}
