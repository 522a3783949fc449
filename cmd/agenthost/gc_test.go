package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestGCPercent: run and test collect garbage less often than Go's
// default unless GOGC says otherwise; other commands (fleet: memory per
// agent matters more) keep Go's default.
func TestGCPercent(t *testing.T) {
	env := func(gogc string) func(string) string {
		return func(k string) string {
			if k == "GOGC" {
				return gogc
			}
			return ""
		}
	}
	for _, tc := range []struct {
		args []string
		gogc string
		want int
		set  bool
	}{
		{[]string{"run", "a.js"}, "", agentGCPercent, true},
		{[]string{"test"}, "", agentGCPercent, true},
		{[]string{"run", "a.js"}, "100", 0, false},
		{[]string{"test"}, "off", 0, false},
		{[]string{"fleet", "a.js", "--agents", "2"}, "", 0, false},
		{[]string{"broker"}, "", 0, false},
		{nil, "", 0, false},
	} {
		p, set := gcPercent(tc.args, env(tc.gogc))
		if p != tc.want || set != tc.set {
			t.Errorf("%v with GOGC=%q: %d, %v; want %d, %v", tc.args, tc.gogc, p, set, tc.want, tc.set)
		}
	}
	if agentGCPercent <= 100 {
		t.Errorf("agentGCPercent %d is not above Go's default", agentGCPercent)
	}
}

// TestRunSetsAMemoryLimit: run gives the Go runtime a soft memory limit of
// limits.memory plus memoryLimitHeadroom (the default budget and a
// configured one), and none when limits.memory is off or GOMEMLIMIT is
// set; other commands set none.
func TestRunSetsAMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		config, gomemlimit string
		want               int64 // 0: no limit set
	}{
		{"", "", 256<<20 + memoryLimitHeadroom},
		{"limits: {memory: 1GiB}\n", "", 1<<30 + memoryLimitHeadroom},
		{"limits: {memory: off}\n", "", 0},
		{"", "1GiB", 0}, // the user's GOMEMLIMIT stands
	} {
		c := newCLI(t)
		if tc.gomemlimit != "" {
			c.env["GOMEMLIMIT"] = tc.gomemlimit
		}
		if err := os.WriteFile(filepath.Join(c.dir, "a.js"), []byte("server.log('hi');\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if tc.config != "" {
			if err := os.WriteFile(filepath.Join(c.dir, "agenthost.yaml"), []byte(tc.config), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if code := c.run("run", "a.js", "--until-idle", "--http", "off"); code != 0 {
			t.Fatalf("%q: exit %d, stderr %s", tc.config, code, c.stderr)
		}
		var got []int64
		for len(c.limits) > 0 {
			got = append(got, <-c.limits)
		}
		if tc.want == 0 && len(got) != 0 || tc.want != 0 && (len(got) != 1 || got[0] != tc.want) {
			t.Errorf("config %q, GOMEMLIMIT %q: memory limits set %v, want %d (0: none)", tc.config, tc.gomemlimit, got, tc.want)
		}
	}
	c := newCLI(t)
	if code := c.run("limits"); code != 0 || len(c.limits) != 0 {
		t.Errorf("limits: exit %d, %d memory limits set", code, len(c.limits))
	}
}
