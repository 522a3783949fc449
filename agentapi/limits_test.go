package agentapi_test

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agenthost/agenthost/broker"
	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// waitLimit bounds waits on a test's own MQTT client.
const waitLimit = 10 * time.Second

// These tests pin the limiters' behaviour on the virtual clock, where it is
// exact: time moves only when the agent is idle, so every token and every
// release time is known.

// TestOutboundBurstQueueAndRefusal: with burst B=5, rate R=10/s and a
// buffer of 3, the connect takes one token, the next 4 publishes pass at
// once, 3 are queued and released every 1/R = 100 ms, and the rest get -12.
func TestOutboundBurstQueueAndRefusal(t *testing.T) {
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
let t0, done = 0;
c.onconnect(function (rc) {
	t0 = Date.now();
	for (let i = 1; i <= 10; i++) {
		c.createmessage("out/" + i, "m").sendasync(function (code) {
			server.log("msg " + i + " rc " + code + " at +" + (Date.now() - t0) + "ms");
			if (++done == 10) c.disconnect();
		});
	}
});
c.connect("tcp://h", "burst");
`, agenttest.Options{Virtual: true, UntilIdle: true,
		Config: "limits:\n  mqtt_outbound: {rate: 10/s, burst: 5, buffer: 3}\n"})
	got := out.Agent()
	slices.Sort(got)
	want := []string{
		"msg 1 rc 0 at +0ms", "msg 10 rc -12 at +0ms", "msg 2 rc 0 at +0ms", "msg 3 rc 0 at +0ms",
		"msg 4 rc 0 at +0ms", "msg 5 rc 0 at +100ms", "msg 6 rc 0 at +200ms", "msg 7 rc 0 at +300ms",
		"msg 8 rc -12 at +0ms", "msg 9 rc -12 at +0ms",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	for _, row := range []string{"mqtt_outbound", "log"} {
		if !strings.Contains(out.Summary, row) {
			t.Fatalf("summary lacks %s:\n%s", row, out.Summary)
		}
	}
}

// TestOutboundQueueIsFirstComeFirstServed: a request made while others
// wait in the buffer waits behind them, even when it is made at the very
// moment a token arrives: with rate 1/s and burst 2 (the connect took one),
// m1 goes at once, m2 waits for the token due at +1 s, and m3, sent by a
// timer that fires at +1 s just before m2's release, goes at +2 s.
func TestOutboundQueueIsFirstComeFirstServed(t *testing.T) {
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
let t0, done = 0;
function send(name) {
	c.createmessage("out/" + name, "m").sendasync(function (code) {
		server.log(name + " rc " + code + " at +" + (Date.now() - t0) + "ms");
		if (++done == 3) c.disconnect();
	});
}
c.onconnect(function (rc) {
	t0 = Date.now();
	imp.wakeup(1, function () { send("m3"); });
	send("m1");
	send("m2");
});
c.connect("tcp://h", "fifo");
`, agenttest.Options{Virtual: true, UntilIdle: true,
		Config: "limits:\n  mqtt_outbound: {rate: 1/s, burst: 2, buffer: 5}\n"})
	agenttest.WantAgent(t, out, "m1 rc 0 at +0ms", "m2 rc 0 at +1000ms", "m3 rc 0 at +2000ms")
}

// TestSubscribeReturnsMinus12WhenBufferFull: subscribe returns -12 and its
// callback is not called when the request cannot be queued.
func TestSubscribeReturnsMinus12WhenBufferFull(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	server.log("first " + c.subscribe("a", 0, function (rc, q) { server.log("suback a " + rc + " " + q); }));
	server.log("second " + c.subscribe("b", 0, function (rc, q) { server.log("suback b " + rc); }));
	imp.wakeup(5, finish);`), agenttest.Options{Virtual: true,
		Config: "limits:\n  mqtt_outbound: {rate: 1/min, burst: 2, buffer: 0}\n"})
	agenttest.WantAgent(t, out, "first 0", "second -12", "suback a 0 0", "bye")
}

// TestThrottledConnect: a connect that finds the buffer full gets
// onconnect(-1) and a notice.
func TestThrottledConnect(t *testing.T) {
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
let n = 0;
c.onconnect(function (rc) {
	server.log("connect " + (++n) + ": " + rc);
	if (n == 1) c.disconnect(function () { c.connect("tcp://h", "again"); });
});
c.connect("tcp://h", "first");
`, agenttest.Options{Virtual: true, Config: "limits:\n  mqtt_outbound: {rate: 1/h, burst: 1, buffer: 0}\n"})
	agenttest.WantAgent(t, out, "connect 1: 0", "connect 2: -1")
	if !slices.ContainsFunc(out.Status(), func(s string) bool {
		return strings.Contains(s, "connect tcp://h refused: the outbound rate limit buffer is full")
	}) {
		t.Fatalf("no notice in %q", out.Status())
	}
}

