package main

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
)

// helpCodes are the exit codes listed under "Exit codes:" in text.
func helpCodes(t *testing.T, text string) []int {
	t.Helper()
	_, list, ok := strings.Cut(text, "\nExit codes:\n")
	if !ok {
		t.Fatalf("no \"Exit codes:\" section in\n%s", text)
	}
	var codes []int
	for _, l := range strings.Split(list, "\n") {
		if l == "" || !strings.HasPrefix(l, "  ") {
			break
		}
		if m := regexp.MustCompile(`^  (\d+) `).FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			codes = append(codes, n)
		}
	}
	return codes
}

// readmeCodes reads the README's exit code table: for each command (a
// column), the codes whose cell is not "—".
func readmeCodes(t *testing.T) map[string][]int {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n### Exit codes\n")
	if !ok {
		t.Fatal("README.md has no \"### Exit codes\" section")
	}
	var cols []string
	out := map[string][]int{}
	for _, l := range strings.Split(section, "\n") {
		if strings.HasPrefix(l, "#") {
			break
		}
		if !strings.HasPrefix(l, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(l, "| "), " | ")
		switch {
		case cells[0] == "code":
			for _, c := range cells[1:] {
				cols = append(cols, strings.Trim(c, "`"))
			}
		case strings.HasPrefix(cells[0], "---"):
		default:
			code, err := strconv.Atoi(cells[0])
			if err != nil || len(cells) != len(cols)+1 {
				t.Fatalf("README exit code row %q: want a code and %d cells", l, len(cols))
			}
			for i, c := range cells[1:] {
				if c != "—" {
					out[cols[i]] = append(out[cols[i]], code)
				}
			}
		}
	}
	return out
}

// blockingWriter passes writes on to w until one contains the text at,
// which it holds until release is closed; hit is closed when it is held.
type blockingWriter struct {
	w        *output
	at       string
	once     sync.Once
	hit      chan struct{}
	released chan struct{}
}

func (b *blockingWriter) Write(p []byte) (int, error) {
	if strings.Contains(string(p), b.at) {
		b.once.Do(func() { close(b.hit) })
		<-b.released
	}
	return b.w.Write(p)
}

// forced runs args until their stdout writes the line holding at, sends
// a first interrupt, waits for that write, then sends the second: the
// command must call Exit(130) while its shutdown is stuck.
func forced(t *testing.T, c *cli, ready, at string, args ...string) int {
	t.Helper()
	st := c.state(args)
	bw := &blockingWriter{w: c.stdout, at: at, hit: make(chan struct{}), released: make(chan struct{})}
	st.Stdout = bw
	done := make(chan int, 1)
	go func() { done <- Run(st) }()
	c.stdout.await(t, "the ready line", func(l string) bool { return strings.Contains(l, ready) })
	c.signals.send(os.Interrupt)
	<-bw.hit
	c.signals.send(os.Interrupt)
	code := <-c.exits
	close(bw.released)
	<-done
	return code
}

