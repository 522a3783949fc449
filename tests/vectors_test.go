package tests

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The vectors live with the packages' own tests; these tests run the same
// files through the binary.
var (
	hashVectors  = filepath.Join("agentapi", "httpapi", "testdata", "vectors.txt")
	cryptoVector = func(name string) string { return filepath.Join("agentapi", "cryptoapi", "testdata", name) }
)

// vectorHelpers converts between blobs and hex text in scripts.
const vectorHelpers = `
function hex(b) { let s = ""; for (let i = 0; i < b.len(); i++) s += ("0" + b[i].toString(16)).slice(-2); return s; }
function unhex(h) { const b = blob(h.length / 2); for (let i = 0; i < b.len(); i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
function textblob(s) { const b = blob(0); b.writestring(s); return b; }
`

// hashVector is one line of vectors.txt: FUNCTION | DATA | KEY | EXPECTED.
type hashVector struct{ fn, data, key, want string }

// readHashVectors reads vectors.txt from the repository.
func readHashVectors(t *testing.T) []hashVector {
	t.Helper()
	f, err := os.Open(filepath.Join(repo, hashVectors))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []hashVector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 4 {
			t.Fatalf("%s: bad line %q", hashVectors, line)
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		out = append(out, hashVector{f[0], f[1], f[2], f[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// vectorBytes decodes a DATA or KEY field: text, hex:..., or rep:XX*N.
func vectorBytes(t *testing.T, field string) (b []byte, isText bool) {
	t.Helper()
	switch {
	case strings.HasPrefix(field, "hex:"):
		return mustDecodeHex(t, strings.TrimPrefix(field, "hex:")), false
	case strings.HasPrefix(field, "rep:"):
		h, n, _ := strings.Cut(strings.TrimPrefix(field, "rep:"), "*")
		count, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("bad repeat %q", field)
		}
		return []byte(strings.Repeat(string(mustDecodeHex(t, h)), count)), false
	}
	return []byte(field), true
}

func mustDecodeHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// runVectorScript runs script as agent.js through `agenthost run
// --until-idle` and returns its [Agent] lines, failing on a non-zero exit
// or an agent error.
func runVectorScript(t *testing.T, script string) []string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agent.js"), vectorHelpers+script)
	r := runBin(t, dir, "run", "agent.js", "--until-idle", "--http", "off")
	if r.code != 0 || len(r.agentErrors()) != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.rawOut, strings.Join(r.stderr, "\n"))
	}
	return r.agent()
}

// wantLines compares agent lines with want, line by line.
func wantLines(t *testing.T, got, want []string) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, g, w)
		}
	}
}

// TestHashVectorsThroughTheBinary: every hash and HMAC vector of
// vectors.txt (RFC 1321 MD5, RFC 3174 SHA-1, FIPS 180-2 SHA-256/512,
// RFC 2202 HMAC-SHA1, RFC 4231 HMAC-SHA256/512) through http.hash.* and
// crypto.*, with the data as a string (when it is text) and as a blob, in
// one agent run.
func TestHashVectorsThroughTheBinary(t *testing.T) {
	var script strings.Builder
	var want []string
	fns := map[string]int{}
	for i, v := range readHashVectors(t) {
		if v.fn == "base64" {
			continue
		}
		fns[v.fn]++
		data, text := vectorBytes(t, v.data)
		args := []string{fmt.Sprintf("unhex(%q)", hex.EncodeToString(data))}
		if text {
			args = append(args, strconv.Quote(v.data))
		}
		key := ""
		if v.key != "" {
			k, _ := vectorBytes(t, v.key)
			key = fmt.Sprintf(", unhex(%q)", hex.EncodeToString(k))
		}
		for _, ns := range []string{"http.hash", "crypto"} {
			for j, a := range args {
				fmt.Fprintf(&script, "server.log(%q + \" \" + hex(%s.%s(%s%s)));\n", fmt.Sprintf("%d %s.%s/%d", i, ns, v.fn, j), ns, v.fn, a, key)
				want = append(want, fmt.Sprintf("%d %s.%s/%d %s", i, ns, v.fn, j, v.want))
			}
		}
	}
	// Every function the API offers has vectors.
	for _, fn := range []string{"md5", "sha1", "sha256", "sha512", "hmacsha1", "hmacsha256", "hmacsha512"} {
		if fns[fn] < 2 {
			t.Fatalf("%s has %d vectors in %s, want at least 2", fn, fns[fn], hashVectors)
		}
	}
	wantLines(t, runVectorScript(t, script.String()), want)
}

