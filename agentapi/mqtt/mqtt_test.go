package mqtt_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/internal/agenttest"
	"github.com/agenthost/agenthost/internal/badurl"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRoundTripEachQoS(t *testing.T) {
	for qos := 0; qos <= 2; qos++ {
		t.Run(fmt.Sprint("qos", qos), func(t *testing.T) {
			out := agenttest.MustRun(t, agenttest.Connected(fmt.Sprintf(`
	let events = 0;
	c.onmessage(function (m) {
		server.log("got " + m.message + " qos=" + m.qos + " retain=" + m.retain + " dup=" + m.dup + " topic=" + m.topic);
		if (++events == 2) finish();
	});
	c.subscribe("t/q", %[1]d, function (rc, granted) {
		server.log("suback " + rc + " " + granted);
		c.createmessage("t/q", "payload-%[1]d", {qos: %[1]d}).sendasync(function (code) {
			server.log("sendasync " + code);
			if (++events == 2) finish();
		});
	});`, qos)), agenttest.Options{})
			got := out.Agent()
			slices.Sort(got)
			want := []string{
				"bye",
				fmt.Sprintf("got payload-%d qos=%d retain=0 dup=0 topic=t/q", qos, qos),
				"sendasync 0",
				fmt.Sprintf("suback 0 %d", qos),
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got %q want %q (stderr %q)", got, want, out.Stderr)
			}
		})
	}
}

func TestSubscribeCallbackArity(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	c.subscribe("a/1", 1, function (q) { server.log("one-param " + q + " args=" + arguments.length); });
	c.subscribe(["a/2", "a/3"], [0, 2], function (rc, q) {
		server.log("two-param " + rc + " " + JSON.stringify(q));
		finish();
	});`), agenttest.Options{})
	agenttest.WantAgent(t, out, "one-param 1 args=1", "two-param 0 [0,2]", "bye")
}

func TestDeniedSubscribeGives0x80(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	c.subscribe("private/x", 0, function (q) { server.log("one " + q); });
	c.subscribe(["public/x", "private/y"], 1, function (rc, q) {
		server.log("two " + rc + " " + JSON.stringify(q));
		finish();
	});`), agenttest.Options{Config: "embedded:\n  deny_subscribe: [\"private/#\"]\n"})
	agenttest.WantAgent(t, out, "one 128", "two 0 [1,128]", "bye")
}

func TestBadPasswordGives4(t *testing.T) {
	script := `
const c = mqtt.createclient();
c.onconnect(function (rc) {
	server.log("rc " + rc + " connected=" + c.isconnected());
	if (rc == 0) c.disconnect();
});
c.connect("tcp://x", "id1", {username: "bob", password: PW});
`
	cfg := "embedded:\n  users: {bob: s3cret}\n"
	agenttest.WantAgent(t, agenttest.MustRun(t, strings.Replace(script, "PW", `"wrong"`, 1), agenttest.Options{Config: cfg}), "rc 4 connected=false")
	agenttest.WantAgent(t, agenttest.MustRun(t, strings.Replace(script, "PW", `"s3cret"`, 1), agenttest.Options{Config: cfg}), "rc 0 connected=true")
}

func TestClosedPortGivesMinus1(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("rc " + rc); });
c.connect("tcp://`+addr+`", "id1");
`, agenttest.Options{Broker: "script"})
	agenttest.WantAgent(t, out, "rc -1")
}

func TestRetainedMessageReachesLaterSubscriber(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	c.createmessage("r/t", "kept", {qos: 1, retain: true}).sendasync(function (code) {
		c.onmessage(function (m) { server.log("got " + m.message + " retain=" + m.retain); finish(); });
		c.subscribe("r/#", 1);
	});`), agenttest.Options{})
	agenttest.WantAgent(t, out, "got kept retain=1", "bye")
}

func TestBinaryPayloadRoundTrip(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	const b = blob(0);
	b.writestring("A");
	const raw = new Uint8Array([0, 255, 128, 10, 0xc3]);
	c.onmessage(function (m) {
		const got = Array.from(m.message.bytes());
		server.log("len " + m.message.len() + " bytes " + JSON.stringify(got) + " b[1]=" + m.message[1]);
		server.log(m.message);
		finish();
	});
	c.subscribe("bin", 1, function () { c.createmessage("bin", raw, 1).sendasync(); });`), agenttest.Options{})
	agenttest.WantAgent(t, out, "len 5 bytes [0,255,128,10,195] b[1]=255", "binary: 00ff800ac3", "bye")
}

func TestUnsubscribeStopsDelivery(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	c.onmessage(function (m) {
		server.log("got " + m.topic);
		if (m.topic == "u/b") finish();
	});
	c.subscribe(["u/a", "u/b"], 0, function () {
		c.unsubscribe("u/a", function (rc) {
			server.log("unsub " + rc);
			c.createmessage("u/a", "x").sendasync();
			c.createmessage("u/b", "y").sendasync();
		});
	});`), agenttest.Options{})
	agenttest.WantAgent(t, out, "unsub 0", "got u/b", "bye")
}