// TestExitCodesAreDocumented: every command's --help lists exactly the
// exit codes the command can end with, the README's table lists the same,
// and each code is produced by a real run here. `agenthost --help` lists
// all of them.
func TestExitCodesAreDocumented(t *testing.T) {
	t.Parallel()
	passing := `class P extends ImpTestCase { testOK() { this.assertTrue(true); } }`
	scenarios := map[string]map[int]func(c *cli) int{
		"run": {
			exitcode.OK:          func(c *cli) int { c.write("a.js", `server.log("x");`); return c.run("run", "a.js", "--until-idle") },
			exitcode.ScriptError: func(c *cli) int { c.write("a.js", `throw 1;`); return c.run("run", "a.js") },
			exitcode.Usage:       func(c *cli) int { return c.run("run", "missing.js") },
			exitcode.Host: func(c *cli) int {
				c.write("a.js", `server.log("x");`)
				return c.run("run", "a.js", "--until-idle", "--report", "/dev/full")
			},
			exitcode.FailOn: func(c *cli) int {
				c.write("a.js", `imp.wakeup(0, function () { throw 1; });`)
				return c.run("run", "a.js", "--until-idle", "--fail-on", "error")
			},
			exitcode.Forced: func(c *cli) int {
				c.write("a.js", `server.log("up"); imp.wakeup(3600, function () {});`)
				return forced(t, c, "[Agent] up", "agent stopped", "run", "a.js")
			},
		},
		"fleet": {
			exitcode.OK: func(c *cli) int {
				c.write("a.js", `server.log("x");`)
				return c.run("fleet", "a.js", "--agents", "2", "--until-idle")
			},
			exitcode.ScriptError: func(c *cli) int { c.write("a.js", `throw 1;`); return c.run("fleet", "a.js", "--agents", "2") },
			exitcode.Usage:       func(c *cli) int { return c.run("fleet", "missing.js", "--agents", "2") },
			exitcode.Host: func(c *cli) int {
				c.write("a.js", `server.log("x");`)
				return c.run("fleet", "a.js", "--agents", "2", "--until-idle", "--report", "/dev/full")
			},
			exitcode.Forced: func(c *cli) int {
				c.write("a.js", `server.log("up"); imp.wakeup(3600, function () {});`)
				return forced(t, c, "[Agent 1] up", "fleet stopped", "fleet", "a.js", "--agents", "2", "--ramp", "off")
			},
		},
		"test": {
			exitcode.OK:          func(c *cli) int { c.write("p.test.js", passing); return c.run("test") },
			exitcode.ScriptError: func(c *cli) int { c.write("f.test.js", failingTest); return c.run("test") },
			exitcode.Usage:       func(c *cli) int { return c.run("test") },
			exitcode.Host:        func(c *cli) int { c.write("p.test.js", passing); return c.run("test", "--junit", "/dev/full") },
			exitcode.Forced: func(c *cli) int {
				c.write("p.test.js", passing)
				return forced(t, c, "ok   P.testOK", "PASSED", "test")
			},
		},
		"broker": {
			exitcode.OK: func(c *cli) int {
				r := c.start("broker", "--listen", "127.0.0.1:0")
				c.stdout.await(t, "listening", func(l string) bool { return strings.Contains(l, "listening on") })
				c.signals.send(os.Interrupt)
				return r.wait()
			},
			exitcode.Usage: func(c *cli) int { return c.run("broker", "extra") },
			exitcode.Host:  func(c *cli) int { return c.run("broker", "--listen", busyAddr(t)) },
			exitcode.Forced: func(c *cli) int {
				return forced(t, c, "listening on", "broker stopped", "broker", "--listen", "127.0.0.1:0")
			},
		},
		"limits": {
			exitcode.OK:    func(c *cli) int { return c.run("limits") },
			exitcode.Usage: func(c *cli) int { return c.run("limits", "extra") },
		},
		"version": {
			exitcode.OK:    func(c *cli) int { return c.run("version") },
			exitcode.Usage: func(c *cli) int { return c.run("version", "extra") },
		},
		"help": {
			exitcode.OK:    func(c *cli) int { return c.run("help", "run") },
			exitcode.Usage: func(c *cli) int { return c.run("help", "nope") },
		},
	}
	readme := readmeCodes(t)
	var all []int
	for _, name := range commandNames {
		c := newCLI(t)
		c.run(name, "--help")
		documented := helpCodes(t, c.stdout.String())
		var produced []int
		for code, run := range scenarios[name] {
			if got := run(newCLI(t)); got != code {
				t.Errorf("%s: the scenario for exit code %d ended with %d", name, code, got)
			}
			produced = append(produced, code)
		}
		sort.Ints(produced)
		if !slices.Equal(documented, produced) {
			t.Errorf("%s --help lists exit codes %v; the command ends with %v", name, documented, produced)
		}
		if !slices.Equal(readme[name], produced) {
			t.Errorf("README lists exit codes %v for %s; the command ends with %v", readme[name], name, produced)
		}
		for _, code := range produced {
			if !slices.Contains(all, code) {
				all = append(all, code)
			}
		}
	}
	sort.Ints(all)
	if got := helpCodes(t, mainUsage); !slices.Equal(got, all) {
		t.Errorf("agenthost --help lists exit codes %v; the commands end with %v", got, all)
	}
}
