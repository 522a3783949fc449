package squirrel

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// libraryBlock is one section of a synthetic agent library in the style of
// the imp's (a class with state, callbacks, string and table handling); the
// benchmark repeats it with fresh names to reach the size it needs.
const libraryBlock = `
// --- section %[1]d ---
const LIB%[1]d_VERSION = "1.%[1]d.0";
enum LIB%[1]d_STATE { IDLE, CONNECTING, CONNECTED = 10, FAILED }

class Lib%[1]d.Client extends Lib%[1]d.Base </ version = LIB%[1]d_VERSION /> {
	_state = LIB%[1]d_STATE.IDLE;
	_queue = null;
	_handlers = null;
	_opts = null;
	static RETRIES = 3;

	constructor(opts = {}) {
		base.constructor();
		_queue = [];
		_handlers = {};
		_opts = { timeout = 10, prefix = "lib%[1]d/" };
		foreach (k, v in opts) _opts[k] <- v;
	}

	function on(name, cb) {
		if (typeof cb != "function") throw "handler must be a function";
		_handlers[name] <- cb.bindenv(this);
		return this;
	}

	function send(topic, payload, qos = 0) {
		local msg = { topic = _opts.prefix + topic, payload = payload, qos = qos, id = _queue.len() };
		_queue.push(msg);
		if (_state == LIB%[1]d_STATE.CONNECTED) _flush();
		return msg.id;
	}

	function _flush() {
		while (_queue.len() > 0) {
			local m = _queue.remove(0);
			if ("sent" in _handlers) _handlers.sent(m);
		}
	}

	function _onMessage(raw) {
		local parts = split(raw, "|");
		if (parts.len() < 2) return null;
		local result = {};
		for (local i = 0; i < parts.len(); i += 2) {
			local key = strip(parts[i]);
			result[key] <- i + 1 < parts.len() ? parts[i + 1] : null;
		}
		switch (result.len()) {
			case 0: return null;
			case 1: return result;
			default:
				local out = [];
				foreach (k, v in result) out.push(format("%%s=%%s", k, v == null ? "" : v));
				return out;
		}
	}

	function _typeof() { return "Lib%[1]dClient"; }
	function _tostring() { return format("Lib%[1]d(%%d queued, state %%d)", _queue.len(), _state); }
}

function Lib%[1]d::helper(a, b, ...) {
	local sum = a * b;
	foreach (v in vargv) sum += v;
	return @(x) x + sum;
}
`

func synthLibrary(lines int) []byte {
	var b bytes.Buffer
	b.WriteString("Lib <- {};\n")
	for i := 0; strings.Count(b.String(), "\n") < lines; i++ {
		fmt.Fprintf(&b, "Lib%d <- { Base = class { constructor() {} } };\n", i)
		fmt.Fprintf(&b, libraryBlock, i)
	}
	return b.Bytes()
}

// BenchmarkCompileLibrary compiles a 2,000-line library (the target is under
// 50 ms per compile; the time includes generating the source map).
//
//	go test ./squirrel -run '^$' -bench CompileLibrary
func BenchmarkCompileLibrary(b *testing.B) {
	src := synthLibrary(2000)
	b.ReportMetric(float64(bytes.Count(src, []byte("\n"))), "lines")
	b.ResetTimer()
	c0 := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := Compile("lib.nut", src); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkCompileLibraryEndToEnd is BenchmarkCompileLibrary plus goja's
// compilation of the generated JavaScript: what loading the library costs
// before it runs. Besides wall time it reports process CPU time, of the
// Squirrel compiler alone and of both steps. With SQLIBFILE set to a real library (say, a local copy
// of AzureIoTHub.agent.lib.nut, 2,044 lines), that file is compiled too.
//
//	SQLIBFILE=/path/AzureIoTHub.agent.lib.nut go test ./squirrel -run '^$' -bench CompileLibrary
func BenchmarkCompileLibraryEndToEnd(b *testing.B) {
	files := map[string][]byte{"synthetic": synthLibrary(2000)}
	if path := os.Getenv("SQLIBFILE"); path != "" {
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		files[filepath.Base(path)] = src
	}
	for name, src := range files {
		b.Run(name, func(b *testing.B) {
			b.ReportMetric(float64(bytes.Count(src, []byte("\n"))), "lines")
			var sq, all time.Duration
			for i := 0; i < b.N; i++ {
				c0 := processCPU()
				p, err := Compile(name, src)
				c1 := processCPU()
				if err == nil {
					_, err = p.Script()
				}
				if err != nil {
					b.Fatal(err)
				}
				sq, all = sq+c1-c0, all+processCPU()-c0
			}
			b.ReportMetric(float64(sq.Nanoseconds())/float64(b.N), "squirrel-cpu-ns/op")
			b.ReportMetric(float64(all.Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// The synthetic library must be valid Squirrel that runs, and compile in
// well under a second (the target is 50 ms; the bound is loose because test
// machines are shared, and off under the race detector; the benchmark gives
// the real figure).
func TestCompileLibraryRunsAndIsFast(t *testing.T) {
	src := synthLibrary(2000)
	start := time.Now()
	p, err := Compile("lib.nut", src)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if !raceEnabled && took > time.Second {
		t.Errorf("compiling %d lines took %v", bytes.Count(src, []byte("\n")), took)
	}
	rt, err := NewRuntime(goja.New(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Run(p); err != nil {
		t.Fatal(err)
	}
	check := []byte(`
local c = Lib3.Client({ timeout = 5 });
local sent = [];
c.on("sent", function(m) { sent.push(m.topic); });
c.send("a", 1); c._state = LIB3_STATE.CONNECTED; c.send("b", 2);
local parsed = c._onMessage("x|1|y|2");
return typeof c + " " + sent.len() + " " + sent[1] + " " + parsed.len() + " " + Lib3.helper(2, 3, 4)(1) + " " + c;
`)
	q, err := rt.Compile("check.nut", check) // sees the library's constants
	if err != nil {
		t.Fatal(err)
	}
	v, err := rt.Run(q)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.String(); got != "Lib3Client 2 lib3/b 2 11 Lib3(0 queued, state 10)" {
		t.Errorf("library check = %q", got)
	}
}
