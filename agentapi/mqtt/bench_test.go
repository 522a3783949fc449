package mqtt

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/blobapi"
	"github.com/agenthost/agenthost/agentapi/imp"
	"github.com/agenthost/agenthost/agentapi/server"
	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/ratelimit"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// testAgent is the mqtt module (with the other modules a script needs) on
// a running loop, for the hot-path benchmarks and white-box tests.
type testAgent struct {
	loop *scriptvm.Loop
	env  *agentapi.Env
	hold *scriptvm.Op // the test's door into the loop
	stop context.CancelFunc
	done chan struct{}
}

// startAgent installs the API (limits off, connects going to brokerAddr,
// lines written to out, or discarded when out is nil), runs src and keeps
// the loop running until the test ends.
func startAgent(tb testing.TB, src, brokerAddr string, out io.Writer) *testAgent {
	tb.Helper()
	if out == nil {
		out = io.Discard
	}
	loop := scriptvm.New(scriptvm.Options{OnError: func(se *scriptvm.ScriptError) { tb.Error(se.Error()) }})
	log := hostlog.NewClocked(hostlog.NewHandler(out, out, false, nil), time.Now)
	env, err := agentapi.NewEnv(agentapi.Options{Loop: loop, Log: log, ConfigParams: map[string]any{"deviceid": "00000000000000bb"},
		SaveFile: tb.TempDir() + "/save.json", Limits: agentapi.Limits{Log: off, Outbound: off, Inbound: off}})
	if err == nil {
		err = env.Install(server.New(), imp.New(), blobapi.New(),
			New(Options{Resolve: func(*url.URL) (Target, error) { return Target{URL: "tcp://" + brokerAddr}, nil }}))
	}
	if err != nil {
		tb.Fatal(err)
	}
	prg, err := scriptvm.Compile("bench.js", src)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &testAgent{loop: loop, env: env, hold: loop.Begin(scriptvm.Hold), stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(a.done)
		_, _ = loop.Run(ctx, prg, scriptvm.RunOptions{})
		env.Close()
	}()
	tb.Cleanup(a.close)
	return a
}

// close stops the loop and waits until the modules are closed.
func (a *testAgent) close() { a.stop(); <-a.done }

var off = ratelimit.Spec{Off: true}

// onLoop runs fn on the loop and waits for it.
func (a *testAgent) onLoop(fn func()) {
	ch := make(chan struct{})
	a.hold.Post(func() { fn(); close(ch) })
	<-ch
}

// client returns the Go client behind the script's global c. Loop only.
func (a *testAgent) client() *client {
	return agentapi.GoValue(a.loop.Runtime().Get("c")).(*client)
}

type fakeMessage struct {
	topic   string
	payload []byte
}

func (m *fakeMessage) Duplicate() bool   { return false }
func (m *fakeMessage) Qos() byte         { return 0 }
func (m *fakeMessage) Retained() bool    { return false }
func (m *fakeMessage) Topic() string     { return m.topic }
func (m *fakeMessage) MessageID() uint16 { return 0 }
func (m *fakeMessage) Payload() []byte   { return m.payload }
func (m *fakeMessage) Ack()              {}

// BenchmarkInboundMessage: one inbound message from the paho handler
// (another goroutine) through Enqueue to the JS onmessage callback, which
// reads the payload's length, and back.
func BenchmarkInboundMessage(b *testing.B) {
	a := startAgent(b, `
var c = mqtt.createclient();
var n = 0;
c.onmessage(function (m) { n += m.message.len(); });
`, "127.0.0.1:1", nil)
	var c *client
	a.onLoop(func() {
		c = a.client()
		c.state = stateConnected // as after a CONNACK
	})
	msg := &fakeMessage{topic: "bench/in", payload: make([]byte, 64)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.hold.Post(func() { c.deliverMessage(c.gen, msg) })
	}
	a.onLoop(func() {})
	b.StopTimer()
	var n int64
	a.onLoop(func() { n = a.loop.Runtime().Get("n").ToInteger() })
	if n != int64(64*b.N) {
		b.Fatalf("callback saw %d bytes, want %d", n, 64*b.N)
	}
}

