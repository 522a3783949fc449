package mqtttopic

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckFilter(t *testing.T) {
	for _, f := range []string{"#", "+", "a/#", "a/+/b", "+/+", "/", "a//b", "$SYS/#", "héllo/+"} {
		if err := CheckFilter(f); err != nil {
			t.Errorf("CheckFilter(%q) = %v", f, err)
		}
	}
	for f, want := range map[string]string{
		"":                         "must not be empty",
		"a/#/b":                    "'#' must be a whole level, and the last",
		"a#":                       "'#' must be a whole level",
		"a+/b":                     "'+' must be a whole level",
		"a\x00b":                   "NUL",
		"\xff":                     "not valid UTF-8",
		strings.Repeat("x", 65536): "longer than 65535",
	} {
		if err := CheckFilter(f); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckFilter(%.20q) = %v, want %q", f, err, want)
		}
	}
}

func TestCheckName(t *testing.T) {
	if err := CheckName("a/b c/d"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"", "a/#", "a/+/b", "a\x00", "\xff/a", "é/\xc3", strings.Repeat("a", MaxLen+1), "é/#"} {
		if CheckName(n) == nil {
			t.Errorf("CheckName(%q) accepted", n)
		}
	}
	for _, n := range []string{"é/ü/€", "$SYS/x", strings.Repeat("a", MaxLen), " "} {
		if err := CheckName(n); err != nil {
			t.Errorf("CheckName(%q): %v", n, err)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		filter, topic string
		want          bool
	}{
		{"a/b", "a/b", true}, {"a/b", "a/c", false}, {"a/+", "a/b", true}, {"a/+", "a/b/c", false},
		{"a/#", "a", true}, {"a/#", "a/b/c", true}, {"#", "x/y", true}, {"+/+", "a/b", true},
		{"#", "$SYS/x", false}, {"+/x", "$SYS/x", false}, {"$SYS/#", "$SYS/x", true}, {"a/b", "a/b/c", false},
	} {
		if got := Match(c.filter, c.topic); got != c.want {
			t.Errorf("Match(%q, %q) = %v", c.filter, c.topic, got)
		}
	}
}

// FuzzTopics: the checks and Match never panic, a valid topic name is a
// filter that matches itself, and '#' matches every topic not starting
// with '$'.
func FuzzTopics(f *testing.F) {
	for _, s := range []string{"a/b", "#", "+/+", "a/#/b", "", "$SYS/x", "a\x00b", "\xff", "//", "a/+b"} {
		f.Add(s, "a/b")
	}
	f.Fuzz(func(t *testing.T, filter, topic string) {
		ferr, terr := CheckFilter(filter), CheckName(topic)
		// the one-pass fast path agrees with the full check
		full := checkCommon("topic", topic)
		if full == nil && strings.ContainsAny(topic, "+#") {
			full = errors.New("wildcard")
		}
		if (terr == nil) != (full == nil) {
			t.Fatalf("CheckName(%q) = %v, the full check says %v", topic, terr, full)
		}
		if ferr == nil && terr == nil {
			_ = Match(filter, topic)
		}
		if terr == nil {
			if CheckFilter(topic) != nil || !Match(topic, topic) {
				t.Fatalf("valid topic %q is not a filter matching itself", topic)
			}
			if !strings.HasPrefix(topic, "$") && !Match("#", topic) {
				t.Fatalf("# does not match %q", topic)
			}
		}
	})
}
