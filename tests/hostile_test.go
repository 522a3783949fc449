package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileValues are thrown values whose conversion to text throws, loops
// or overflows the stack.
const hostileValues = `
function hostile(kind) {
	switch (kind) {
	case "toString throws": return { toString: function () { throw new Error("no text for you"); } };
	case "name getter throws": { const e = new Error("msg"); Object.defineProperty(e, "name", { get: function () { throw 1; } }); return e; }
	case "toString loops": return { toString: function () { for (;;) {} } };
	case "toString recurses": return { toString: function () { return String(this); } };
	case "proxy": return new Proxy({}, { get: function () { throw 2; }, getPrototypeOf: function () { throw 3; }, ownKeys: function () { throw 4; } });
	case "toPrimitive throws": return { [Symbol.toPrimitive]: function () { throw 5; } };
	case "symbol": return Symbol("sym");
	}
}
const kinds = ["toString throws", "name getter throws", "toString loops", "toString recurses", "proxy", "toPrimitive throws", "symbol"];
`

// TestHostileThrownValues: a thrown value whose conversion to text throws,
// loops or overflows never crashes the host. From each kind of callback
// it is reported (as a placeholder where it cannot be shown) and the
// agent goes on; from the top level the run ends with exit 1, not a Go
// panic (exit 2).
func TestHostileThrownValues(t *testing.T) {
	dir := t.TempDir()
	config := "limits:\n  cpu_per_callback: 300ms\n  log: off\n"
	if err := os.WriteFile(filepath.Join(dir, "agenthost.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	callbacks := hostileValues + `
const c = mqtt.createclient();
let round = 0;
function next() {
	if (round == kinds.length) { server.log("survived " + round); c.disconnect(); return; }
	const kind = kinds[round++];
	const where = ["wakeup", "onmessage", "sendasync", "async", "onrequest"][round % 5];
	server.log("throwing " + kind + " from " + where);
	switch (where) {
	case "wakeup": imp.wakeup(0, function () { imp.wakeup(0, next); throw hostile(kind); }); break;
	case "onmessage": c.onmessage(function () { imp.wakeup(0, next); throw hostile(kind); }); c.createmessage("t", "x").sendasync(); break;
	case "sendasync": c.createmessage("u", "x").sendasync(function () { imp.wakeup(0, next); throw hostile(kind); }); break;
	case "async": (async function () { imp.wakeup(0, next); throw hostile(kind); })(); break;
	case "onrequest": imp.wakeup(0, next); throw hostile(kind);
	}
}
c.onconnect(function (rc) { c.subscribe("t", 0, function () { next(); }); });
c.connect("tcp://broker", "hostile");
`
	path := filepath.Join(dir, "callbacks.js")
	if err := os.WriteFile(path, []byte(callbacks), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, dir, "run", "callbacks.js", "--until-idle")
	all := strings.Join(append(r.stdout, r.stderr...), "\n")
	if r.code != 0 || strings.Contains(all, "panic") || strings.Contains(all, "goroutine ") {
		t.Fatalf("exit %d\n%s", r.code, all)
	}
	if agent := r.agent(); len(agent) == 0 || agent[len(agent)-1] != "survived 7" {
		t.Fatalf("the agent did not go on: %q\nstderr %q", agent, r.stderr)
	}
	var reports []string
	for _, l := range r.agentErrors() {
		if !strings.HasPrefix(l, "  at ") {
			reports = append(reports, l)
		}
	}
	errs := strings.Join(reports, "\n")
	if len(reports) != 7 {
		t.Errorf("want one error report per thrown value, got %d:\n%s", len(reports), errs)
	}
	for _, want := range []string{"<unprintable Object>", "<unprintable Error>", "Uncaught Symbol(sym)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
	for i, kind := range []string{"toString throws", "name getter throws", "toString loops", "toString recurses", "proxy", "toPrimitive throws", "symbol"} {
		top := hostileValues + "\nserver.log('before');\nthrow hostile(" + `"` + kind + `"` + ");\n"
		name := filepath.Join(dir, "top"+string(rune('a'+i))+".js")
		if err := os.WriteFile(name, []byte(top), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runBin(t, dir, "run", filepath.Base(name), "--until-idle")
		all := strings.Join(append(r.stdout, r.stderr...), "\n")
		if r.code != 1 || strings.Contains(all, "panic") || len(r.agentErrors()) == 0 {
			t.Errorf("top-level throw of %s: exit %d\n%s", kind, r.code, all)
		}
	}
}
