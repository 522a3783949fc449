// Package cryptoapi is the agent API module of the imp's crypto object:
// crypto.sign and crypto.verify (RSASSA-PKCS1-v1_5 with SHA-256, and ECDSA
// on P-256 with SHA-256), the hashes and HMACs (crypto.sha256,
// crypto.hmacsha256 and their siblings) and crypto.random. The package is
// named cryptoapi so that it does not shadow Go's crypto; the global it
// installs is crypto.
package cryptoapi

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/digest"
	"github.com/dop251/goja"
)

// Signature schemes, the values of crypto.RSASSA_PKCS1_SHA256 and
// crypto.ECDSA_P256_SHA256.
const (
	RSASSA_PKCS1_SHA256 = 1
	ECDSA_P256_SHA256   = 2
)

// Limits of crypto.sign and crypto.verify, as on the imp.
const (
	MaxMessage = 64 << 10 // bytes of message
	MinRSABits = 1024
	MaxRSABits = 4096
	MaxRandom  = 1 << 20 // bytes crypto.random returns at most
)

// Module installs crypto.
type Module struct{ env *agentapi.Env }

// New returns the module.
func New() *Module { return &Module{} }

// Name implements agentapi.Module.
func (*Module) Name() string { return "crypto" }

// Install implements agentapi.Module.
func (m *Module) Install(env *agentapi.Env) error {
	m.env = env
	return env.DefineLazy("crypto", m.object)
}

// object makes the crypto global's object. Loop only.
func (m *Module) object() goja.Value {
	env := m.env
	rt := env.Runtime
	o := rt.NewObject()
	_ = o.Set("RSASSA_PKCS1_SHA256", RSASSA_PKCS1_SHA256)
	_ = o.Set("ECDSA_P256_SHA256", ECDSA_P256_SHA256)
	_ = o.Set("sign", m.sign)
	_ = o.Set("verify", m.verify)
	_ = o.Set("random", m.random)
	for _, name := range digest.Names {
		_ = o.Set(name, func(call goja.FunctionCall) goja.Value {
			return env.Blobs.Wrap(digest.Sum(name, m.bytes(call.Argument(0), "crypto."+name, "data")))
		})
	}
	for _, name := range digest.HMACNames {
		_ = o.Set(name, func(call goja.FunctionCall) goja.Value {
			data := m.bytes(call.Argument(0), "crypto."+name, "data")
			key := m.bytes(call.Argument(1), "crypto."+name, "key")
			return env.Blobs.Wrap(digest.HMAC(strings.TrimPrefix(name, "hmac"), data, key))
		})
	}
	return o
}

func (m *Module) bytes(v goja.Value, where, arg string) []byte {
	b, ok := m.env.Blobs.BytesOf(v)
	if !ok {
		m.env.Throwf("%s: argument '%s' must be a string or blob, got %s", where, arg, agentapi.Describe(v))
	}
	return b
}

// common checks the arguments sign and verify share and returns the
// mode, the message and the callback.
func (m *Module) common(call goja.FunctionCall, where string, cbIndex int) (int64, []byte, goja.Callable) {
	env := m.env
	mode, ok := agentapi.IntArg(call.Argument(0))
	if !ok || mode != RSASSA_PKCS1_SHA256 && mode != ECDSA_P256_SHA256 {
		env.Throwf("%s: argument 'mode' must be crypto.RSASSA_PKCS1_SHA256 or crypto.ECDSA_P256_SHA256, got %s", where, agentapi.Describe(call.Argument(0)))
	}
	msg := m.bytes(call.Argument(1), where, "message")
	if len(msg) > MaxMessage {
		env.ThrowRange("%s: argument 'message' is %d bytes, more than the limit of %d", where, len(msg), MaxMessage)
	}
	cb := env.RequiredCallback(call.Argument(cbIndex), where+": argument 'callback'")
	return mode, msg, cb
}

// sign(mode, message, privateKey, callback): callback(error, signature)
// runs on the loop after the call returns; the signature is a blob (ECDSA:
// ASN.1 DER). A malformed key or a bad argument throws.
func (m *Module) sign(call goja.FunctionCall) goja.Value {
	env := m.env
	mode, msg, cb := m.common(call, "crypto.sign", 3)
	der := m.bytes(call.Argument(2), "crypto.sign", "privateKey")
	key, err := parsePrivate(mode, der)
	if err != nil {
		env.Throwf("crypto.sign: argument 'privateKey': %v", err)
	}
	sum := sha256.Sum256(msg)
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		sig, err = rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
	case *ecdsa.PrivateKey:
		sig, err = ecdsa.SignASN1(rand.Reader, k, sum[:])
	}
	env.Loop.SetTimer(0, func() {
		if err != nil {
			env.Loop.Call(cb, goja.Undefined(), env.Runtime.ToValue("crypto.sign: "+err.Error()), goja.Null())
			return
		}
		env.Loop.Call(cb, goja.Undefined(), goja.Null(), env.Blobs.Wrap(sig))
	})
	return goja.Undefined()
}

