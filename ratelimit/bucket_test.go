package ratelimit

import (
	"testing"
	"time"
)

func TestBurstThenRate(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := NewBucket(10, 5, t0)
	for i := 0; i < 5; i++ {
		if !b.Take(t0) {
			t.Fatalf("take %d of the burst refused", i+1)
		}
	}
	if b.Take(t0) {
		t.Fatal("sixth take at once allowed")
	}
	if w := b.Wait(t0); w != 100*time.Millisecond {
		t.Fatalf("wait %v, want 100ms", w)
	}
	// Exactly one token every 1/R s from then on, with no drift over many.
	now := t0
	for i := 0; i < 1000; i++ {
		now = now.Add(b.Wait(now))
		if !b.Take(now) {
			t.Fatalf("take %d at %v refused", i, now)
		}
		if b.Take(now) {
			t.Fatalf("two tokens at %v", now)
		}
	}
	if got, want := now.Sub(t0), 100*time.Second; got < want || got > want+time.Microsecond {
		t.Fatalf("1000 tokens took %v, want %v", got, want)
	}
}

// TestTokenDueAfterManyRefillsIsThere: a token that is due exactly now is
// there, even when the time to it was added up in steps whose floating-
// point sum falls short of 1 (ten refills of 0.1 make 0.9999999999999999).
func TestTokenDueAfterManyRefillsIsThere(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := NewBucket(1, 1, t0)
	if !b.Take(t0) {
		t.Fatal("the first token refused")
	}
	now := t0
	for i := 0; i < 10; i++ {
		now = now.Add(100 * time.Millisecond)
		b.Level(now)
	}
	if w := b.Wait(now); w != 0 {
		t.Fatalf("the token due at +1s is %v away at +1s", w)
	}
	if !b.Take(now) {
		t.Fatal("the token due at +1s is not there at +1s")
	}
}

func TestRefillCapsAtBurst(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := NewBucket(1, 3, t0)
	b.Take(t0)
	if l := b.Level(t0.Add(time.Hour)); l != 3 {
		t.Fatalf("level %v, want 3", l)
	}
	// A clock that goes backwards changes nothing.
	if l := b.Level(t0); l != 3 {
		t.Fatalf("level %v after going back", l)
	}
}

func TestSlowRate(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := NewBucket(100.0/60, 1, t0) // 100/min
	b.Take(t0)
	if w := b.Wait(t0); w != 600*time.Millisecond {
		t.Fatalf("wait %v", w)
	}
	if b.Take(t0.Add(599 * time.Millisecond)) {
		t.Fatal("token early")
	}
	if !b.Take(t0.Add(600 * time.Millisecond)) {
		t.Fatal("token late")
	}
}
