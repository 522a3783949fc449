package main

import "testing"

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
