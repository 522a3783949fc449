// Package ratelimit holds the token bucket behind the host's rate limits.
// It reads no clock of its own: every call takes the current time, so the
// same bucket runs on the real clock or a virtual one.
package ratelimit

import (
	"math"
	"time"
)

// epsilon absorbs floating-point error, so a token due at exactly t is
// there at t.
const epsilon = 1e-9

// Bucket is a token bucket: it holds at most Burst tokens, starts full and
// gains Rate tokens per second. Not safe for concurrent use (the host uses
// it on the loop goroutine only).
type Bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

// NewBucket returns a full bucket. rate must be > 0 and burst >= 1.
func NewBucket(rate float64, burst int, now time.Time) *Bucket {
	return &Bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

func (b *Bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

// Take removes one token if there is one at now and reports whether it did.
func (b *Bucket) Take(now time.Time) bool {
	b.refill(now)
	if b.tokens+epsilon < 1 {
		return false
	}
	b.tokens = math.Max(0, b.tokens-1)
	return true
}

// Level returns the tokens in the bucket at now.
func (b *Bucket) Level(now time.Time) float64 {
	b.refill(now)
	return b.tokens
}

// Wait returns how long after now the next token is there (0 if it is).
// The result is rounded up to the nanosecond, so Take succeeds at now+Wait.
func (b *Bucket) Wait(now time.Time) time.Duration {
	b.refill(now)
	missing := 1 - b.tokens
	if missing <= epsilon {
		return 0
	}
	return time.Duration(math.Ceil(missing / b.rate * float64(time.Second)))
}

// Spec is the settings of one token-bucket limiter: the one type the
// config file, the limiters and the reports share. Tokens are added at Rate
// per second up to Burst, and each request takes one.
type Spec struct {
	Off    bool    // no limit
	Rate   float64 // tokens per second (> 0 unless Off)
	Burst  int     // bucket size (>= 1 unless Off)
	Buffer int     // requests that may wait for a token; 0: none (outbound only)
	Text   string  // the rate as configured, e.g. "100/min", for messages
}
