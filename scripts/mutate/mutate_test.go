package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseList(t *testing.T) {
	list, err := ParseList("l.txt", strings.NewReader(`# a comment

name: one
file: a/b.go
test: ./a/ ./c/
why:  the reason
# a comment inside a block
- x := 1
+ x := 2

name: two
file: d.go
test: ./
-   if a > b {
+ if a >= b {
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Mutation{
		{Name: "one", File: "a/b.go", Packages: []string{"./a/", "./c/"}, Why: "the reason", Old: "x := 1", New: "x := 2", Line: 3},
		{Name: "two", File: "d.go", Packages: []string{"./"}, Old: "if a > b {", New: "if a >= b {", Line: 11},
	}
	if !reflect.DeepEqual(list, want) {
		t.Fatalf("got  %+v\nwant %+v", list, want)
	}
}

func TestParseListErrors(t *testing.T) {
	block := "name: m\nfile: f.go\ntest: ./\n- a\n+ b\n"
	for _, tc := range []struct{ text, want string }{
		{"name: m\nfile: f.go\n- a\n+ b\n", `l.txt:1: mutation "m" has no test: packages`},
		{"name: m\ntest: ./\n- a\n+ b\n", `l.txt:1: mutation "m" has no file`},
		{"file: f.go\ntest: ./\n- a\n+ b\n", `l.txt:1: mutation "" has no name`},
		{"name: m\nfile: f.go\ntest: ./\n+ b\n", `l.txt:1: mutation "m" has no - (the original text)`},
		{"name: m\nfile: f.go\ntest: ./\n- a\n", `l.txt:1: mutation "m" has no + (the mutated text)`},
		{"name: m\nfile: f.go\ntest: ./\n- a\n+ a\n", `l.txt:1: mutation "m" changes nothing`},
		{"name: m\nfile: f.go\ntest: ./\n- a\n- c\n+ b\n", `l.txt:5: a second '-' line`},
		{"name: m\nfile: f.go\ntest: ./\n- a\n+ b\n+ c\n", `l.txt:6: a second '+' line`},
		{"name: m\nfiel: f.go\n", `l.txt:2: unknown field "fiel" (want name, file, test or why)`},
		{"name: m\nfile: f.go\nname: n\n", `l.txt:3: a second name: line; separate mutations with a blank line`},
		{"name: m\nsomething\n", `l.txt:2: want name:, file:, test:, why:, '- ' or '+ ', got "something"`},
		{block + "\n" + block, `l.txt:7: mutation name "m" is already used at line 1`},
	} {
		_, err := ParseList("l.txt", strings.NewReader(tc.text))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestApply(t *testing.T) {
	m := Mutation{Name: "m", File: "f.go", Old: "a < b", New: "a <= b", Line: 7}
	if got, err := m.Apply("if a < b {\n"); err != nil || got != "if a <= b {\n" {
		t.Fatalf("Apply = %q, %v", got, err)
	}
	if _, err := m.Apply("if a > b {\n"); err == nil || err.Error() != `mutation "m" (line 7): f.go no longer holds "a < b"; update the list` {
		t.Fatalf("missing text: %v", err)
	}
	if _, err := m.Apply("a < b; a < b"); err == nil || err.Error() != `mutation "m" (line 7): f.go holds "a < b" 2 times; quote more of the line` {
		t.Fatalf("ambiguous text: %v", err)
	}
}

// TestTheListAppliesToTheCode: every mutation in mutations.txt still
// applies to the repository, and the list spans the packages it is meant
// to exercise. A change that breaks this needs the list updated (run
// go run ./scripts/mutate -check to see which blocks).
func TestTheListAppliesToTheCode(t *testing.T) {
	list, err := ReadList("mutations.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range Check(filepath.Join("..", ".."), list) {
		t.Error(e)
	}
	if len(list) < 30 {
		t.Errorf("%d mutations, want at least 30", len(list))
	}
	for _, dir := range []string{"agentapi/", "scriptvm/", "configparams/", "broker/", "scripttest/", "report/"} {
		n := 0
		for _, m := range list {
			if strings.HasPrefix(m.File, dir) {
				n++
			}
		}
		if n < 3 {
			t.Errorf("%d mutations in %s, want at least 3", n, dir)
		}
	}
}

// TestRunnerOnASmallModule runs the runner over a module of its own: a
// mutation its test catches, one it misses, and one that does not build;
// the repository's files are never changed.
func TestRunnerOnASmallModule(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test three times")
	}
	root := t.TempDir()
	files := map[string]string{
		"go.mod":         "module example.com/m\n\ngo 1.22\n",
		"calc/calc.go":   "package calc\n\nfunc Add(a, b int) int { return a + b }\n\nfunc Sub(a, b int) int { return a - b }\n",
		"calc/c_test.go": "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(2, 3) != 5 {\n\t\tt.Fatal(Add(2, 3))\n\t}\n}\n",
		".gitignore":     "ignored.txt\n",
		"ignored.txt":    "not copied\n",
	}
	for name, text := range files {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := exec.Command("git", "init", "-q", root)
	if out, err := git.CombinedOutput(); err != nil {
		t.Skipf("git init: %v %s", err, out)
	}
	list, err := ParseList("l.txt", strings.NewReader(`
name: add-subtracts
file: calc/calc.go
test: ./calc/
- return a + b
+ return a - b

name: sub-adds
file: calc/calc.go
test: ./calc/
why: Sub has no test
- return a - b
+ return a + b

name: broken
file: calc/calc.go
test: ./calc/
- func Add(a, b int) int {
+ func Add(a, b int) int {{
`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir, err := CopyTree(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if _, err := os.Stat(filepath.Join(dir, "ignored.txt")); !os.IsNotExist(err) {
		t.Errorf("an ignored file was copied: %v", err)
	}
	r := &Runner{Root: root, Copy: dir, Timeout: time.Minute}
	if err := r.Baseline(ctx, list); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	var results []Result
	for _, m := range list {
		res, err := r.Run(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		Report(&out, res)
		results = append(results, res)
	}
	got := []Outcome{results[0].Outcome, results[1].Outcome, results[2].Outcome}
	if !reflect.DeepEqual(got, []Outcome{Caught, Missed, Invalid}) || !reflect.DeepEqual(results[0].Failed, []string{"TestAdd"}) {
		t.Fatalf("outcomes %v, failed %v\n%s", got, results[0].Failed, out.String())
	}
	if score := Summarize(&out, results); score != 50 {
		t.Fatalf("score %v, want 50 (1 caught of 2 scored)", score)
	}
	if !strings.Contains(out.String(), "3 mutations: 1 caught, 1 missed, 1 invalid; score 50.0%") ||
		!strings.Contains(out.String(), "  sub-adds (calc/calc.go, line 8): Sub has no test") {
		t.Fatalf("report:\n%s", out.String())
	}
	if src, _ := os.ReadFile(filepath.Join(dir, "calc", "calc.go")); string(src) != files["calc/calc.go"] {
		t.Fatalf("the copy was not restored after the last mutation:\n%s", src)
	}
	if src, _ := os.ReadFile(filepath.Join(root, "calc", "calc.go")); string(src) != files["calc/calc.go"] {
		t.Fatalf("the repository was changed:\n%s", src)
	}

	// A red tree stops the run before any mutation.
	if err := os.WriteFile(filepath.Join(dir, "calc", "c_test.go"), []byte(strings.Replace(files["calc/c_test.go"], "!= 5", "!= 6", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Baseline(ctx, list); err == nil || !strings.Contains(err.Error(), "the tests fail without any mutation") {
		t.Fatalf("baseline on a failing tree: %v", err)
	}
}

// TestCommandLine: -check on this repository, and the errors of the
// command line and of a list that does not apply.
func TestCommandLine(t *testing.T) {
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not in a git work tree; the command needs one:", err)
	}
	ctx := context.Background()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"-check"}, &stdout, &stderr); code != 0 || !strings.HasSuffix(stdout.String(), "mutations apply to "+strings.TrimSpace(string(root))+"\n") {
		t.Fatalf("-check: exit %d\nstdout %s\nstderr %s", code, stdout.String(), stderr.String())
	}
	stale := filepath.Join(t.TempDir(), "stale.txt")
	if err := os.WriteFile(stale, []byte("name: gone\nfile: go.mod\ntest: ./\n- no such text\n+ x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-run", "no-such-mutation", "-check"}, `mutate: -run "no-such-mutation" matches no mutation in`},
		{[]string{"-run", "(", "-check"}, "mutate: -run: error parsing regexp"},
		{[]string{"-list", stale}, `mutate: mutation "gone" (line 1): go.mod no longer holds "no such text"; update the list`},
		{[]string{"-list", filepath.Join(t.TempDir(), "none.txt")}, "mutate: open "},
		{[]string{"extra"}, `mutate: unexpected argument "extra"`},
	} {
		stdout.Reset()
		stderr.Reset()
		if code := run(ctx, tc.args, &stdout, &stderr); code != 2 || !strings.HasPrefix(stderr.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}
