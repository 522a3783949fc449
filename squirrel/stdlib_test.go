package squirrel

import (
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// The imp's own library functions (no reference interpreter has them).
func TestImpSystemFunctions(t *testing.T) {
	now := time.Date(2024, time.February, 29, 13, 14, 15, 123456000, time.UTC)
	var out strings.Builder
	rt, err := NewRuntime(goja.New(), Options{Print: func(s string) { out.WriteString(s) }, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	src := `
print(castf2i(1.0) + " " + casti2f(1065353216) + " " + typeof casti2f(0) + "\n");
print(swap2(0x1234) + " " + swap4(0x12345678) + " " + castf2i(swapfloat(1.0)) + "\n");
local d = date(0);
print(d.year + "-" + d.month + "-" + d.day + " " + d.wday + " " + d.yday + " " + d.hour + ":" + d.min + ":" + d.sec + " " + d.time + " " + d.usec + "\n");
local n = date();
print(n.year + "-" + n.month + "-" + n.day + " " + n.wday + " " + n.yday + " " + n.hour + ":" + n.min + ":" + n.sec + " " + n.usec + " " + (n.time == time()) + "\n");
print(math.abs(-3) + " " + math.floor(2.5) + " " + typeof math.sqrt(4) + " " + (math.PI > 3.14) + " " + (math.rand() <= math.RAND_MAX) + "\n");
`
	p, err := Compile("imp.nut", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Run(p); err != nil {
		t.Fatal(err)
	}
	want := "1065353216 1 float\n" +
		"13330 2018915346 32831\n" +
		"1970-0-1 4 0 0:0:0 0 0\n" +
		"2024-1-29 4 59 13:14:15 123456 true\n" +
		"3 2 float true true\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// clock() is the seconds since the runtime started, as a float, read from
// Options.Now: on the virtual clock it moves with virtual time.
func TestClockCountsFromTheRuntimeStart(t *testing.T) {
	now := time.Date(2024, time.February, 29, 13, 14, 15, 0, time.UTC)
	var out strings.Builder
	rt, err := NewRuntime(goja.New(), Options{Print: func(s string) { out.WriteString(s) }, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile("clock.nut", []byte(`print(typeof clock() + " " + clock() + "\n");`))
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []time.Duration{0, 2500 * time.Millisecond, 90 * time.Second} {
		now = now.Add(step)
		if _, err := rt.Run(p); err != nil {
			t.Fatal(err)
		}
	}
	if want := "float 0\nfloat 2.5\nfloat 92.5\n"; out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
