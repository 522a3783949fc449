// Package digest holds the hash and HMAC functions that http.hash and
// crypto share, by the names scripts call them.
package digest

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
)

// Hashes maps a hash name (as in http.hash.NAME) to its constructor.
var hashes = map[string]func() hash.Hash{
	"md5":    md5.New,
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha512": sha512.New,
}

// Names are the hash names, in the order the API lists them.
var Names = []string{"md5", "sha1", "sha256", "sha512"}

// HMACNames are the HMAC names: "hmac" + a hash name.
var HMACNames = []string{"hmacsha1", "hmacsha256", "hmacsha512"}

// Sum returns the digest of data with the named hash; it panics on a
// name not in Names (a programming error).
func Sum(name string, data []byte) []byte {
	h := hashes[name]()
	h.Write(data)
	return h.Sum(nil)
}

// HMAC returns the HMAC of data under key with the named hash (a name in
// Names, without the "hmac" prefix).
func HMAC(name string, data, key []byte) []byte {
	m := hmac.New(hashes[name], key)
	m.Write(data)
	return m.Sum(nil)
}
