// Command mutate is agenthost's mutation check: it plants each bug of a
// list (scripts/mutate/mutations.txt) in a copy of the repository, one at
// a time, runs the tests of the packages the list names for it, and prints
// whether a test caught it. A bug no test catches is a gap in the tests.
//
// Usage, from anywhere in the repository:
//
//	go run ./scripts/mutate [-run REGEXP] [-list FILE] [-timeout 5m] [-min 90] [-check]
//
// It copies the files git knows (tracked, and untracked but not ignored)
// to a temporary directory, so the work tree is never changed; runs the
// named packages' tests once unmutated (a red tree stops the run); then
// each mutation. Exit status: 0 when the score (caught / (caught +
// missed)) is at least -min percent, 1 when it is lower, 2 when the list
// does not apply to the code, a mutation does not build, or the tests fail
// without mutations.
//
// It is slow (every mutation reruns whole packages' tests) and is not part
// of CI; -check only verifies that every mutation still applies.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the command with its arguments and outputs; it returns the exit
// status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mutate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listPath := fs.String("list", "", "the mutation `FILE` (default scripts/mutate/mutations.txt in the repository)")
	only := fs.String("run", "", "run only the mutations whose name matches `REGEXP`")
	timeout := fs.Duration("timeout", 5*time.Minute, "go test -timeout for each run")
	minScore := fs.Float64("min", 90, "the lowest passing score, in `PERCENT`")
	check := fs.Bool("check", false, "only check that every mutation applies to the code; run no tests")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "mutate: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "mutate: "+format+"\n", a...)
		return 2
	}
	root, err := repoRoot(ctx)
	if err != nil {
		return fail("%v", err)
	}
	if *listPath == "" {
		*listPath = filepath.Join(root, "scripts", "mutate", "mutations.txt")
	}
	list, err := ReadList(*listPath)
	if err != nil {
		return fail("%v", err)
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return fail("-run: %v", err)
		}
		var kept []Mutation
		for _, m := range list {
			if re.MatchString(m.Name) {
				kept = append(kept, m)
			}
		}
		if len(kept) == 0 {
			return fail("-run %q matches no mutation in %s", *only, *listPath)
		}
		list = kept
	}
	if errs := Check(root, list); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintf(stderr, "mutate: %v\n", e)
		}
		return 2
	}
	if *check {
		fmt.Fprintf(stdout, "%d mutations apply to %s\n", len(list), root)
		return 0
	}

	dir, err := CopyTree(ctx, root)
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(dir)
	r := &Runner{Root: root, Copy: dir, Timeout: *timeout}
	fmt.Fprintf(stdout, "mutate: %d mutations; the tests of their packages run first, unmutated, in %s\n", len(list), dir)
	if err := r.Baseline(ctx, list); err != nil {
		return fail("%v", err)
	}
	var results []Result
	invalid := false
	for _, m := range list {
		res, err := r.Run(ctx, m)
		if err != nil {
			return fail("%v", err)
		}
		Report(stdout, res)
		results = append(results, res)
		invalid = invalid || res.Outcome == Invalid
	}
	score := Summarize(stdout, results)
	switch {
	case invalid:
		return fail("some mutations do not build; fix them in %s", *listPath)
	case score < *minScore:
		fmt.Fprintf(stderr, "mutate: score %.1f%% is below -min %g%%\n", score, *minScore)
		return 1
	}
	return 0
}

// repoRoot is the top of the git work tree holding the working directory.
func repoRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", fmt.Errorf("run it inside the repository (git rev-parse: %v)", err)
	}
	return strings.TrimSpace(string(out)), nil
}
