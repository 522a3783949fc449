package cryptoapi_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	cryptorand "crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/internal/agenttest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const helpers = `
function hex(b) { let s = ""; for (let i = 0; i < b.len(); i++) s += ("0" + b[i].toString(16)).slice(-2); return s; }
function unhex(h) { const b = blob(h.length / 2); for (let i = 0; i < b.len(); i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
`

// records reads a CAVP-style file into records of "key = value" fields,
// a blank line ending each record; fields before the first blank line
// (and keys not repeated) carry over.
func records(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]string
	carry := map[string]string{}
	cur := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	flush := func() {
		if _, ok := cur["Result"]; ok {
			r := map[string]string{}
			for k, v := range carry {
				r[k] = v
			}
			for k, v := range cur {
				r[k] = v
			}
			out = append(out, r)
		} else {
			for k, v := range cur {
				carry[k] = v
			}
		}
		cur = map[string]string{}
	}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		if line == "" {
			flush()
			continue
		}
		k, v, ok := strings.Cut(line, " = ")
		if ok {
			cur[k] = v
		}
	}
	flush()
	return out
}

func mustHex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRSAVerifyNISTVectors: crypto.verify with RSASSA_PKCS1_SHA256 gives
// NIST's verdict on both SigVer15 records, with the public key as DER
// SubjectPublicKeyInfo and as PKCS#1.
func TestRSAVerifyNISTVectors(t *testing.T) {
	recs := records(t, "testdata/rsa_sigver15_2048_sha256.txt")
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	var script strings.Builder
	script.WriteString(helpers)
	var want []string
	for i, r := range recs {
		n, _ := new(big.Int).SetString(r["n"], 16)
		e, _ := new(big.Int).SetString(r["e"], 16)
		pub := &rsa.PublicKey{N: n, E: int(e.Int64())}
		spki, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		for _, der := range [][]byte{spki, x509.MarshalPKCS1PublicKey(pub)} {
			fmt.Fprintf(&script, "crypto.verify(crypto.RSASSA_PKCS1_SHA256, unhex(%q), unhex(%q), unhex(%q), function (err, ok) { server.log(%d + \" \" + err + \" \" + ok); });\n",
				r["Msg"], r["S"], hex.EncodeToString(der), i)
			want = append(want, fmt.Sprintf("%d null %v", i, r["Result"] == "P"))
		}
	}
	out := agenttest.MustRun(t, script.String(), agenttest.Options{Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out, want...)
}

// TestRSASignMatchesOpenSSL: PKCS#1 v1.5 is deterministic: crypto.sign
// with the key as PKCS#1 and as PKCS#8 DER (string or blob) produces
// exactly OpenSSL's signature, and crypto.verify accepts it and rejects a
// changed message.
func TestRSASignMatchesOpenSSL(t *testing.T) {
	v := map[string]string{}
	data, err := os.ReadFile("testdata/rsa_openssl.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if k, val, ok := strings.Cut(l, ": "); ok && !strings.HasPrefix(l, "#") {
			v[k] = val
		}
	}
	der := func(k string) string {
		b, err := base64.StdEncoding.DecodeString(v[k])
		if err != nil {
			t.Fatal(err)
		}
		return hex.EncodeToString(b)
	}
	script := helpers + fmt.Sprintf(`
const msg = %q, sig = %q, pub = unhex(%q);
for (const [name, key] of [["pkcs1", unhex(%q)], ["pkcs8", unhex(%q)], ["pkcs1-string", unhex(%q).tostring()]]) {
	crypto.sign(crypto.RSASSA_PKCS1_SHA256, msg, key, function (err, s) {
		server.log(name + " " + err + " " + (hex(s) == sig));
		crypto.verify(crypto.RSASSA_PKCS1_SHA256, msg, s, pub, function (e, ok) { server.log(name + " verifies " + ok); });
		crypto.verify(crypto.RSASSA_PKCS1_SHA256, msg + ".", s, pub, function (e, ok) { server.log(name + " changed " + ok); });
	});
}
server.log("sign returned first");
`, v["message"], v["signature"], der("spki_public"), der("pkcs1_private"), der("pkcs8_private"), der("pkcs1_private"))
	out := agenttest.MustRun(t, script, agenttest.Options{Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out, "sign returned first",
		"pkcs1 null true", "pkcs8 null true", "pkcs1-string null true",
		"pkcs1 verifies true", "pkcs1 changed false", "pkcs8 verifies true", "pkcs8 changed false",
		"pkcs1-string verifies true", "pkcs1-string changed false")
}

// TestECDSAVerifyNISTVectors: crypto.verify with ECDSA_P256_SHA256 gives
// NIST's verdict on all 15 [P-256,SHA-256] SigVer records (public key as
// DER SubjectPublicKeyInfo, signature as ASN.1 DER).
func TestECDSAVerifyNISTVectors(t *testing.T) {
	recs := records(t, "testdata/ecdsa_p256_sha256_sigver.rsp")
	if len(recs) != 15 {
		t.Fatalf("%d records, want 15", len(recs))
	}
	var script strings.Builder
	script.WriteString(helpers)
	var want []string
	passes := 0
	for i, r := range recs {
		x, _ := new(big.Int).SetString(r["Qx"], 16)
		y, _ := new(big.Int).SetString(r["Qy"], 16)
		spki, err := x509.MarshalPKIXPublicKey(&ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y})
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		rr, _ := new(big.Int).SetString(r["R"], 16)
		ss, _ := new(big.Int).SetString(r["S"], 16)
		sig, _ := asn1.Marshal(struct{ R, S *big.Int }{rr, ss})
		fmt.Fprintf(&script, "crypto.verify(crypto.ECDSA_P256_SHA256, unhex(%q), unhex(%q), unhex(%q), function (err, ok) { server.log(%d + \" \" + ok); });\n",
			r["Msg"], hex.EncodeToString(sig), hex.EncodeToString(spki), i)
		ok := strings.HasPrefix(r["Result"], "P")
		if ok {
			passes++
		}
		want = append(want, fmt.Sprintf("%d %v", i, ok))
	}
	if passes == 0 || passes == len(recs) {
		t.Fatalf("the vectors should mix P and F, got %d P of %d", passes, len(recs))
	}
	out := agenttest.MustRun(t, script.String(), agenttest.Options{Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out, want...)
}

// TestECDSASignVerifies: an ECDSA signature (randomised) made by
// crypto.sign with a SEC 1 or PKCS#8 key verifies with Go's own ECDSA and
// with crypto.verify.
func TestECDSASignVerifies(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), randReader{})
	if err != nil {
		t.Fatal(err)
	}
	sec1, _ := x509.MarshalECPrivateKey(key)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	spki, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	out := agenttest.MustRun(t, helpers+fmt.Sprintf(`
for (const [name, k] of [["sec1", unhex(%q)], ["pkcs8", unhex(%q)]]) {
	crypto.sign(crypto.ECDSA_P256_SHA256, "message", k, function (err, s) {
		server.log(name + " " + hex(s));
		crypto.verify(crypto.ECDSA_P256_SHA256, "message", s, unhex(%q), function (e, ok) { server.log(name + " " + ok); });
	});
}`, hex.EncodeToString(sec1), hex.EncodeToString(pkcs8), hex.EncodeToString(spki)), agenttest.Options{Config: "http: {listen: off}\n"})
	lines := out.Agent()
	if len(lines) != 4 || lines[2] != "sec1 true" || lines[3] != "pkcs8 true" {
		t.Fatalf("agent lines %q", lines)
	}
	for _, l := range lines[:2] {
		_, h, _ := strings.Cut(l, " ")
		sum := sha256Sum("message")
		if !ecdsa.VerifyASN1(&key.PublicKey, sum, mustHex(t, h)) {
			t.Errorf("Go's ECDSA rejects %s", l)
		}
	}
}

// TestCryptoArgumentErrors: malformed keys, modes and messages throw
// errors that say what is wrong; random returns the bytes asked for.
func TestCryptoArgumentErrors(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), randReader{})
	sec1, _ := x509.MarshalECPrivateKey(key)
	out := agenttest.MustRun(t, helpers+fmt.Sprintf(`
const ec = unhex(%q);
const cb = function () {};
for (const f of [
	function () { crypto.sign(3, "m", ec, cb); },
	function () { crypto.sign(crypto.RSASSA_PKCS1_SHA256, "m", ec, cb); },
	function () { crypto.sign(crypto.RSASSA_PKCS1_SHA256, "m", "-----BEGIN RSA PRIVATE KEY-----\nMII", cb); },
	function () { crypto.sign(crypto.ECDSA_P256_SHA256, "x".repeat(65537), ec, cb); },
	function () { crypto.sign(crypto.ECDSA_P256_SHA256, "m", ec); },
	function () { crypto.sign(crypto.ECDSA_P256_SHA256, "m", ec, null); },
	function () { crypto.verify(crypto.ECDSA_P256_SHA256, "m", "sig", "notakey", "cb"); },
	function () { crypto.sign(crypto.ECDSA_P256_SHA256, "m", "notakey", cb); },
	function () { crypto.verify(crypto.ECDSA_P256_SHA256, "m", "sig", "notakey", cb); },
	function () { crypto.random(0); },
]) {
	try { f(); server.log("no throw"); } catch (e) { server.log(e.message); }
}
server.log(crypto.random(32).len() + " " + (hex(crypto.random(16)) != hex(crypto.random(16))));
`, hex.EncodeToString(sec1)), agenttest.Options{Config: "http: {listen: off}\n"})
	agenttest.WantAgent(t, out,
		"crypto.sign: argument 'mode' must be crypto.RSASSA_PKCS1_SHA256 or crypto.ECDSA_P256_SHA256, got number 3",
		"crypto.sign: argument 'privateKey': not a DER RSA private key (PKCS#1 or PKCS#8)",
		"crypto.sign: argument 'privateKey': the key is PEM text; pass the DER bytes (base64-decode the lines between BEGIN and END)",
		"crypto.sign: argument 'message' is 65537 bytes, more than the limit of 65536",
		"crypto.sign: argument 'callback' must be a function, got undefined",
		"crypto.sign: argument 'callback' must be a function, got null",
		`crypto.verify: argument 'callback' must be a function, got string "cb"`,
		"crypto.sign: argument 'privateKey': not a DER EC P-256 private key (SEC 1 or PKCS#8)",
		"crypto.verify: argument 'publicKey': not a DER EC P-256 public key (SubjectPublicKeyInfo)",
		"crypto.random: argument 'size' must be an integer from 1 to 1048576, got number 0",
		"32 true")
}

type randReader struct{}

func (randReader) Read(p []byte) (int, error) { return cryptorand.Read(p) }

func sha256Sum(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