// TestInboundFloodDropsConnectionExactly: with burst 50 the 51st message
// drops the connection with -2; exactly 50 reach onmessage.
func TestInboundFloodDropsConnectionExactly(t *testing.T) {
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
let got = 0;
c.onmessage(function () { got++; });
c.onconnectionlost(function (reason) { server.log("lost " + reason + " after " + got + " messages"); });
c.onconnect(function () {
	c.subscribe("flood", 0, function () {
		for (let i = 0; i < 80; i++) c.createmessage("flood", "x" + i).sendasync();
	});
});
c.connect("tcp://h", "flood");
`, agenttest.Options{Virtual: true, UntilIdle: true,
		Config: "limits:\n  mqtt_outbound: off\n  mqtt_inbound: {rate: 100/s, burst: 50}\n"})
	agenttest.WantAgent(t, out, "lost -2 after 50 messages")
	if !slices.ContainsFunc(out.Status(), func(s string) bool { return strings.Contains(s, "onconnectionlost -2") }) {
		t.Fatalf("no notice in %q", out.Status())
	}
}

// TestLogStormNoticeCountsDrops: with burst 10 and 1/min, 25 lines at once
// print 10; the next line allowed (a minute later) is preceded by one
// notice saying exactly 15 were dropped.
func TestLogStormNoticeCountsDrops(t *testing.T) {
	out := agenttest.MustRun(t, `
for (let i = 1; i <= 25; i++) server.log("line " + i);
imp.wakeup(60, function () { server.log("a minute later"); });
`, agenttest.Options{Virtual: true, UntilIdle: true, Config: "limits:\n  log: {rate: 1/min, burst: 10}\n"})
	var got []string
	for _, l := range out.Stdout {
		if strings.HasPrefix(l, "[Agent] ") || strings.Contains(l, "dropped") {
			got = append(got, l)
		}
	}
	want := []string{}
	for i := 1; i <= 10; i++ {
		want = append(want, fmt.Sprintf("[Agent] line %d", i))
	}
	want = append(want, "[Status] WARNING: 15 log line(s) dropped: more than 1/min (burst 10)", "[Agent] a minute later")
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// TestErrorStormIsLimitedLikeTheLog: uncaught errors are log entries too
// (one token each, stack lines included): a timer that throws 10,000 times
// prints exactly 5 errors with the burst of 5, and the drops are counted.
func TestErrorStormIsLimitedLikeTheLog(t *testing.T) {
	out := agenttest.MustRun(t, `
let n = 0;
function boom() { if (++n < 10000) imp.wakeup(0.01, boom); throw new Error("storm " + n); }
imp.wakeup(0, boom);
`, agenttest.Options{Virtual: true, UntilIdle: true, Config: "limits:\n  log: {rate: 1/h, burst: 5}\n"})
	var reports []string
	for _, l := range out.AgentErrors() {
		if !strings.HasPrefix(l, "  at ") {
			reports = append(reports, l)
		}
	}
	if len(reports) != 5 || !strings.HasSuffix(reports[4], "Error: storm 5") || len(out.AgentErrors()) != 10 {
		t.Fatalf("error entries %q", out.AgentErrors())
	}
	// 10,000 throws in 100 s at 1/h: 5 print, no token comes back, and
	// the 9,995 dropped are told at exit.
	if !slices.Contains(out.Status(), "WARNING: 9995 log line(s) dropped: more than 1/h (burst 5)") {
		t.Fatalf("status %q", out.Status())
	}
}

// TestDropNoticeAtMostOnceAMinute: under a sustained flood the notice of
// dropped lines comes at most once a minute, not before every line that
// gets through.
func TestDropNoticeAtMostOnceAMinute(t *testing.T) {
	out := agenttest.MustRun(t, `
let n = 0;
function flood() { for (let i = 0; i < 10; i++) server.log("tick " + n); if (++n < 300) imp.wakeup(1, flood); }
flood();
`, agenttest.Options{Virtual: true, UntilIdle: true, Config: "limits:\n  log: {rate: 1/s, burst: 1}\n"})
	var notices int
	for _, s := range out.Status() {
		if strings.Contains(s, "log line(s) dropped") {
			notices++
		}
	}
	// 300 s of flood: one notice at the first line through after drops,
	// then one a minute (at most 6 in 300 s), and none more than that.
	if got := len(out.Agent()); got != 300 {
		t.Fatalf("%d agent lines, want 300 (one a second)", got)
	}
	if notices < 5 || notices > 6 {
		t.Fatalf("%d notices in 300 s of flood, want one a minute:\n%q", notices, out.Status())
	}
}

// TestLogNoticeAtExit: lines dropped at the end are counted at exit.
func TestLogNoticeAtExit(t *testing.T) {
	out := agenttest.MustRun(t, `for (let i = 0; i < 7; i++) server.log("x");`,
		agenttest.Options{Virtual: true, UntilIdle: true, Config: "limits:\n  log: {rate: 1/h, burst: 3}\n"})
	if n := len(out.Agent()); n != 3 || !slices.Contains(out.Status(), "WARNING: 4 log line(s) dropped: more than 1/h (burst 3)") {
		t.Fatalf("%d agent lines, status %q", n, out.Status())
	}
}

// TestOversizeInboundDropsWithMinus3: a message over message_size, sent by
// another client, drops the agent's connection with -3.
func TestOversizeInboundDropsWithMinus3(t *testing.T) {
	b, err := broker.Start(broker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pub := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + b.Addr()).SetClientID("pub").SetProtocolVersion(4))
	if tok := pub.Connect(); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer pub.Disconnect(100)
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onmessage(function (m) { server.log("got " + m.message.len()); });
c.onconnectionlost(function (reason) { server.log("lost " + reason); });
c.onconnect(function () { c.subscribe("big", 0, function () { server.log("subscribed"); }); });
c.connect("tcp://h", "oversize");
`, agenttest.Options{UntilIdle: true, Broker: "tcp://" + b.Addr(), Config: "limits:\n  message_size: 1KiB\n",
		OnLine: func(l string) {
			if l == "[Agent] subscribed" {
				pub.Publish("big", 0, false, make([]byte, 1024))
				pub.Publish("big", 0, false, make([]byte, 1025))
			}
		}})
	agenttest.WantAgent(t, out, "subscribed", "got 1024", "lost -3")
}

