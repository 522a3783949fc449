package httpapi_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// jsHelpers converts between hex text and blobs in scripts.
const jsHelpers = `
function hex(b) { let s = ""; for (let i = 0; i < b.len(); i++) s += ("0" + b[i].toString(16)).slice(-2); return s; }
function unhex(h) { const b = blob(h.length / 2); for (let i = 0; i < b.len(); i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
function rep(h, n) { return unhex(h.repeat(n)); }
`

// jsArg renders a vectors.txt DATA or KEY field as a JS expression.
func jsArg(f string) string {
	switch {
	case strings.HasPrefix(f, "hex:"):
		return fmt.Sprintf("unhex(%q)", strings.TrimPrefix(f, "hex:"))
	case strings.HasPrefix(f, "rep:"):
		h, n, _ := strings.Cut(strings.TrimPrefix(f, "rep:"), "*")
		return fmt.Sprintf("rep(%q, %s)", h, n)
	}
	return strconv.Quote(f)
}

// TestHashAndBase64Vectors runs every vector of testdata/vectors.txt (RFC
// 1321, RFC 3174, FIPS 180-2, RFC 2202, RFC 4231, RFC 4648) through
// http.hash.*, http.base64encode/decode and crypto's functions of the same
// names, with the data as a string and as a blob.
func TestHashAndBase64Vectors(t *testing.T) {
	f, err := os.Open("testdata/vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var script strings.Builder
	script.WriteString(jsHelpers)
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) != 4 {
			t.Fatalf("bad vector line %q", line)
		}
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		fn, data, key, exp := parts[0], parts[1], parts[2], parts[3]
		args := jsArg(data)
		blobArgs := args // a blob holding the same bytes
		if strings.HasPrefix(data, "hex:") || strings.HasPrefix(data, "rep:") {
			blobArgs = args
		} else {
			blobArgs = fmt.Sprintf("(function () { const b = blob(0); b.writestring(%s); return b; })()", args)
		}
		if key != "" {
			args += ", " + jsArg(key)
			blobArgs += ", " + jsArg(key)
		}
		switch fn {
		case "base64":
			fmt.Fprintf(&script, "server.log(http.base64encode(%s)); server.log(http.base64encode(%s));\n", args, blobArgs)
			fmt.Fprintf(&script, "server.log(http.base64decode(%q).tostring());\n", exp)
			want = append(want, exp, exp, data)
		default:
			fmt.Fprintf(&script, "server.log(hex(http.hash.%s(%s))); server.log(hex(http.hash.%s(%s)));\n", fn, args, fn, blobArgs)
			fmt.Fprintf(&script, "server.log(hex(crypto.%s(%s)));\n", fn, args)
			want = append(want, exp, exp, exp)
		}
	}
	out := agenttest.MustRun(t, script.String(), agenttest.Options{Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out, want...)
}

func TestJSONEncodeDecode(t *testing.T) {
	out := agenttest.MustRun(t, `
server.log(http.jsonencode({a: 1, b: [1, 2.5, "x\"y", null, true], c: {}, d: [], e: -0.5, f: 1e21}));
server.log(http.jsonencode({a: 1, b: [1, 2]}, {compact: true}));
server.log(http.jsonencode("<&>"));
const d = http.jsondecode('{"z": 1, "a": [1.0, 2e3, "s\\u00e9"], "n": null, "z": 3}');
server.log(Object.keys(d).join(","));
server.log(JSON.stringify(d));
for (const bad of ['{"a": }', '[1, 2', '{"a": 1} x', '', 'nul']) {
	try { http.jsondecode(bad); server.log("no throw"); } catch (e) { server.log(e.name + ": " + e.message); }
}
for (const bad of [{b: blob(2)}, {x: [1, function () {}]}, {n: NaN}, {i: Infinity}, {m: -Infinity}, {big: 10n}]) {
	try { http.jsonencode(bad); server.log("no throw"); } catch (e) { server.log(e.name + ": " + e.message); }
}
try { http.jsonencode(1, {pretty: true}); } catch (e) { server.log(e.message); }
try { http.jsonencode(1, true); } catch (e) { server.log(e.message); }
try { http.jsondecode(5); } catch (e) { server.log(e.message); }
const cyc = {}; cyc.self = cyc;
try { http.jsonencode(cyc); } catch (e) { server.log(e.message.slice(0, 40)); }
`, agenttest.Options{Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out,
		`{ "a": 1, "b": [ 1, 2.5, "x\"y", null, true ], "c": {}, "d": [], "e": -0.5, "f": 1e+21 }`,
		`{"a":1,"b":[1,2]}`,
		`"<&>"`,
		"z,a,n",
		`{"z":3,"a":[1,2000,"sé"],"n":null}`,
		"TypeError: http.jsondecode: invalid JSON at line 1, column 7: invalid character '}' looking for beginning of value",
		"TypeError: http.jsondecode: invalid JSON at line 1, column 6: unexpected end of input",
		"TypeError: http.jsondecode: invalid JSON at line 1, column 10: unexpected data after the value",
		"TypeError: http.jsondecode: invalid JSON at line 1, column 1: unexpected end of input",
		"TypeError: http.jsondecode: invalid JSON at line 1, column 4: unexpected end of input",
		"TypeError: http.jsonencode: value.b is a blob, which JSON cannot represent (base64encode it first)",
		"TypeError: http.jsonencode: value.x[1] is a function, which cannot be serialised",
		"TypeError: http.jsonencode: value.n is NaN, which JSON cannot represent",
		"TypeError: http.jsonencode: value.i is Infinity, which JSON cannot represent",
		"TypeError: http.jsonencode: value.m is -Infinity, which JSON cannot represent",
		"TypeError: http.jsonencode: value.big is a bigint, which cannot be serialised",
		`http.jsonencode: unknown setting "pretty" (the settings are: compact)`,
		"http.jsonencode: argument 'settings' must be an object whose only key is compact (e.g. {compact: true}), got boolean true",
		"http.jsondecode: argument 'json' must be a string, got number 5",
		"http.jsonencode: value.self.self.self.se",
	)
}

func TestURLEncodeAndBase64Errors(t *testing.T) {
	out := agenttest.MustRun(t, `
server.log(http.urlencode({a: "x y", b: 2, "c&": "é", d: true}));
const q = http.urldecode("a=x+y&b=2&c%26=%C3%A9&a=second");
server.log(JSON.stringify(q));
for (const f of [function () { http.urlencode("a=b"); }, function () { http.urlencode({a: {b: 1}}); },
                 function () { http.urldecode("%zz"); }, function () { http.base64decode("Zm9v!"); },
                 function () { http.base64encode(5); }, function () { http.hash.sha256(); },
                 function () { http.hash.hmacsha256("x"); }]) {
	try { f(); server.log("no throw"); } catch (e) { server.log(e.message); }
}
`, agenttest.Options{Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out,
		"a=x+y&b=2&c%26=%C3%A9&d=true",
		`{"a":"second","b":"2","c&":"é"}`,
		"http.urlencode: argument 'data' must be a table, got string \"a=b\"",
		`http.urlencode: value of "a" must be a string, number or boolean, got object`,
		`http.urldecode: argument 'data' is not URL-encoded: invalid URL escape "%zz"`,
		"http.base64decode: argument 'data' is not base64: illegal base64 data at input byte 4",
		"http.base64encode: argument 'data' must be a string or blob, got number 5",
		"http.hash.sha256: argument 'data' must be a string or blob, got undefined",
		"http.hash.hmacsha256: argument 'key' must be a string or blob, got undefined",
	)
}
