package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Outcome is what the tests did with one mutation.
type Outcome string

// The outcomes of a mutation.
const (
	Caught  Outcome = "caught"  // a test failed (or the run panicked or timed out)
	Missed  Outcome = "MISSED"  // every test passed
	Invalid Outcome = "INVALID" // the mutated code does not build: fix the list
)

// Result is the outcome of one mutation.
type Result struct {
	Mutation Mutation
	Outcome  Outcome
	Failed   []string // the top-level tests that failed, or "panic"/"timeout"
	Took     time.Duration
	Output   string // go test's output, for Invalid
}

// Runner applies mutations to a copy of a repository and runs tests there.
// Its methods are called from one goroutine.
type Runner struct {
	Root    string        // the repository, left untouched
	Copy    string        // the copy the mutations are applied to
	Timeout time.Duration // go test -timeout for each run
	Go      string        // the go command; "" means "go"
}

// CopyTree copies the files git knows in root (tracked, and untracked but
// not ignored, so uncommitted work is included) into a new temporary
// directory and returns it. The caller removes it.
func CopyTree(ctx context.Context, root string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("listing the files of %s with git: %v: %s", root, err, strings.TrimSpace(stderr.String()))
	}
	dst, err := os.MkdirTemp("", "agenthost-mutate-")
	if err != nil {
		return "", err
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if name == "" {
			continue
		}
		src := filepath.Join(root, name)
		fi, err := os.Lstat(src)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the work tree, not yet in git
		}
		if err != nil || !fi.Mode().IsRegular() {
			continue // links and other oddities are not source
		}
		data, err := os.ReadFile(src)
		if err == nil {
			err = os.MkdirAll(filepath.Join(dst, filepath.Dir(name)), 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(dst, name), data, fi.Mode().Perm())
		}
		if err != nil {
			os.RemoveAll(dst)
			return "", fmt.Errorf("copying %s: %w", name, err)
		}
	}
	return dst, nil
}

// Check applies every mutation to the files in dir in memory and returns
// the errors of those that do not apply (file missing, text not there
// exactly once).
func Check(dir string, list []Mutation) []error {
	var errs []error
	for _, m := range list {
		src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(m.File)))
		if err != nil {
			errs = append(errs, fmt.Errorf("mutation %q (line %d): %w", m.Name, m.Line, err))
			continue
		}
		if _, err := m.Apply(string(src)); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Baseline runs the tests of every package the list names, unmutated, and
// returns an error with the output's end when they fail: a mutation run
// means nothing on a red tree.
func (r *Runner) Baseline(ctx context.Context, list []Mutation) error {
	var pkgs []string
	for _, m := range list {
		for _, p := range m.Packages {
			if !slices.Contains(pkgs, p) {
				pkgs = append(pkgs, p)
			}
		}
	}
	out, err := r.goTest(ctx, pkgs)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("the tests fail without any mutation (%v):\n%s", err, tail(out, 40))
	}
	return nil
}

// Run applies m to the copy, runs its packages' tests, restores the file
// and returns the outcome. An error means the copy could not be changed or
// restored, or ctx ended.
func (r *Runner) Run(ctx context.Context, m Mutation) (Result, error) {
	path := filepath.Join(r.Copy, filepath.FromSlash(m.File))
	orig, err := os.ReadFile(path)
	if err != nil {
		return Result{}, err
	}
	mutated, err := m.Apply(string(orig))
	if err != nil {
		return Result{}, err
	}
	if err := os.WriteFile(path, []byte(mutated), 0o644); err != nil {
		return Result{}, err
	}
	start := time.Now()
	out, testErr := r.goTest(ctx, m.Packages)
	took := time.Since(start)
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		return Result{}, fmt.Errorf("restoring %s: %w", m.File, err)
	}
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	res := Result{Mutation: m, Took: took}
	switch {
	case testErr == nil:
		res.Outcome = Missed
	case buildFailed(out):
		res.Outcome, res.Output = Invalid, out
	default:
		res.Outcome, res.Failed = Caught, failedTests(out)
	}
	return res, nil
}

// goTest runs go test on pkgs in the copy and returns its output.
func (r *Runner) goTest(ctx context.Context, pkgs []string) (string, error) {
	goCmd := r.Go
	if goCmd == "" {
		goCmd = "go"
	}
	args := append([]string{"test", "-count=1", "-timeout", r.Timeout.String()}, pkgs...)
	// The go command stops the tests at -timeout; the context is a
	// backstop for a go command that hangs itself.
	ctx, cancel := context.WithTimeout(ctx, r.Timeout+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = r.Copy
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// buildFailed reports whether go test's output says a package or its
// tests did not compile.
func buildFailed(out string) bool {
	return strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]")
}

var failRE = regexp.MustCompile(`(?m)^--- FAIL: (\S+)`)

// failedTests lists the top-level tests go test reported failed, then
// "timeout" or "panic" when the test binary died that way.
func failedTests(out string) []string {
	var names []string
	for _, m := range failRE.FindAllStringSubmatch(out, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	switch {
	case strings.Contains(out, "panic: test timed out"):
		names = append(names, "timeout")
	case strings.Contains(out, "\npanic: "):
		names = append(names, "panic")
	}
	return names
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Report prints one result as a line (and the build output of an invalid
// mutation).
func Report(w io.Writer, res Result) {
	m := res.Mutation
	detail := strings.Join(res.Failed, " ")
	if res.Outcome == Missed {
		detail = m.Why
	}
	fmt.Fprintf(w, "%-7s %-34s %-32s %6.1fs  %s\n", res.Outcome, m.Name, m.File, res.Took.Seconds(), detail)
	if res.Outcome == Invalid {
		fmt.Fprintf(w, "        %s\n", strings.ReplaceAll(tail(res.Output, 10), "\n", "\n        "))
	}
}

// Summarize prints the totals and returns the score: caught / (caught +
// missed), in percent (100 when there is nothing to score).
func Summarize(w io.Writer, results []Result) float64 {
	var caught, missed, invalid int
	for _, r := range results {
		switch r.Outcome {
		case Caught:
			caught++
		case Missed:
			missed++
		case Invalid:
			invalid++
		}
	}
	score := 100.0
	if caught+missed > 0 {
		score = 100 * float64(caught) / float64(caught+missed)
	}
	fmt.Fprintf(w, "\n%d mutations: %d caught, %d missed, %d invalid; score %.1f%%\n", len(results), caught, missed, invalid, score)
	if missed > 0 {
		fmt.Fprintln(w, "Missed (no test failed):")
		for _, r := range results {
			if r.Outcome == Missed {
				fmt.Fprintf(w, "  %s (%s, line %d): %s\n", r.Mutation.Name, r.Mutation.File, r.Mutation.Line, r.Mutation.Why)
			}
		}
	}
	return score
}