func TestOutboundSizeFollowsConfig(t *testing.T) {
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
try { c.createmessage("t", blob(1025)); } catch (e) { server.log(e.name + ": " + e.message); }
c.createmessage("t", blob(1024));
server.log("1024 ok");
`, agenttest.Options{Config: "limits:\n  message_size: 1KiB\n"})
	agenttest.WantAgent(t, out,
		"RangeError: mqttclient.createmessage: the payload is 1025 bytes, more than the limit of 1024 (limits.message_size)",
		"1024 ok")
}

// TestDroppedConnectionLeavesWill: a connection the host drops for a limit
// ends without DISCONNECT, so the broker publishes the agent's will.
func TestDroppedConnectionLeavesWill(t *testing.T) {
	b, err := broker.Start(broker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	wills := make(chan string, 1)
	w := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + b.Addr()).SetClientID("watch").SetProtocolVersion(4))
	if tok := w.Connect(); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer w.Disconnect(100)
	if tok := w.Subscribe("wills/#", 1, func(_ paho.Client, m paho.Message) { wills <- string(m.Payload()) }); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onconnectionlost(function (reason) { server.log("lost " + reason); });
c.onconnect(function () {
	c.subscribe("flood", 0, function () {
		for (let i = 0; i < 10; i++) c.createmessage("flood", "x").sendasync();
	});
});
c.connect("tcp://h", "will-agent", {willtopic: "wills/agent", willmessage: "cut off"});
`, agenttest.Options{Virtual: true, UntilIdle: true, Broker: "tcp://" + b.Addr(),
		Config: "limits:\n  mqtt_outbound: off\n  mqtt_inbound: {rate: 1/h, burst: 3}\n"})
	agenttest.WantAgent(t, out, "lost -2")
	select {
	case got := <-wills:
		if got != "cut off" {
			t.Fatalf("will %q", got)
		}
	case <-time.After(waitLimit):
		t.Fatal("no will published after the host dropped the connection")
	}
}

