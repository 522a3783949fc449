package scripttest

import (
	"context"
	"testing"
	"time"
)

// TestCaseTimeout: a case's static timeout replaces --timeout for its
// setUp, tests and tearDown; other cases keep --timeout.
func TestCaseTimeout(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "slow.test.js", `
class Short extends ImpTestCase {
    static timeout = 0.3;
    testNeverSettles() { return new Promise(function () {}); }
}
class Default extends ImpTestCase {
    testQuick() { this.assertTrue(true); }
}
`)
	start := time.Now()
	res, err := Run(context.Background(), Options{Paths: []string{dir}, Timeout: time.Minute}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := res.Files[0].Tests
	if len(tests) != 2 || tests[0].Status != Failed || tests[0].Message != "timed out after 300ms (the returned Promise never settled)" ||
		tests[1].Status != Passed {
		t.Fatalf("results %+v", tests)
	}
	if el := time.Since(start); el < 300*time.Millisecond || el > 10*time.Second {
		t.Fatalf("took %s", el)
	}
}
