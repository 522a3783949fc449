package impvalue

import (
	"math"
	"reflect"
	"testing"
)

// TestMarshalRoundTrip: every kind of value, nested, comes back equal,
// with integers and floats kept apart and table keys in order.
func TestMarshalRoundTrip(t *testing.T) {
	tab := NewTable()
	tab.Set("z", int64(-1))
	tab.Set("a", 1.5)
	tab.Set("", []Value{nil, true, false, "é", Blob{0, 255}, math.Inf(-1)})
	inner := NewTable()
	inner.Set("k", int64(math.MaxInt64))
	tab.Set("inner", inner)
	got, err := Unmarshal(Marshal(tab))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tab) {
		t.Fatalf("got %#v\nwant %#v", got, tab)
	}
	if _, isInt := got.(*Table).Vals["a"].(float64); !isInt {
		t.Errorf("1.5 did not stay a float")
	}
}

// TestUnmarshalRejectsDamage: truncated data, trailing bytes, unknown tags
// and lengths beyond the data are errors, never panics or huge
// allocations.
func TestUnmarshalRejectsDamage(t *testing.T) {
	good := Marshal([]Value{"abc", int64(5), Blob{1, 2, 3}})
	for i := 0; i < len(good); i++ {
		if _, err := Unmarshal(good[:i]); err == nil {
			t.Errorf("truncated to %d bytes: no error", i)
		}
	}
	for _, bad := range [][]byte{append(append([]byte{}, good...), 0), {'?'}, {tagArray, 0xff, 0xff, 0xff, 0xff, 0x0f}, {tagString, 10, 'a'}} {
		if _, err := Unmarshal(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestJSONNumbers: integers stay integers, fractions and exponents are
// floats, integers beyond 64 bits become floats, and floats print with a
// fraction.
func TestJSONNumbers(t *testing.T) {
	v, err := DecodeJSON(`[1, -0, 1.0, 2e3, 18446744073709551616, 9007199254740993]`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Value{int64(1), int64(0), 1.0, 2000.0, 18446744073709551616.0, int64(9007199254740993)}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v", v)
	}
	s, err := EncodeJSON([]Value{int64(3), 3.0, 0.1, 1e21}, true, "v")
	if err != nil || s != "[3,3.0,0.1,1e+21]" {
		t.Fatalf("got %q, %v", s, err)
	}
}