func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(entries)
}

// TestHundredBrokerRestarts: the broker is stopped and restarted 100 times
// under an agent that reconnects and resubscribes from its handlers; it is
// connected and subscribed after every restart, and goroutines and file
// descriptors do not grow with the cycles.
func TestHundredBrokerRestarts(t *testing.T) {
	b, err := broker.Start(broker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const cycles = 100
	var (
		mu                   sync.Mutex
		g10, f10, g100, f100 int
		restartErr           error
	)
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
let n = 0;
function connect() { c.connect("tcp://h", "restarts"); }
c.onconnect(function (rc) {
	if (rc != 0) { imp.wakeup(0.02, connect); return; }
	c.subscribe("t", 1, function (rc, q) {
		server.log("ready " + (++n) + " " + q);
		if (n == 101) c.disconnect(); // done: the run ends when idle
	});
});
c.onconnectionlost(function (reason) { imp.wakeup(0.01, connect); });
connect();
`, agenttest.Options{Broker: "tcp://" + b.Addr(), UntilIdle: true, Timeout: 90 * time.Second,
		OnLine: func(l string) {
			var k, q int
			if _, err := fmt.Sscanf(l, "[Agent] ready %d %d", &k, &q); err != nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			switch k {
			case 10:
				g10, f10 = runtime.NumGoroutine(), openFDs(t)
			case cycles + 1:
				g100, f100 = runtime.NumGoroutine(), openFDs(t)
				return
			}
			go func() {
				if err := b.Stop(); err != nil {
					mu.Lock()
					restartErr = err
					mu.Unlock()
				}
				if err := b.Restart(); err != nil {
					mu.Lock()
					restartErr = err
					mu.Unlock()
				}
			}()
		}})
	mu.Lock()
	defer mu.Unlock()
	if restartErr != nil {
		t.Fatal(restartErr)
	}
	ready := 0
	for _, l := range out.Agent() {
		if strings.HasPrefix(l, "ready ") && strings.HasSuffix(l, " 1") {
			ready++
		}
	}
	if ready != cycles+1 {
		t.Fatalf("subscribed %d times, want %d", ready, cycles+1)
	}
	if g100 > g10+5 || f100 > f10+3 {
		t.Fatalf("after %d restarts: goroutines %d -> %d, fds %d -> %d", cycles-9, g10, g100, f10, f100)
	}
}

// TestTopLevelErrorPrintedPastTheLogLimit: the exception that ends the
// run is printed even when the log limit is spent; the lines dropped
// before it are still told.
func TestTopLevelErrorPrintedPastTheLogLimit(t *testing.T) {
	out := agenttest.Run(t, `for (let i = 0; i < 7; i++) server.log("x"); throw new Error("the end");`,
		agenttest.Options{Virtual: true, UntilIdle: true, Config: "limits:\n  log: {rate: 1/h, burst: 3}\n"})
	if out.Err == nil {
		t.Fatalf("the run did not fail")
	}
	if n := len(out.Agent()); n != 3 || !slices.Contains(out.Status(), "WARNING: 4 log line(s) dropped: more than 1/h (burst 3)") {
		t.Fatalf("%d agent lines, status %q", n, out.Status())
	}
	if errs := out.AgentErrors(); len(errs) == 0 || !strings.HasSuffix(errs[0], "Error: the end") {
		t.Fatalf("agent errors %q", errs)
	}
}