func TestLimitsThrow(t *testing.T) {
	out := agenttest.MustRun(t, `
function tryit(label, f) {
	try { f(); server.log(label + ": ok"); }
	catch (e) { server.log(label + ": " + e.name + ": " + e.message); }
}
const c = mqtt.createclient();
tryit("payload 256KiB", function () { c.createmessage("t", "x".repeat(262144)); });
tryit("payload 256KiB+1", function () { c.createmessage("t", "x".repeat(262145)); });
tryit("clientId empty", function () { c.connect("tcp://h", ""); });
tryit("clientId 256", function () { c.connect("tcp://h", "i".repeat(256)); });
tryit("keepalive 29", function () { c.connect("tcp://h", "id", {keepalive: 29}); });
tryit("keepalive 65536", function () { c.connect("tcp://h", "id", {keepalive: 65536}); });
tryit("scheme", function () { c.connect("http://h", "id"); });
tryit("subscribe offline", function () { c.subscribe("t", 0); });
tryit("sendasync offline", function () { c.createmessage("t", "x").sendasync(); });
tryit("qos 3", function () { c.createmessage("t", "x", {qos: 3}); });
tryit("wildcard topic", function () { c.createmessage("t/#", "x"); });
c.onconnect(function (rc) {
	server.log("connected " + rc);
	tryit("11 topics", function () { c.subscribe(["a","b","c","d","e","f","g","h","i","j","k"], 0); });
	tryit("10 topics", function () { c.subscribe(["a","b","c","d","e","f","g","h","i","j"], 0); });
	tryit("bad filter", function () { c.subscribe("a/#/b", 0); });
	tryit("second connect", function () { c.connect("tcp://h", "id2"); });
	const other = mqtt.createclient();
	tryit("other client", function () { other.connect("tcp://h", "id3"); });
	c.disconnect();
});
tryit("clientId 255 keepalive 30", function () { c.connect("tcp://h", "i".repeat(255), {keepalive: 30}); });
`, agenttest.Options{})
	agenttest.WantAgent(t, out,
		"payload 256KiB: ok",
		"payload 256KiB+1: RangeError: mqttclient.createmessage: the payload is 262145 bytes, more than the limit of 262144 (limits.message_size)",
		"clientId empty: TypeError: mqttclient.connect: argument 'clientId' must be a string of 1 to 255 characters, got string \"\"",
		"clientId 256: TypeError: mqttclient.connect: argument 'clientId' must be a string of 1 to 255 characters, got string \"iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii...\"",
		"keepalive 29: RangeError: mqttclient.connect: options.keepalive must be 0 (off) or an integer from 30 to 65535 seconds, got number 29",
		"keepalive 65536: RangeError: mqttclient.connect: options.keepalive must be 0 (off) or an integer from 30 to 65535 seconds, got number 65536",
		"scheme: TypeError: mqttclient.connect: argument 'url': \"http://h\" has an unsupported scheme: want tcp://, ssl://, ws:// or wss://",
		"subscribe offline: TypeError: mqttclient.subscribe: the client is not connected",
		"sendasync offline: TypeError: mqttclient.sendasync: the client is not connected",
		"qos 3: TypeError: mqttclient.createmessage: options.qos must be 0, 1 or 2, got number 3",
		"wildcard topic: TypeError: mqttclient.createmessage: argument 'topic': topic \"t/#\": wildcards '+' and '#' are only for subscribing",
		"clientId 255 keepalive 30: ok",
		"connected 0",
		"11 topics: RangeError: mqttclient.subscribe: argument 'topics' must hold 1 to 10 topics, got 11",
		"10 topics: ok",
		"bad filter: TypeError: mqttclient.subscribe: argument 'topics': topic filter \"a/#/b\": '#' must be a whole level, and the last",
		"second connect: TypeError: mqttclient.connect: this client is already connected or connecting; call disconnect() first",
		"other client: TypeError: mqttclient.connect: another client ("+strings.Repeat("i", 255)+") is already connected or connecting; an agent may have one connection at a time",
	)
}

