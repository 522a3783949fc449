package broker

import "testing"

func TestFilterCovers(t *testing.T) {
	cases := []struct {
		deny, filter string
		want         bool
	}{
		{"private/#", "private/#", true},
		{"private/#", "private", true}, // '#' also matches the parent level
		{"private/#", "private/x", true},
		{"private/#", "private/x/y", true},
		{"private/#", "private/+", true},
		{"private/#", "private/+/y/#", true},
		{"private/#", "privatex", false},
		{"private/#", "public/x", false},
		{"private/#", "#", false},
		{"private/#", "+/x", false},
		{"a/+", "a/b", true},
		{"a/+", "a/+", true},
		{"a/+", "a/#", false},
		{"a/+", "a", false},
		{"a/+", "a/b/c", false},
		{"a/+/c", "a/b/c", true},
		{"a/+/c", "a/+/c", true},
		{"a/+/c", "a/b/d", false},
		{"a/b", "a/b", true},
		{"a/b", "a/+", false},
		{"a/b", "a/b/c", false},
		{"#", "anything/at/all", true},
		{"#", "#", true},
		{"#", "$SYS/x", false},
		{"+/x", "$SYS/x", false},
		{"$SYS/#", "$SYS/broker/uptime", true},
		{"private/#", "$share/g/private/x", true},
		{"private/#", "$share/g/public/x", false},
		{"/x", "/x", true},
		{"+/x", "/x", true},
	}
	for _, tc := range cases {
		if got := filterCovers(tc.deny, tc.filter); got != tc.want {
			t.Errorf("filterCovers(%q, %q) = %v, want %v", tc.deny, tc.filter, got, tc.want)
		}
	}
}

func TestValidFilter(t *testing.T) {
	valid := []string{"a", "a/b", "a/+", "a/#", "+/+/#", "#", "/", "$share/g/a/#"}
	invalid := []string{"", "a/#/b", "a/b#", "a+/b", "a/+b", "$share/g"}
	for _, f := range valid {
		if !validFilter(f) {
			t.Errorf("validFilter(%q) = false, want true", f)
		}
	}
	for _, f := range invalid {
		if validFilter(f) {
			t.Errorf("validFilter(%q) = true, want false", f)
		}
	}
}