// TestEncoderVectorsThroughTheBinary: base64 encode and decode with the
// RFC 4648 section 10 vectors of vectors.txt (from a string, a blob and a
// Uint8Array), all 256 byte values through base64 and back, and the
// documented behaviour of urlencode/urldecode and jsonencode/jsondecode.
func TestEncoderVectorsThroughTheBinary(t *testing.T) {
	var script strings.Builder
	var want []string
	n := 0
	for i, v := range readHashVectors(t) {
		if v.fn != "base64" {
			continue
		}
		n++
		fmt.Fprintf(&script, "server.log(%d + \" \" + http.base64encode(%q) + \" \" + http.base64encode(textblob(%q)) + \" \" + http.base64encode(new Uint8Array(Array.from(%q, function (c) { return c.charCodeAt(0); }))));\n", i, v.data, v.data, v.data)
		fmt.Fprintf(&script, "server.log(%d + \" [\" + http.base64decode(%q).tostring() + \"] \" + http.base64decode(%q).len());\n", i, v.want, v.want)
		want = append(want, fmt.Sprintf("%d %s %s %s", i, v.want, v.want, v.want),
			fmt.Sprintf("%d [%s] %d", i, v.data, len(v.data)))
	}
	if n != 7 {
		t.Fatalf("%d base64 vectors in %s, want RFC 4648's 7", n, hashVectors)
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	fmt.Fprintf(&script, `
const all = blob(256); for (let i = 0; i < 256; i++) all[i] = i;
const enc = http.base64encode(all);
server.log("all " + enc);
server.log("back " + hex(http.base64decode(enc)));
server.log("trimmed " + hex(http.base64decode(" \n" + "AP8=" + "\n ")));
server.log(http.urlencode({a: "x y", b: 2, "c&": "é", d: true, e: "1+1=2/3?"}));
const q = http.urldecode("a=x+y&b=2&c%%26=%%C3%%A9&b=last&flag");
server.log(JSON.stringify(q) + " " + Object.keys(q).join(","));
server.log(http.jsonencode({a: 1, b: [1, 2.5, "x\"y", null, true], c: {}, f: 2.0, g: 0.1, h: 1e21, i: "<&>"}));
server.log(http.jsonencode({a: 1, b: [1, 2]}, {compact: true}));
const d = http.jsondecode('{"z": 1, "a": [1.0, 2e3, "s\\u00e9"], "n": null, "z": 3}');
server.log(JSON.stringify(d) + " " + Object.keys(d).join(","));
`)
	want = append(want,
		"all "+base64.StdEncoding.EncodeToString(all),
		"back "+hex.EncodeToString(all),
		"trimmed 00ff",
		"a=x+y&b=2&c%26=%C3%A9&d=true&e=1%2B1%3D2%2F3%3F",
		`{"a":"x y","b":"last","c&":"é","flag":""} a,b,c&,flag`,
		`{ "a": 1, "b": [ 1, 2.5, "x\"y", null, true ], "c": {}, "f": 2, "g": 0.1, "h": 1e+21, "i": "<&>" }`,
		`{"a":1,"b":[1,2]}`,
		`{"z":3,"a":[1,2000,"sé"],"n":null} z,a,n`,
	)
	wantLines(t, runVectorScript(t, script.String()), want)
}

// cavpRecords reads a NIST CAVP response file into records of
// "key = value" fields; a blank line ends a record, and a group of fields
// without a Result (a modulus, say) carries over to the records after it.
func cavpRecords(t *testing.T, path string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	shared := map[string]string{}
	cur := map[string]string{}
	end := func() {
		if _, ok := cur["Result"]; ok {
			rec := map[string]string{}
			for k, v := range shared {
				rec[k] = v
			}
			for k, v := range cur {
				rec[k] = v
			}
			out = append(out, rec)
		} else {
			for k, v := range cur {
				shared[k] = v
			}
		}
		cur = map[string]string{}
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#"), strings.HasPrefix(line, "["):
		case line == "":
			end()
		default:
			if k, v, ok := strings.Cut(line, " = "); ok {
				cur[k] = v
			}
		}
	}
	end()
	return out
}

