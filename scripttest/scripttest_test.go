package scripttest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/exitcode"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func write(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunSeedExampleInProcess runs the seed example's tests in-process and
// leaves no goroutine behind (TestMain checks).
func TestRunSeedExampleInProcess(t *testing.T) {
	start := time.Now()
	res, err := Run(context.Background(), Options{Paths: []string{"../examples/onconnect/onconnect.test.js"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests, assertions, failures, errs := res.Counts()
	if tests != 4 || failures+errs != 0 || assertions < 8 {
		t.Fatalf("tests %d assertions %d failures %d errors %d: %+v", tests, assertions, failures, errs, res.Files)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Logf("slow: %v", el) // reported, not asserted: machines are noisy
	}
}

func TestDiscoverySetUpOrderAndFilter(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "order.test.js", `
class Base extends ImpTestCase { testInherited() { this.info("inherited"); this.assertTrue(true); } }
class B extends Base {
	setUp() { this.steps = ["setUp"]; }
	testB() { this.steps.push("testB"); }
	testA() { this.steps.push("testA"); }
	helper() { throw new Error("not a test"); }
	tearDown() { this.steps.push("tearDown"); server.log(this.steps.join(",")); }
}
const C = class extends ImpTestCase { testC() { return Promise.reject(new Error("rejected")); } };
class NotATest { testX() {} }
`)
	res, err := Run(context.Background(), Options{Paths: []string{dir}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tr := range res.Files[0].Tests {
		names = append(names, tr.Case+"."+tr.Method+"="+tr.Status)
	}
	want := "Base.testInherited=passed B.testA=passed B.testB=passed B.testInherited=passed C.testC=error"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if c := res.Files[0].Tests[4]; c.Message != "Error: rejected" || c.Location != "order.test.js:10" {
		t.Fatalf("rejection reported as %q at %q", c.Message, c.Location)
	}
	res, _ = Run(context.Background(), Options{Paths: []string{dir}, Filter: "B.testA"}, nil)
	if tests, _, _, _ := res.Counts(); tests != 1 {
		t.Fatalf("--filter B.testA ran %d tests", tests)
	}
}

func TestTimeoutIsWallTimeAndVirtualTimeIsFree(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "t.test.js", `
class T extends ImpTestCase {
	testAnHourOfAgentTime() {
		const t0 = this.clock.now();
		const self = this;
		return new Promise(function (resolve) { imp.wakeup(3600, resolve); })
			.then(function () { self.assertClose(3600, self.clock.now() - t0, 0.01); });
	}
	testNeverSettles() { return new Promise(function () {}); }
}
`)
	start := time.Now()
	res, err := Run(context.Background(), Options{Paths: []string{dir}, Timeout: 300 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := res.Files[0].Tests
	if len(ts) != 2 || ts[0].Status != Passed || ts[1].Status != Failed || !strings.Contains(ts[1].Message, "timed out after 300ms") {
		t.Fatalf("%+v", ts)
	}
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Fatalf("the never-settling test failed after %v, before its wall-time limit", el)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "x.js", "throw new Error('agent broke');")
	write(t, dir, "x.test.js", "class T extends ImpTestCase { testA() {} }")
	res, err := Run(context.Background(), Options{Paths: []string{dir}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.LoadErrors() || !strings.Contains(res.Files[0].LoadError, "x.js:1:7: Error: agent broke") {
		t.Fatalf("%+v", res.Files[0])
	}
	if code := exitcode.Of(res.Err()); code != exitcode.Usage {
		t.Fatalf("a load error maps to exit %d (%v), want 2", code, res.Err())
	}
	_, err = Run(context.Background(), Options{Paths: []string{filepath.Join(dir, "missing")}}, nil)
	if err == nil || !strings.Contains(err.Error(), "missing") || exitcode.Of(err) != exitcode.Usage {
		t.Fatalf("missing path: %v (exit %d), want an error naming it with exit 2", err, exitcode.Of(err))
	}
	_, err = Run(context.Background(), Options{Paths: []string{dir}, Agent: filepath.Join(dir, "nope.js")}, nil)
	if err == nil || !strings.Contains(err.Error(), "--agent") || exitcode.Of(err) != exitcode.Usage {
		t.Fatalf("missing --agent: %v (exit %d), want an error naming --agent with exit 2", err, exitcode.Of(err))
	}
	_, err = Run(context.Background(), Options{Paths: []string{t.TempDir()}}, nil)
	if err == nil || !strings.Contains(err.Error(), "no *.test.js or *.test.nut files") || exitcode.Of(err) != exitcode.Usage {
		t.Fatalf("no test files: %v (exit %d)", err, exitcode.Of(err))
	}
}

// TestResultErrCodes: all passed maps to 0, a failure or a throw to 1.
func TestResultErrCodes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ok.test.js", "class T extends ImpTestCase { testA() { this.assertTrue(true); } }")
	res, err := Run(context.Background(), Options{Paths: []string{dir}}, nil)
	if err != nil || res.Err() != nil {
		t.Fatalf("a passing run: %v, %v", err, res.Err())
	}
	write(t, dir, "fail.test.js", "class F extends ImpTestCase { testA() { this.assertTrue(false); } testB() { throw new TypeError('x'); } }")
	res, err = Run(context.Background(), Options{Paths: []string{dir}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code := exitcode.Of(res.Err()); code != exitcode.ScriptError || res.Err().Error() != "1 test(s) failed, 1 threw" {
		t.Fatalf("a failing run: exit %d, %v; want 1 and the counts", code, res.Err())
	}
}

// TestAdvanceStepsTimerByTimer: clock.advance(10) runs each wakeup at its
// own time: a 1 s wakeup that re-arms itself ticks 10 times, at +1…+10
// (the one due at the very end included), and wakeups due at +5 and +7
// see those times; ties run in the order they were set (b+5 was set
// before tick+5).
func TestAdvanceStepsTimerByTimer(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "steps.js", `
const t0 = time();
const seen = [];
function tick() { seen.push("tick+" + (time() - t0)); if (time() - t0 < 10) imp.wakeup(1, tick); }
imp.wakeup(1, tick);
imp.wakeup(1, function () { seen.push("a+" + (time() - t0)); });
imp.wakeup(5, function () { seen.push("b+" + (time() - t0)); imp.wakeup(2, function () { seen.push("c+" + (time() - t0)); }); });
`)
	write(t, dir, "steps.test.js", `
class Steps extends ImpTestCase {
	async testAdvance() {
		await this.clock.advance(10);
		this.assertEqual("tick+1,a+1,tick+2,tick+3,tick+4,b+5,tick+5,tick+6,c+7,tick+7,tick+8,tick+9,tick+10", seen.join(","));
		this.assertEqual(10, time() - t0);
	}
}
`)
	res, err := Run(context.Background(), Options{Paths: []string{filepath.Join(dir, "steps.test.js")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tests, _, failures, errs := res.Counts(); tests != 1 || failures+errs != 0 {
		t.Fatalf("%+v", res.Files)
	}
}

// TestNoWallTimeWaitsAndNoJumpsOverRetained: broker.stop() right after the
// agent disconnected settles at once (it used to wait 5 s of wall time
// for a loss the agent would never see), and a message retained on a
// topic the agent subscribes to arrives before virtual time moves on.
func TestNoWallTimeWaitsAndNoJumpsOverRetained(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "retained.js", `
const c = mqtt.createclient();
const t0 = time();
const seen = [];
c.onmessage(function (m) { seen.push(m.topic + "@" + (time() - t0)); });
c.onconnect(function () {
	server.log("connected");
	c.subscribe("cfg/#", 1, function () {
		seen.push("subscribed@" + (time() - t0));
		imp.wakeup(1, function () { seen.push("wakeup@" + (time() - t0)); c.disconnect(); });
	});
});
function start() { c.connect("tcp://broker", "retained"); }
`)
	write(t, dir, "retained.test.js", `
class Retained extends ImpTestCase {
	async testRetainedBeforeTheWakeup() {
		await this.broker.publish("cfg/a", "1", {qos: 1, retain: true});
		await this.broker.publish("cfg/b", "2", {qos: 1, retain: true});
		start();
		await this.clock.advance(5);
		// The broker sends retained messages in no set order.
		this.assertEqual("subscribed@0|cfg/a@0,cfg/b@0|wakeup@1", [seen[0], seen.slice(1, 3).sort().join(","), seen.slice(3).join(",")].join("|"));
	}
	async testStopRightAfterDisconnect() {
		start();
		await this.waitForLog("connected");
		c.disconnect();
		await this.broker.stop();
		this.assertEqual(0, this.broker.clients().length);
	}
}
`)
	start := time.Now()
	res, err := Run(context.Background(), Options{Paths: []string{filepath.Join(dir, "retained.test.js")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tests, _, failures, errs := res.Counts(); tests != 2 || failures+errs != 0 {
		t.Fatalf("%+v", res.Files)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("the file took %v of wall time; nothing in it should wait", el)
	}
}
