package scripttest

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"
)

// JSONStream writes a run as JSON events, one object per line, as they
// happen (`agenthost test --json`; the README documents the schema). It is
// an [Observer]; Summary writes the last event. Safe for concurrent use.
type JSONStream struct {
	mu  sync.Mutex
	enc *json.Encoder
	err error // the first write error
}

// NewJSONStream returns a stream writing to w.
func NewJSONStream(w io.Writer) *JSONStream { return &JSONStream{enc: json.NewEncoder(w)} }

// The events. Every event has the wall time it was written ("time") and
// its "action"; file events name the test file, test events also the test
// ("Case.method").
type (
	jsonStart struct {
		Time       string `json:"time"`
		Action     string `json:"action"` // "start"
		File       string `json:"file"`
		Agent      string `json:"agent"`       // "" for none
		Config     string `json:"config"`      // the config file, "" for none (the defaults)
		ConfigFrom string `json:"config_from"` // how it was found
	}
	jsonRun struct {
		Time   string `json:"time"`
		Action string `json:"action"` // "run"
		File   string `json:"file"`
		Test   string `json:"test"`
		Line   int    `json:"line,omitempty"`
	}
	jsonOutput struct {
		Time   string `json:"time"`
		Action string `json:"action"` // "output"
		File   string `json:"file"`
		Test   string `json:"test,omitempty"` // absent outside a test
		Output string `json:"output"`
	}
	jsonResult struct {
		Time       string   `json:"time"`
		Action     string   `json:"action"` // "pass", "fail" (an assertion or timeout) or "error" (anything else thrown)
		File       string   `json:"file"`
		Test       string   `json:"test"`
		Line       int      `json:"line,omitempty"`
		Elapsed    float64  `json:"elapsed"`
		Assertions int      `json:"assertions"`
		Message    string   `json:"message,omitempty"`
		Location   string   `json:"location,omitempty"`
		Expected   *string  `json:"expected,omitempty"`
		Actual     *string  `json:"actual,omitempty"`
		Info       []string `json:"info,omitempty"`
	}
	jsonEnd struct {
		Time      string  `json:"time"`
		Action    string  `json:"action"` // "end"
		File      string  `json:"file"`
		Elapsed   float64 `json:"elapsed"`
		Tests     int     `json:"tests"`
		Failures  int     `json:"failures"`
		Errors    int     `json:"errors"`
		LoadError string  `json:"load_error,omitempty"`
	}
	jsonSummary struct {
		Time       string  `json:"time"`
		Action     string  `json:"action"` // "summary"
		Passed     bool    `json:"passed"`
		Files      int     `json:"files"`
		Tests      int     `json:"tests"`
		Assertions int     `json:"assertions"`
		Failures   int     `json:"failures"`
		Errors     int     `json:"errors"`
		Elapsed    float64 `json:"elapsed"`
		Error      string  `json:"error,omitempty"`
	}
)

func (s *JSONStream) write(v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = s.enc.Encode(v)
	}
}

func now() string { return stamp(time.Now()) }

// FileStart implements [Observer].
func (s *JSONStream) FileStart(f FileResult) {
	s.write(jsonStart{Time: stamp(f.Start), Action: "start", File: f.File, Agent: f.Agent, Config: f.Config, ConfigFrom: f.ConfigFrom})
}

// TestStart implements [Observer].
func (s *JSONStream) TestStart(file, name string, line int, start time.Time) {
	s.write(jsonRun{Time: stamp(start), Action: "run", File: file, Test: name, Line: line})
}

// Output implements [Observer].
func (s *JSONStream) Output(file, test, line string) {
	s.write(jsonOutput{Time: now(), Action: "output", File: file, Test: test, Output: line})
}

// TestEnd implements [Observer].
func (s *JSONStream) TestEnd(t TestResult) {
	action := map[string]string{Passed: "pass", Failed: "fail", Errored: "error"}[t.Status]
	e := jsonResult{Time: now(), Action: action, File: t.File, Test: t.Case + "." + t.Method, Line: t.Line,
		Elapsed: t.Duration.Seconds(), Assertions: t.Assertions, Message: t.Message, Location: t.Location, Info: t.Info}
	if t.HasValues {
		e.Expected, e.Actual = &t.Expected, &t.Actual
	}
	s.write(e)
}

// FileEnd implements [Observer]. A file that could not be loaded first
// gets the "run" and "error" events of its one test, LoadTest.
func (s *JSONStream) FileEnd(f FileResult) {
	if f.LoadError != "" {
		file, line := loadLocation(f)
		loc := ""
		if line > 0 {
			loc = fmt.Sprintf("%s:%d", filepath.Base(file), line)
		}
		s.write(jsonRun{Time: now(), Action: "run", File: f.File, Test: LoadTest, Line: line})
		s.write(jsonResult{Time: now(), Action: "error", File: f.File, Test: LoadTest, Line: line,
			Elapsed: f.Duration.Seconds(), Message: f.LoadError, Location: loc})
	}
	tests, _, failures, errs := Result{Files: []FileResult{f}}.Counts()
	s.write(jsonEnd{Time: now(), Action: "end", File: f.File, Elapsed: f.Duration.Seconds(),
		Tests: tests, Failures: failures, Errors: errs, LoadError: f.LoadError})
}

// Summary writes the last event, the run's totals, and returns the first
// error any write met (exit code 3 for the caller).
func (s *JSONStream) Summary(r Result) error {
	tests, assertions, failures, errs := r.Counts()
	e := jsonSummary{Time: now(), Action: "summary", Passed: r.Err() == nil, Files: len(r.Files), Tests: tests,
		Assertions: assertions, Failures: failures, Errors: errs, Elapsed: r.Duration.Seconds()}
	if err := r.Err(); err != nil {
		e.Error = err.Error()
	}
	s.write(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}
