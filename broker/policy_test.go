package broker

import (
	"errors"
	"testing"
)

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
		{"private/#", "$SHARE/g/private/x", true}, // mochi treats the prefix in any case
		{"#", "$share/g/$SYS/x", false},
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

func TestReservedTopic(t *testing.T) {
	for topic, want := range map[string]bool{
		"$SYS/x": true, "$sys/x": true, "$SYSTEM": true, "$SYS": true, "$share/g/x": true, "$SHARE/g/x": true, "$share": true,
		"$foo/x": false, "SYS/x": false, "a/$SYS": false, "$shared/x": false, "$sha": false, "": false,
	} {
		if got := reservedTopic(topic); got != want {
			t.Errorf("reservedTopic(%q) = %v, want %v", topic, got, want)
		}
	}
}

// TestFramer feeds fixed headers and bodies in every split, checking the
// offset and error returned for a header over the limit or malformed.
func TestFramer(t *testing.T) {
	ok := []byte{0x30, 3, 'a', 'b', 'c', 0xC0, 0} // a 5-byte PUBLISH and a PINGREQ
	cases := []struct {
		name   string
		stream []byte
		max    int64
		at     int // offset of the bad packet; -1: none
		large  bool
	}{
		{"fits", ok, 5, -1, false},
		{"one over", ok, 4, 0, true},
		{"second too large", append(append([]byte{}, ok...), 0x30, 0x80, 0x01), 129, 7, true}, // 3 + 128
		{"second exactly", append(append([]byte{}, ok...), 0x30, 0x7D), 127, -1, false},       // 2 + 125
		{"four length bytes", append(append([]byte{}, ok...), 0x30, 0xFF, 0xFF, 0xFF, 0x7F), MaxPacketSizeLimit, -1, false},
		{"five length bytes", append(append([]byte{}, ok...), 0x30, 0x80, 0x80, 0x80, 0x80, 0x00), MaxPacketSizeLimit, 7, false},
	}
	for _, tc := range cases {
		for split := 0; split <= len(tc.stream); split++ {
			f := framer{max: tc.max}
			n1, err := f.feed(tc.stream[:split])
			at, bad := n1, err
			if err == nil {
				n2, err2 := f.feed(tc.stream[split:])
				at, bad = split+n2, err2
				if err2 != nil && tc.at < split { // began in the first part: offset 0 of the second
					at = tc.at
					if n2 != 0 {
						t.Errorf("%s split %d: offset %d in the second part, want 0", tc.name, split, n2)
					}
				}
			}
			switch {
			case tc.at < 0 && bad != nil:
				t.Errorf("%s split %d: %v", tc.name, split, bad)
			case tc.at >= 0 && bad == nil:
				t.Errorf("%s split %d: no error", tc.name, split)
			case tc.at >= 0 && at != tc.at:
				t.Errorf("%s split %d: bad packet at %d, want %d", tc.name, split, at, tc.at)
			case tc.at >= 0:
				var tl *tooLargeError
				if errors.As(bad, &tl) != tc.large {
					t.Errorf("%s split %d: error %v, want too large %v", tc.name, split, bad, tc.large)
				}
			}
		}
	}
}