// BenchmarkSendasync: one QoS 0 createmessage(...).sendasync(cb) from JS
// through paho to the embedded broker, until its callback has run.
func BenchmarkSendasync(b *testing.B) {
	br, err := broker.Start(broker.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	a := startAgent(b, `
var c = mqtt.createclient();
var acked = 0;
function send(n, done) {
	for (let i = 0; i < n; i++) {
		c.createmessage("bench/out", "0123456789012345678901234567890123456789012345678901234567890123").sendasync(function (rc) {
			if (rc == 0 && ++acked == n) done();
		});
	}
}
function start(connected) {
	c.onconnect(function (rc) { connected(rc); });
	c.connect("tcp://h", "bench");
}
`, br.Addr(), nil)
	send := connectAndGetSend(b, a)
	finished := make(chan struct{})
	b.ReportAllocs()
	b.ResetTimer()
	a.hold.Post(func() {
		_, _ = send(goja.Undefined(), a.loop.Runtime().ToValue(b.N), a.loop.Runtime().ToValue(func() { close(finished) }))
	})
	<-finished
}

// BenchmarkOutboundLoop: the loop of bench/scripts/outbound.js, QoS 0
// createmessage(topic, payload, {qos: 0}).sendasync(sent) with one shared
// callback, b.N messages in one callback, until every callback has run;
// the broker is a sink that answers CONNECT and discards the rest, so the
// process's CPU time (reported as cpu-ns/op, from getrusage) is the
// publishing side's: the goja loop, paho and the completions.
func BenchmarkOutboundLoop(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		// CONNECT: fixed header, remaining length (one byte for a short
		// packet), body; then CONNACK accepted, and discard the rest.
		if _, err := r.ReadByte(); err != nil {
			return
		}
		n, err := r.ReadByte()
		if err != nil || n > 127 {
			return
		}
		if _, err := r.Discard(int(n)); err != nil {
			return
		}
		if _, err := conn.Write([]byte{0x20, 0x02, 0x00, 0x00}); err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, r)
	}()
	a := startAgent(b, `
var c = mqtt.createclient();
var P = {topic: "bench/out", qos: 0};
var payload = "x".repeat(64);
var called = 0, ok = 0, N = 0, finish = null;
function sent(rc) {
	called++;
	if (rc == 0) ok++;
	if (called == N) finish(ok);
}
function send(n, done) {
	N = n; finish = done;
	for (let i = 0; i < n; i++) {
		c.createmessage(P.topic, payload, {qos: P.qos}).sendasync(sent);
	}
}
function start(connected) {
	c.onconnect(function (rc) { connected(rc); });
	c.connect("tcp://h", "bench");
}
`, ln.Addr().String(), nil)
	send := connectAndGetSend(b, a)
	finished := make(chan int64, 1)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	a.hold.Post(func() {
		_, _ = send(goja.Undefined(), a.loop.Runtime().ToValue(b.N), a.loop.Runtime().ToValue(func(ok int64) { finished <- ok }))
	})
	if ok := <-finished; ok != int64(b.N) {
		b.Fatalf("%d of %d callbacks had code 0", ok, b.N)
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// processCPU is the process's user and system CPU time so far.
// connectAndGetSend calls the agent's start(connected), waits for
// onconnect(0) and returns the agent's send function.
func connectAndGetSend(b *testing.B, a *testAgent) goja.Callable {
	b.Helper()
	connected := make(chan int64, 1)
	a.onLoop(func() {
		start, _ := goja.AssertFunction(a.loop.Runtime().Get("start"))
		_, _ = start(goja.Undefined(), a.loop.Runtime().ToValue(func(rc int64) { connected <- rc }))
	})
	if rc := <-connected; rc != 0 {
		b.Fatalf("connect %d", rc)
	}
	var send goja.Callable
	a.onLoop(func() { send, _ = goja.AssertFunction(a.loop.Runtime().Get("send")) })
	return send
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWakeup: scheduling and running one imp.wakeup(0, cb).
func BenchmarkWakeup(b *testing.B) {
	a := startAgent(b, `
let left = 0, finish = null;
function tick() { if (--left > 0) imp.wakeup(0, tick); else finish(); }
function run(n, done) { left = n; finish = done; imp.wakeup(0, tick); }
`, "127.0.0.1:1", nil)
	var run goja.Callable
	a.onLoop(func() { run, _ = goja.AssertFunction(a.loop.Runtime().Get("run")) })
	finished := make(chan struct{})
	b.ReportAllocs()
	b.ResetTimer()
	a.hold.Post(func() {
		_, _ = run(goja.Undefined(), a.loop.Runtime().ToValue(b.N), a.loop.Runtime().ToValue(func() { close(finished) }))
	})
	<-finished
}

// BenchmarkBlob: creating a blob in JS, writing 16 bytes and reading them back.
func BenchmarkBlob(b *testing.B) {
	a := startAgent(b, `
function make(n) {
	let total = 0;
	for (let i = 0; i < n; i++) {
		const x = blob(0);
		x.writestring("0123456789abcdef");
		x.seek(0);
		total += x.readstring(16).length;
	}
	return total;
}
`, "127.0.0.1:1", nil)
	var mk goja.Callable
	a.onLoop(func() { mk, _ = goja.AssertFunction(a.loop.Runtime().Get("make")) })
	var total int64
	b.ReportAllocs()
	b.ResetTimer()
	a.onLoop(func() {
		v, err := mk(goja.Undefined(), a.loop.Runtime().ToValue(b.N))
		if err != nil {
			b.Error(err)
			return
		}
		total = v.ToInteger()
	})
	b.StopTimer()
	if total != int64(16*b.N) {
		b.Fatalf("read %d bytes, want %d", total, 16*b.N)
	}
}