func bigHex(t *testing.T, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("not hex: %q", s)
	}
	return n
}

// TestSignatureVectorsThroughTheBinary runs the signature vectors of the
// crypto package's tests in one agent: NIST's RSA PKCS#1 v1.5 SigVer
// records (key as SubjectPublicKeyInfo and as PKCS#1), OpenSSL's
// deterministic RSA signature reproduced by crypto.sign from a PKCS#1 and
// a PKCS#8 key and verified, and all NIST P-256/SHA-256 ECDSA SigVer
// records; then an ECDSA signature made by crypto.sign is checked with
// Go's own ECDSA.
func TestSignatureVectorsThroughTheBinary(t *testing.T) {
	var script strings.Builder
	var want []string
	verify := func(label, mode, msg, sig, key string) {
		fmt.Fprintf(&script, "crypto.verify(crypto.%s, unhex(%q), unhex(%q), unhex(%q), function (err, ok) { server.log(%q + \" \" + err + \" \" + ok); });\n",
			mode, msg, sig, key, label)
	}

	rsaRecs := cavpRecords(t, filepath.Join(repo, cryptoVector("rsa_sigver15_2048_sha256.txt")))
	if len(rsaRecs) != 2 || rsaRecs[0]["Result"] != "P" || rsaRecs[1]["Result"] != "F" {
		t.Fatalf("RSA records: want one P and one F, got %d", len(rsaRecs))
	}
	for i, r := range rsaRecs {
		pub := &rsa.PublicKey{N: bigHex(t, r["n"]), E: int(bigHex(t, r["e"]).Int64())}
		spki, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		for form, der := range map[string][]byte{"spki": spki, "pkcs1": x509.MarshalPKCS1PublicKey(pub)} {
			label := fmt.Sprintf("rsa-nist %d %s", i, form)
			verify(label, "RSASSA_PKCS1_SHA256", r["Msg"], r["S"], hex.EncodeToString(der))
			want = append(want, fmt.Sprintf("%s null %v", label, r["Result"] == "P"))
		}
	}

	ecRecs := cavpRecords(t, filepath.Join(repo, cryptoVector("ecdsa_p256_sha256_sigver.rsp")))
	passes := 0
	for i, r := range ecRecs {
		spki, err := x509.MarshalPKIXPublicKey(&ecdsa.PublicKey{Curve: elliptic.P256(), X: bigHex(t, r["Qx"]), Y: bigHex(t, r["Qy"])})
		if err != nil {
			t.Fatalf("ECDSA record %d: %v", i, err)
		}
		sig, err := asn1.Marshal(struct{ R, S *big.Int }{bigHex(t, r["R"]), bigHex(t, r["S"])})
		if err != nil {
			t.Fatal(err)
		}
		ok := strings.HasPrefix(r["Result"], "P")
		if ok {
			passes++
		}
		label := fmt.Sprintf("ecdsa-nist %d", i)
		verify(label, "ECDSA_P256_SHA256", r["Msg"], hex.EncodeToString(sig), hex.EncodeToString(spki))
		want = append(want, fmt.Sprintf("%s null %v", label, ok))
	}
	if len(ecRecs) != 15 || passes == 0 || passes == len(ecRecs) {
		t.Fatalf("ECDSA records: %d with %d P, want 15 mixing P and F", len(ecRecs), passes)
	}

	// OpenSSL's signature: PKCS#1 v1.5 is deterministic.
	ossl := map[string]string{}
	data, err := os.ReadFile(filepath.Join(repo, cryptoVector("rsa_openssl.txt")))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok && !strings.HasPrefix(l, "#") {
			ossl[k] = v
		}
	}
	derHex := func(k string) string {
		b, err := base64.StdEncoding.DecodeString(ossl[k])
		if err != nil || len(b) == 0 {
			t.Fatalf("rsa_openssl.txt %s: %v", k, err)
		}
		return hex.EncodeToString(b)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sec1, _ := x509.MarshalECPrivateKey(ecKey)
	ecPub, _ := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	fmt.Fprintf(&script, `
const msg = %q, pub = unhex(%q);
for (const [name, key] of [["pkcs1", unhex(%q)], ["pkcs8", unhex(%q)]]) {
	crypto.sign(crypto.RSASSA_PKCS1_SHA256, msg, key, function (err, s) {
		server.log("rsa-sign " + name + " " + err + " " + hex(s));
		crypto.verify(crypto.RSASSA_PKCS1_SHA256, msg, s, pub, function (e, ok) { server.log("rsa-sign " + name + " verifies " + e + " " + ok); });
		crypto.verify(crypto.RSASSA_PKCS1_SHA256, msg + ".", s, pub, function (e, ok) { server.log("rsa-sign " + name + " changed " + e + " " + ok); });
	});
}
crypto.sign(crypto.ECDSA_P256_SHA256, "ecdsa message", unhex(%q), function (err, s) {
	server.log("ecdsa-sign " + err + " " + hex(s));
	crypto.verify(crypto.ECDSA_P256_SHA256, "ecdsa message", s, unhex(%q), function (e, ok) { server.log("ecdsa-sign verifies " + e + " " + ok); });
});
`, ossl["message"], derHex("spki_public"), derHex("pkcs1_private"), derHex("pkcs8_private"), hex.EncodeToString(sec1), hex.EncodeToString(ecPub))

	got := runVectorScript(t, script.String())
	// The verify callbacks come first, in call order; then the signing
	// callbacks, each followed (after the others) by its verifications.
	wantLines(t, got[:min(len(got), len(want))], want)
	rest := got[min(len(got), len(want)):]
	sig := ossl["signature"]
	wantRest := []string{
		"rsa-sign pkcs1 null " + sig, "rsa-sign pkcs8 null " + sig, "ecdsa-sign null ",
		"rsa-sign pkcs1 verifies null true", "rsa-sign pkcs1 changed null false",
		"rsa-sign pkcs8 verifies null true", "rsa-sign pkcs8 changed null false",
		"ecdsa-sign verifies null true",
	}
	if len(rest) != len(wantRest) {
		t.Fatalf("after the NIST lines, %d lines, want %d:\n%s", len(rest), len(wantRest), strings.Join(rest, "\n"))
	}
	for i, w := range wantRest {
		if w == "ecdsa-sign null " {
			h, ok := strings.CutPrefix(rest[i], w)
			digest := sha256.Sum256([]byte("ecdsa message"))
			if !ok || !ecdsa.VerifyASN1(&ecKey.PublicKey, digest[:], mustDecodeHex(t, h)) {
				t.Errorf("Go's ECDSA rejects crypto.sign's signature: %q", rest[i])
			}
			continue
		}
		if rest[i] != w {
			t.Errorf("line %q, want %q", rest[i], w)
		}
	}
}