// TestConnectErrorsNeverShowThePassword: connect() throws for a refused
// URL with a password, on every error path of the URL rules, with the URL
// shown with its password replaced; nothing the run prints shows it.
func TestConnectErrorsNeverShowThePassword(t *testing.T) {
	const secret = "S3cr3tPW"
	cases := badurl.WithPassword(secret)
	var urls []string
	for _, c := range cases {
		urls = append(urls, c.URL)
	}
	list, err := json.Marshal(urls)
	if err != nil {
		t.Fatal(err)
	}
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
for (const u of `+string(list)+`) {
	try { c.connect(u, "id"); server.log("accepted"); } catch (e) { server.log(e.name + ": " + e.message); }
}
`, agenttest.Options{})
	got := out.Agent()
	if len(got) != len(cases) {
		t.Fatalf("%d lines for %d URLs: %q", len(got), len(cases), got)
	}
	for i, c := range cases {
		prefix := "TypeError: mqttclient.connect: argument 'url': \"" + strings.SplitN(c.URL, badurl.User+":", 2)[0] + badurl.User + ":xxxxx@"
		if !strings.HasPrefix(got[i], prefix) || !strings.Contains(got[i], c.Reason) {
			t.Errorf("%s: got %q, want %q... %s", c.Name, got[i], prefix, c.Reason)
		}
	}
	if all := strings.Join(append(out.Stdout, out.Stderr...), "\n"); strings.Contains(all, secret) {
		t.Fatalf("the output shows the password:\n%s", all)
	}
}

func TestUnknownConnectOptionWarns(t *testing.T) {
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("rc " + rc); c.disconnect(); });
c.connect("tcp://h", "id", {usrename: "x", keepalive: 0});
`, agenttest.Options{})
	agenttest.WantAgent(t, out, "rc 0")
	want := "WARNING: mqttclient.connect: ignoring unknown option(s) usrename; valid options are username, password, keepalive, willtopic, willmessage"
	if !slices.Contains(out.Status(), want) {
		t.Fatalf("status lines %q lack %q", out.Status(), want)
	}
}

// TestConnectionLostWhenBrokerGoesAway stops the broker under a connected
// agent: onconnectionlost gets -1 when it declares a parameter, and nothing
// when it does not.
func TestConnectionLostWhenBrokerGoesAway(t *testing.T) {
	for _, tc := range []struct{ handler, want string }{
		{`function (reason) { server.log("lost " + reason + " connected=" + c.isconnected()); }`, "lost -1 connected=false"},
		{`function () { server.log("lost args=" + arguments.length); }`, "lost args=0"},
	} {
		b, err := broker.Start(broker.Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onconnectionlost(`+tc.handler+`);
c.onconnect(function (rc) { server.log("connected " + rc); });
c.connect("tcp://h", "id");
`, agenttest.Options{Broker: "tcp://" + b.Addr(), OnLine: func(l string) {
			if l == "[Agent] connected 0" {
				go b.Close()
			}
		}})
		b.Close()
		agenttest.WantAgent(t, out, "connected 0", tc.want)
	}
}

func TestDisconnectThenReconnect(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	c.onconnect(function (rc) {
		server.log("again " + rc + " " + c.isconnected());
		finish();
	});
	c.disconnect(function () {
		server.log("closed " + c.isconnected() + " args=" + arguments.length);
		c.connect("tcp://h", "again");
	});`), agenttest.Options{})
	agenttest.WantAgent(t, out, "closed false args=0", "again 0 true", "bye")
}

// fakeBroker accepts one MQTT connection, answers its CONNECT with CONNACK
// 0, then writes after (raw bytes of the test's choosing), or with nil
// after closes the connection.
func fakeBroker(t *testing.T, after []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		// CONNECT: one type byte, a remaining length of up to 4 bytes, the rest.
		hdr := make([]byte, 1)
		if _, err := io.ReadFull(conn, hdr); err != nil {
			return
		}
		length, mult := 0, 1
		for {
			b := make([]byte, 1)
			if _, err := io.ReadFull(conn, b); err != nil {
				return
			}
			length += int(b[0]&127) * mult
			mult *= 128
			if b[0]&128 == 0 {
				break
			}
		}
		if _, err := io.ReadFull(conn, make([]byte, length)); err != nil {
			return
		}
		conn.Write([]byte{0x20, 0x02, 0x00, 0x00}) // CONNACK accepted
		if after == nil {
			return // close the socket
		}
		conn.Write(after)
		io.Copy(io.Discard, conn) // until the client closes
	}()
	return ln.Addr().String()
}