// verify(mode, message, signature, publicKey, callback):
// callback(error, verified) runs on the loop after the call returns.
func (m *Module) verify(call goja.FunctionCall) goja.Value {
	env := m.env
	mode, msg, cb := m.common(call, "crypto.verify", 4)
	sig := m.bytes(call.Argument(2), "crypto.verify", "signature")
	der := m.bytes(call.Argument(3), "crypto.verify", "publicKey")
	key, err := parsePublic(mode, der)
	if err != nil {
		env.Throwf("crypto.verify: argument 'publicKey': %v", err)
	}
	sum := sha256.Sum256(msg)
	ok := false
	switch k := key.(type) {
	case *rsa.PublicKey:
		ok = rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil
	case *ecdsa.PublicKey:
		ok = ecdsa.VerifyASN1(k, sum[:], sig)
	}
	env.Loop.SetTimer(0, func() {
		env.Loop.Call(cb, goja.Undefined(), goja.Null(), env.Runtime.ToValue(ok))
	})
	return goja.Undefined()
}

// random(n) returns a blob of n cryptographically random bytes.
func (m *Module) random(call goja.FunctionCall) goja.Value {
	n, ok := agentapi.IntArg(call.Argument(0))
	if !ok || n < 1 || n > MaxRandom {
		m.env.Throwf("crypto.random: argument 'size' must be an integer from 1 to %d, got %s", MaxRandom, agentapi.Describe(call.Argument(0)))
	}
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return m.env.Blobs.Wrap(b)
}

var errPEM = errors.New("the key is PEM text; pass the DER bytes (base64-decode the lines between BEGIN and END)")

// parsePrivate reads a DER private key of the mode's type: RSA as PKCS#1
// or PKCS#8 (1024 to 4096 bits), EC P-256 as SEC 1 or PKCS#8.
func parsePrivate(mode int64, der []byte) (any, error) {
	if isPEM(der) {
		return nil, errPEM
	}
	var key any
	var err error
	if mode == RSASSA_PKCS1_SHA256 {
		if key, err = x509.ParsePKCS1PrivateKey(der); err != nil {
			key, err = x509.ParsePKCS8PrivateKey(der)
		}
	} else {
		if key, err = x509.ParseECPrivateKey(der); err != nil {
			key, err = x509.ParsePKCS8PrivateKey(der)
		}
	}
	if err != nil {
		form := "SEC 1"
		if mode == RSASSA_PKCS1_SHA256 {
			form = "PKCS#1"
		}
		return nil, fmt.Errorf("not a DER %s private key (%s or PKCS#8)", kind(mode), form)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if mode != RSASSA_PKCS1_SHA256 {
			break
		}
		return k, rsaSize(k.N.BitLen())
	case *ecdsa.PrivateKey:
		if mode != ECDSA_P256_SHA256 {
			break
		}
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("the EC key is on %s, not P-256", k.Curve.Params().Name)
		}
		return k, nil
	}
	return nil, fmt.Errorf("the key is not an %s key", kind(mode))
}

// parsePublic reads a DER public key of the mode's type: RSA as PKCS#1 or
// SubjectPublicKeyInfo, EC P-256 as SubjectPublicKeyInfo.
func parsePublic(mode int64, der []byte) (any, error) {
	if isPEM(der) {
		return nil, errPEM
	}
	key, err := x509.ParsePKIXPublicKey(der)
	if err != nil && mode == RSASSA_PKCS1_SHA256 {
		key, err = x509.ParsePKCS1PublicKey(der)
	}
	if err != nil {
		return nil, fmt.Errorf("not a DER %s public key (SubjectPublicKeyInfo%s)", kind(mode), map[bool]string{true: " or PKCS#1"}[mode == RSASSA_PKCS1_SHA256])
	}
	switch k := key.(type) {
	case *rsa.PublicKey:
		if mode == RSASSA_PKCS1_SHA256 {
			return k, rsaSize(k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		if mode == ECDSA_P256_SHA256 {
			if k.Curve != elliptic.P256() {
				return nil, fmt.Errorf("the EC key is on %s, not P-256", k.Curve.Params().Name)
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("the key is not an %s key", kind(mode))
}

func rsaSize(bits int) error {
	if bits < MinRSABits || bits > MaxRSABits {
		return fmt.Errorf("the RSA key has %d bits; from %d to %d are supported", bits, MinRSABits, MaxRSABits)
	}
	return nil
}

func kind(mode int64) string {
	if mode == RSASSA_PKCS1_SHA256 {
		return "RSA"
	}
	return "EC P-256"
}

func isPEM(b []byte) bool { return strings.Contains(string(b[:min(len(b), 64)]), "-----BEGIN") }
