package scriptvm

import (
	"strings"
	"testing"
)

func TestUnhandledRejectionsAreReportedWithTheirLocation(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.run(t, `after(1, async function tick() {
	log("tick");
	throw new Error("async boom");
});
Promise.reject(new TypeError("top-level reject"));
var handledLater = Promise.reject(new Error("handled"));
handledLater.catch(function (e) { log("caught " + e.message); });
after(2, function () { Promise.reject(42); });
`, RunOptions{UntilIdle: true})
	must(t, err)
	if got := strings.Join(h.lines, ","); got != "caught handled,tick" {
		t.Fatalf("lines = %s", got)
	}
	if len(h.errors) != 3 {
		t.Fatalf("want 3 reported rejections, got %d: %+v", len(h.errors), h.errors)
	}
	want := []struct {
		msg  string
		line int
	}{
		{"Uncaught (in promise) TypeError: top-level reject", 5},
		{"Uncaught (in promise) Error: async boom", 3},
		{"Uncaught (in promise) 42", 0},
	}
	for i, w := range want {
		e := h.errors[i]
		if e.Message != w.msg || e.Line != w.line {
			t.Errorf("rejection %d: got %q at line %d, want %q at line %d", i, e.Message, e.Line, w.msg, w.line)
		}
		if w.line != 0 && e.File != "agent.js" {
			t.Errorf("rejection %d: file %q", i, e.File)
		}
	}
	if fr := h.errors[1].Stack; len(fr) == 0 || fr[0].Func != "tick" {
		t.Errorf("async rejection stack = %+v, want tick first", fr)
	}
}

func TestResolvingFromGoRunsReactionsWithoutHelp(t *testing.T) {
	h := newHarness(t, nil)
	must(t, h.loop.Runtime().Set("later", func() any {
		p, resolve, _ := h.loop.Runtime().NewPromise()
		op := h.loop.Begin(Busy)
		go func() { op.Complete(func() { _ = resolve("value") }) }()
		return p
	}))
	_, err := h.run(t, `later().then(function (v) { log("then " + v); return Promise.resolve(1); })
		.then(function () { log("chained"); });`, RunOptions{UntilIdle: true})
	must(t, err)
	if got := strings.Join(h.lines, ","); got != "then value,chained" {
		t.Fatalf("lines = %s", got)
	}
}

func TestTextNeverPanics(t *testing.T) {
	h := newHarness(t, nil)
	must(t, h.loop.Runtime().Set("show", func(v any) {}))
	prg, err := Compile("agent.js", `var bad = { toString: function () { throw new Error("no"); } };
var fine = { toString: function () { return "fine"; } };`)
	must(t, err)
	if _, err := h.loop.Runtime().RunProgram(prg); err != nil {
		t.Fatal(err)
	}
	rt := h.loop.Runtime()
	if got := h.loop.Text(rt.Get("bad")); got != "<unprintable Object>" {
		t.Errorf("Text(bad) = %q", got)
	}
	if got := h.loop.Text(rt.Get("fine")); got != "fine" {
		t.Errorf("Text(fine) = %q", got)
	}
	if got := h.loop.Text(rt.ToValue(1.5)); got != "1.5" {
		t.Errorf("Text(1.5) = %q", got)
	}
}