// TestBadlyFramedPacketGivesMinus4: a broker that sends a packet of the
// reserved type 0 makes the host drop the connection with -4; one that just
// closes the socket gives -1.
func TestBadlyFramedPacketGivesMinus4(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bytes []byte
		want  string
	}{
		{"reserved packet type", []byte{0x00, 0x00}, "lost -4"},
		{"socket closed", nil, "lost -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := fakeBroker(t, tc.bytes)
			out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onconnectionlost(function (reason) { server.log("lost " + reason); });
c.onconnect(function (rc) { server.log("connected " + rc); });
c.connect("tcp://`+addr+`", "framing");
`, agenttest.Options{Broker: "script"})
			agenttest.WantAgent(t, out, "connected 0", tc.want)
		})
	}
}

func TestInboundMessageObject(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	c.onmessage(function (m) {
		server.log(Object.keys(m).join(","));
		m.note = "mine";
		m.topic = "changed";
		server.log(m.topic + " " + m.note + " " + (m.message === m.message) + " " + ("qos" in m));
		finish();
	});
	c.subscribe("obj", 1, function () { c.createmessage("obj", "x", 1).sendasync(); });`), agenttest.Options{})
	agenttest.WantAgent(t, out, "topic,message,qos,retain,dup", "obj mine true true", "bye")
}

// TestSilentBrokerTimesOut: a broker that accepts TCP but never answers
// CONNECT gives onconnect(-1) once the connect timeout has passed.
func TestSilentBrokerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, conn); conn.Close() }()
		}
	}()
	start := time.Now()
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("rc " + rc); });
c.connect("tcp://`+ln.Addr().String()+`", "silent");
`, agenttest.Options{Broker: "script", ConnectTimeout: 300 * time.Millisecond})
	agenttest.WantAgent(t, out, "rc -1")
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Fatalf("gave up after %v, before the 300ms timeout", el)
	}
}

// TestNothingLostSilently: 10,000 QoS 1 messages all reach onmessage (limits
// off), and a handler that throws on every message does not stop the next
// ones.
func TestNothingLostSilently(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	let got = 0, thrown = 0;
	c.onmessage(function (m) {
		got++;
		if (got == 10000) { server.log("got " + got + ", threw " + thrown); finish(); }
		thrown++;
		throw new Error("handler fails on every message");
	});
	c.subscribe("all", 1, function () {
		for (let i = 0; i < 10000; i++) c.createmessage("all", "m" + i, {qos: 1}).sendasync();
	});`), agenttest.Options{Timeout: 60 * time.Second,
		// under -race on a loaded machine 10,000 sendasync calls in one
		// callback can take longer than the default 10 s budget
		Config: "limits: {mqtt_inbound: off, mqtt_outbound: off, log: off, cpu_per_callback: 60s}\n"})
	if got := out.Agent(); len(got) < 1 || got[0] != "got 10000, threw 9999" {
		t.Fatalf("agent lines %q", got)
	}
	if n := len(out.AgentErrors()); n < 9999 {
		t.Fatalf("%d error lines for 9999 throws", n)
	}
	for _, l := range out.Status() {
		if strings.Contains(l, "not delivered") {
			t.Fatalf("a message was dropped: %q", l)
		}
	}
}

// TestQoS0CallbacksInOrderAndChained: QoS 0 callbacks come once each, in
// the order the messages were sent, also for sends made from callbacks
// (each callback sending the next message) and for a message sent twice
// (each send with its own callback). The outbound limiter is off: with it,
// sends past its buffer fail at once with -12.
func TestQoS0CallbacksInOrderAndChained(t *testing.T) {
	out := agenttest.MustRun(t, agenttest.Connected(`
	const seen = [];
	let bad = 0;
	for (let i = 0; i < 500; i++) {
		c.createmessage("q0/burst", "m" + i).sendasync(function (rc) {
			if (rc != 0 || seen.length != i) { if (bad++ < 3) server.log("i " + i + " rc " + rc + " seen " + seen.length); }
			seen.push(i);
			if (seen.length == 500) {
				server.log("burst " + seen.length + " out of order or failed " + bad);
				chain(0);
			}
		});
	}
	function chain(n) {
		if (n == 300) { server.log("chained 300"); twice(); return; }
		c.createmessage("q0/chain", "c" + n, {qos: 0}).sendasync(function (rc) {
			if (rc != 0) server.error("chain " + n + ": " + rc);
			chain(n + 1);
		});
	}
	function twice() {
		const m = c.createmessage("q0/twice", "t");
		let calls = [];
		const both = function () { if (calls.length == 2) { server.log("twice " + calls.join(",")); finish(); } };
		m.sendasync(function (rc) { calls.push("first " + rc); both(); });
		m.sendasync(function (rc) { calls.push("second " + rc); both(); });
	}`), agenttest.Options{Config: "limits: {mqtt_outbound: off}\n"})
	agenttest.WantAgent(t, out, "burst 500 out of order or failed 0", "chained 300", "twice first 0,second 0", "bye")
	if errs := out.AgentErrors(); len(errs) != 0 {
		t.Fatalf("errors %q", errs)
	}
}
