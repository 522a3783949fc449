// Package mqtttopic checks MQTT topic names and filters (MQTT 3.1.1 section
// 4.7), with messages phrased for the person who wrote them. The config
// file, the agent API and the broker all use it, so they agree.
package mqtttopic

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLen is the longest topic or filter, in bytes.
const MaxLen = 65535

// CheckFilter returns an error describing why f is not a valid topic
// filter: empty, longer than 65535 bytes, not UTF-8, holding NUL, '#' not
// as a whole last level, or '+' not as a whole level.
func CheckFilter(f string) error {
	if err := checkCommon("topic filter", f); err != nil {
		return err
	}
	levels := strings.Split(f, "/")
	for i, l := range levels {
		if strings.Contains(l, "#") && (l != "#" || i != len(levels)-1) {
			return fmt.Errorf("topic filter %q: '#' must be a whole level, and the last", f)
		}
		if strings.Contains(l, "+") && l != "+" {
			return fmt.Errorf("topic filter %q: '+' must be a whole level", f)
		}
	}
	return nil
}

// CheckName returns an error describing why t cannot be published to:
// empty, too long, not UTF-8, holding NUL or a wildcard.
func CheckName(t string) error {
	// the common case, checked in one pass: printable ASCII without
	// wildcards (it runs for every message received)
	if t != "" && len(t) <= MaxLen {
		plain := true
		for i := 0; i < len(t); i++ {
			if c := t[i]; c == 0 || c == '+' || c == '#' || c >= utf8.RuneSelf {
				plain = false
				break
			}
		}
		if plain {
			return nil
		}
	}
	if err := checkCommon("topic", t); err != nil {
		return err
	}
	if strings.ContainsAny(t, "+#") {
		return fmt.Errorf("topic %q: wildcards '+' and '#' are only for subscribing", t)
	}
	return nil
}

func checkCommon(what, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%s must not be empty", what)
	case len(s) > MaxLen:
		return fmt.Errorf("%s is longer than %d bytes", what, MaxLen)
	case !utf8.ValidString(s):
		return fmt.Errorf("%s %q is not valid UTF-8", what, s)
	case strings.ContainsRune(s, 0):
		return fmt.Errorf("%s %q contains a NUL character", what, s)
	}
	return nil
}

// Match reports whether topic matches filter (both assumed valid). As MQTT
// specifies, wildcards at the first level do not match topics starting
// with '$'.
func Match(filter, topic string) bool {
	if strings.HasPrefix(topic, "$") && (strings.HasPrefix(filter, "+") || strings.HasPrefix(filter, "#")) {
		return false
	}
	fl := strings.Split(filter, "/")
	tl := strings.Split(topic, "/")
	for i, f := range fl {
		if f == "#" {
			return true
		}
		if i >= len(tl) {
			return false
		}
		if f != "+" && f != tl[i] {
			return false
		}
	}
	return len(fl) == len(tl)
}
