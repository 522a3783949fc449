package scripttest

import (
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/parser"
)

// Observer sees a run as it happens (`agenthost test --json` streams it).
// For each file: FileStart, then for each test TestStart and TestEnd (a
// test that never began, as when its setUp failed, still gets its
// TestStart just before its TestEnd), Output for every log line as it is
// written, and FileEnd last. The runner calls TestStart and TestEnd on the
// file's loop goroutine and Output on whichever goroutine logged, so an
// Observer must be safe for concurrent use.
type Observer interface {
	// FileStart: File, Agent, Config, ConfigFrom and Start are set.
	FileStart(f FileResult)
	// TestStart: name is "Case.method"; line is where the method is
	// declared in file (0 when unknown).
	TestStart(file, name string, line int, start time.Time)
	// Output is one log line ("[Agent] text", "[Status] WARNING: text")
	// of the test named test, or of the file outside any test ("").
	Output(file, test, line string)
	// TestEnd is the test's outcome.
	TestEnd(t TestResult)
	// FileEnd is the file's outcome, as given to Run's progress.
	FileEnd(f FileResult)
}

// LoadTest is the name of the one errored test a file that could not be
// loaded counts as, in the totals, the JUnit XML and the JSON events.
const LoadTest = "(load)"

// compileFilter compiles the --filter regular expression ("" selects
// everything); a bad one is an error with exit code 2 naming it.
func compileFilter(filter string) (*regexp.Regexp, error) {
	if filter == "" {
		return nil, nil
	}
	re, err := regexp.Compile(filter)
	if err != nil {
		return nil, exitcode.Errorf(exitcode.Usage, "--filter %#q is not a regular expression: %v", filter, err)
	}
	return re, nil
}

// config returns the test file's config: from Options.ConfigFor, else a
// copy of Options.Config, else the defaults. It records the file used in
// the result.
func (r *fileRun) config() (*configparams.Config, error) {
	if r.opts.ConfigFor != nil {
		cfg, from, err := r.opts.ConfigFor(r.file)
		if err != nil {
			return nil, err
		}
		r.res.Config, r.res.ConfigFrom = cfg.File, from
		return cfg, nil
	}
	if r.opts.Config == nil {
		return configparams.Default(), nil
	}
	c := *r.opts.Config
	r.res.Config = c.File
	if c.File != "" {
		r.res.ConfigFrom = "Options.Config"
	}
	return &c, nil
}

// testStarted tells the observer that the test c.m began at start, unless
// it is setUp or tearDown. Loop only.
func (r *fileRun) testStarted(c, m string, start time.Time) {
	name := c + "." + m
	if m == "setUp" || m == "tearDown" {
		name = ""
	} else if r.opts.Observer != nil {
		r.opts.Observer.TestStart(r.file, name, r.line(c, m), start)
	}
	r.announced = name
	r.cur.Start = start
	r.logs.mark(name)
}

// testEnded fills in t's start and line, and tells the observer, with a
// TestStart first if the test never began. Loop only.
func (r *fileRun) testEnded(t *TestResult) {
	t.Line = r.line(t.Case, t.Method)
	name := t.Case + "." + t.Method
	if t.Start.IsZero() {
		t.Start = time.Now()
	}
	if r.opts.Observer == nil {
		return
	}
	if r.announced != name {
		r.opts.Observer.TestStart(r.file, name, t.Line, t.Start)
	}
	r.announced = ""
	r.opts.Observer.TestEnd(*t)
}

// line is where the test method c.m is declared in the test file: the
// method's line, else (an inherited method) its class's, else 0.
func (r *fileRun) line(c, m string) int {
	if n := r.lines[c+"."+m]; n > 0 {
		return n
	}
	return r.lines[c]
}

// declLines maps each class the test file declares at its top level to its
// line ("Case") and each of its methods to theirs ("Case.method").
func declLines(name, src string) map[string]int {
	prg, err := parser.ParseFile(nil, name, src, 0, parser.WithDisableSourceMaps)
	if err != nil {
		return nil
	}
	lineOf := func(idx int) int { return prg.File.Position(idx - prg.File.Base()).Line }
	lines := map[string]int{}
	add := func(class string, cl *ast.ClassLiteral) {
		lines[class] = lineOf(int(cl.Class))
		for _, el := range cl.Body {
			md, ok := el.(*ast.MethodDefinition)
			if !ok || md.Computed {
				continue
			}
			switch k := md.Key.(type) {
			case *ast.Identifier:
				lines[class+"."+string(k.Name)] = lineOf(int(md.Idx))
			case *ast.StringLiteral:
				lines[class+"."+string(k.Value)] = lineOf(int(md.Idx))
			}
		}
	}
	bindings := func(list []*ast.Binding) {
		for _, b := range list {
			id, ok := b.Target.(*ast.Identifier)
			if cl, isClass := b.Initializer.(*ast.ClassLiteral); ok && isClass {
				add(string(id.Name), cl)
			}
		}
	}
	for _, st := range prg.Body {
		switch s := st.(type) {
		case *ast.ClassDeclaration:
			if s.Class != nil && s.Class.Name != nil {
				add(string(s.Class.Name.Name), s.Class)
			}
		case *ast.LexicalDeclaration:
			bindings(s.List)
		case *ast.VariableStatement:
			bindings(s.List)
		}
	}
	return lines
}

// loadLocation is the file and line a load error points at ("x.js:3:5:
// SyntaxError ..." names them), else the test file and line 0.
func loadLocation(f FileResult) (file string, line int) {
	file = f.File
	if m := frameRE.FindStringSubmatch(f.LoadError); m != nil {
		n, _ := strconv.Atoi(m[2])
		for _, cand := range []string{f.File, f.Agent} {
			if cand != "" && filepath.Base(cand) == m[1] {
				return cand, n
			}
		}
	}
	return file, 0
}

// noMatch is the error of a run whose --filter selected no test.
func noMatch(filter string, files int) error {
	return exitcode.Errorf(exitcode.Usage, "--filter %#q matched no test in %d file%s", filter, files, plural(files))
}
