package mqttconn_test

import (
	"net"
	"time"

	"github.com/agenthost/agenthost/broker"
	paho "github.com/eclipse/paho.mqtt.golang"
	"slices"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/internal/agenttest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// logPacket is a helper the scripts share: it logs an event's packet as
// JSON with its payload (a blob) as text.
const logPacket = `
function show(p) {
	const o = {};
	for (const k of Object.keys(p).sort()) o[k] = k == "payload" && typeof p[k] == "object" ? "blob:" + p[k] : p[k];
	return JSON.stringify(o);
}
`

// TestClientSpeaksEveryFlowWithTheEmbeddedBroker drives a whole MQTT 3.1.1
// session by hand: connect, subscribe, a QoS 2 publish and the QoS 2
// delivery back (PUBREC/PUBREL/PUBCOMP both ways), QoS 1, unsubscribe,
// ping and disconnect; each event shows its packet's fields.
func TestClientSpeaksEveryFlowWithTheEmbeddedBroker(t *testing.T) {
	out := agenttest.MustRun(t, logPacket+`
const conn = mqtt.createConnection(1883, "broker.example.com", function (err, c) {
	server.log("callback " + err + " same=" + (c === conn));
	c.connect({protocolId: "MQTT", protocolVersion: 4, clientId: "raw-1", clean: true, keepalive: 30});
});
for (const ev of ["connack", "suback", "pubrec", "pubcomp", "puback", "unsuback", "pingresp", "publish", "pubrel"]) {
	conn.on(ev, function (p) { server.log(ev + " " + show(p)); });
}
conn.on("connected", function () { server.log("connected"); });
conn.on("close", function () { server.log("close"); });
conn.once("connack", function () {
	conn.subscribe({messageId: 1, subscriptions: [{topic: "raw/#", qos: 2}, {topic: "other", qos: 0}]});
});
conn.once("suback", function () {
	conn.publish({topic: "raw/two", payload: "qos two", qos: 2, messageId: 7});
});
conn.once("pubrec", function (p) { conn.pubrel({messageId: p.messageId}); });
conn.on("publish", function (p) {
	if (p.qos == 2) conn.pubrec({messageId: p.messageId});
	if (p.qos == 1) {
		conn.puback({messageId: p.messageId});
		conn.unsubscribe({messageId: 3, unsubscriptions: ["raw/#", "other"]});
	}
});
conn.on("pubrel", function (p) {
	conn.pubcomp({messageId: p.messageId});
	conn.publish({topic: "raw/one", payload: "qos one", qos: 1, messageId: 8});
});
conn.once("unsuback", function () { conn.pingreq(); });
conn.once("pingresp", function () { conn.disconnect(); conn.end(); });
`, agenttest.Options{})
	got := out.Agent()
	// The broker's PUBREL for its delivery and its PUBCOMP for ours may
	// come in either order; so may our PUBACK and its QoS 1 delivery.
	want := []string{
		"connected",
		"callback null same=true",
		`connack {"cmd":"connack","dup":false,"length":2,"qos":0,"retain":false,"returnCode":0,"sessionPresent":false}`,
		`suback {"cmd":"suback","dup":false,"granted":[2,0],"length":4,"messageId":1,"qos":0,"retain":false}`,
		`pubrec {"cmd":"pubrec","dup":false,"length":2,"messageId":7,"qos":0,"retain":false}`,
	}
	if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Fatalf("agent lines:\n got %q\nwant prefix %q\nstderr %q", got, want, out.Stderr)
	}
	rest := slices.Clone(got[len(want):])
	slices.Sort(rest)
	wantRest := []string{
		"close",
		`pingresp {"cmd":"pingresp","dup":false,"length":0,"qos":0,"retain":false}`,
		`puback {"cmd":"puback","dup":false,"length":2,"messageId":8,"qos":0,"retain":false}`,
		`pubcomp {"cmd":"pubcomp","dup":false,"length":2,"messageId":7,"qos":0,"retain":false}`,
		`publish {"cmd":"publish","dup":false,"length":18,"messageId":1,"payload":"blob:qos two","qos":2,"retain":false,"topic":"raw/two"}`,
		`publish {"cmd":"publish","dup":false,"length":18,"messageId":2,"payload":"blob:qos one","qos":1,"retain":false,"topic":"raw/one"}`,
		`pubrel {"cmd":"pubrel","dup":false,"length":2,"messageId":1,"qos":1,"retain":false}`,
		`unsuback {"cmd":"unsuback","dup":false,"length":2,"messageId":3,"qos":0,"retain":false}`,
	}
	if !slices.Equal(rest, wantRest) {
		t.Fatalf("agent lines after the pubrec (sorted):\n got %q\nwant %q\nstderr %q", rest, wantRest, out.Stderr)
	}
	if got[len(got)-1] != "close" {
		t.Fatalf("last line %q, want close", got[len(got)-1])
	}
	if st := out.Status(); !slices.ContainsFunc(st, func(s string) bool {
		return strings.HasPrefix(s, "tcp://broker.example.com:1883 -> embedded broker 127.0.0.1:")
	}) {
		t.Fatalf("status lines %q", st)
	}
}

// TestMQTT31IsSpokenToo: MQIsdp/3 is the default protocol.
func TestMQTT31IsSpokenToo(t *testing.T) {
	out := agenttest.MustRun(t, `
mqtt.createConnection(1883, "h", function (err, c) {
	c.on("connack", function (p) { server.log("connack " + p.returnCode); c.end(); });
	c.on("close", function () { server.log("closed"); });
	c.connect({clientId: "old-client", clean: true});
});
`, agenttest.Options{})
	agenttest.WantAgent(t, out, "connack 0", "closed")
}

func TestInvalidArgumentsEmitErrorOrThrow(t *testing.T) {
	out := agenttest.MustRun(t, `
function tryit(label, f) {
	try { server.log(label + ": returned " + f()); }
	catch (e) { server.log(label + ": threw " + e.name + ": " + e.message); }
}
tryit("port", function () { return mqtt.createConnection(70000, "h"); });
tryit("host", function () { return mqtt.createConnection(1883, 5); });
tryit("arguments", function () { return mqtt.createConnection(1883, "h", "x", function () {}); });
const early = mqtt.createConnection(1883, "h");
tryit("before connected", function () { return early.pingreq(); });
early.end();
mqtt.createConnection(1883, "h", function (err, c) {
	tryit("no listener", function () { return c.puback({}); });
	c.on("error", function (e) { server.log("error event: " + e.message); });
	tryit("puback without id", function () { return c.puback({}); });
	tryit("id 0", function () { return c.pubrec({messageId: 0}); });
	tryit("qos 3", function () { return c.publish({topic: "t", qos: 3}); });
	tryit("qos 1 without id", function () { return c.publish({topic: "t", qos: 1}); });
	tryit("no topic", function () { return c.publish({payload: "x"}); });
	tryit("payload number", function () { return c.publish({topic: "t", payload: 5}); });
	tryit("version mismatch", function () { return c.connect({protocolId: "MQTT", protocolVersion: 3, clientId: "x"}); });
	tryit("no client id", function () { return c.connect({}); });
	tryit("empty subscriptions", function () { return c.subscribe({messageId: 1, subscriptions: []}); });
	tryit("subscription qos", function () { return c.subscribe({messageId: 1, subscriptions: [{topic: "a", qos: 5}]}); });
	tryit("granted 256", function () { return c.suback({messageId: 1, granted: [256]}); });
	tryit("unsubscriptions", function () { return c.unsubscribe({messageId: 1, unsubscriptions: [1]}); });
	tryit("options array", function () { return c.connack([]); });
	tryit("encoding", function () { return c.setEncoding("ebcdic"); });
	tryit("event name", function () { return c.on("pong", function () {}); });
	tryit("listener", function () { return c.on("close", 5); });
	tryit("long topic", function () { return c.publish({topic: "x".repeat(65536)}); });
	tryit("valid", function () { return c.pingreq(); });
	c.on("close", function () {
		tryit("after close", function () { return c.pingreq(); });
	});
	c.destroy();
});
`, agenttest.Options{})
	agenttest.WantAgent(t, out,
		"port: threw TypeError: mqtt.createConnection: argument 'port' must be an integer from 1 to 65535, got number 70000",
		"host: threw TypeError: mqtt.createConnection: argument 'host' must be a host name or address, got number 5",
		"arguments: threw TypeError: mqtt.createConnection: expected (port, host, callback), got 3 arguments before the callback",
		"before connected: threw Error: MqttConnection.pingreq: the connection is not connected yet (wait for 'connected'); the packet was not sent",
		"no listener: threw Error: MqttConnection.puback: options.messageId must be an integer from 1 to 65535, got undefined",
		"error event: MqttConnection.puback: options.messageId must be an integer from 1 to 65535, got undefined",
		"puback without id: returned false",
		"error event: MqttConnection.pubrec: options.messageId must be an integer from 1 to 65535, got number 0",
		"id 0: returned false",
		"error event: MqttConnection.publish: options.qos must be an integer from 0 to 2, got number 3",
		"qos 3: returned false",
		"error event: MqttConnection.publish: options.messageId must be an integer from 1 to 65535, got undefined",
		"qos 1 without id: returned false",
		"error event: MqttConnection.publish: options.topic must be a string, got undefined",
		"no topic: returned false",
		"error event: MqttConnection.publish: options.payload must be a string, blob, ArrayBuffer or Uint8Array, got number 5",
		"payload number: returned false",
		`error event: MqttConnection.connect: protocolId "MQTT" with protocolVersion 3: use "MQIsdp" with 3 (MQTT 3.1) or "MQTT" with 4 (MQTT 3.1.1)`,
		"version mismatch: returned false",
		"error event: MqttConnection.connect: options.clientId must be a string, got undefined",
		"no client id: returned false",
		"error event: MqttConnection.subscribe: options.subscriptions must hold 1 to 65535 entries, got 0",
		"empty subscriptions: returned false",
		"error event: MqttConnection.subscribe: options.qos must be an integer from 0 to 2, got number 5",
		"subscription qos: returned false",
		"error event: MqttConnection.suback: options.granted[0] must be an integer from 0 to 255 (0, 1, 2 or 128 for a refusal), got number 256",
		"granted 256: returned false",
		"error event: MqttConnection.unsubscribe: options.unsubscriptions[0] must be a string, got number 1",
		"unsubscriptions: returned false",
		"error event: MqttConnection.connack: argument 'options' must be an object, got array",
		"options array: returned false",
		`error event: MqttConnection.setEncoding: argument 'encoding' must be "utf8", "hex", "base64", "latin1" or null (blobs), got string "ebcdic"`,
		"encoding: returned false",
		"event name: threw TypeError: MqttConnection.on: argument 'event' must be one of close, connack, connect, connected, disconnect, error, pingreq, pingresp, puback, pubcomp, publish, pubrec, pubrel, suback, subscribe, unsuback, unsubscribe, got string \"pong\"",
		"listener: threw TypeError: MqttConnection.on: argument 'listener' must be a function, got number 5",
		"error event: MqttConnection.publish: the topic is 65536 bytes, more than MQTT's 65535",
		"long topic: returned false",
		"valid: returned true",
		"error event: MqttConnection.pingreq: the connection is closed; the packet was not sent",
		"after close: returned false",
	)
}

// closedPort is a TCP address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestConnectFailuresGoToTheCallbackOrAreUncaught: a refused connect and an
// unresolvable name reach the callback as errors with Node's codes; with
// no callback and no 'error' listener the error is reported as uncaught,
// naming where the connection was created, and the agent goes on.
func TestConnectFailuresGoToTheCallbackOrAreUncaught(t *testing.T) {
	_, port, _ := net.SplitHostPort(closedPort(t))
	out := agenttest.MustRun(t, `
mqtt.createConnection(`+port+`, "127.0.0.1", function (err, c) {
	server.log("refused: " + err.code + " " + (err instanceof Error) + " conn=" + c);
	mqtt.createConnection(1883, "no-such-host.invalid", function (err) {
		server.log("dns: " + err.code);
		const c = mqtt.createConnection(`+port+`, "127.0.0.1");
		c.on("close", function () { server.log("closed, agent goes on"); });
	});
});
`, agenttest.Options{Broker: "script"})
	agenttest.WantAgent(t, out, "refused: ECONNREFUSED true conn=undefined", "dns: ENOTFOUND", "closed, agent goes on")
	errs := out.AgentErrors()
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "Uncaught Error: MqttConnection: connect 127.0.0.1:"+port+": dial tcp 127.0.0.1:"+port+": connect: connection refused (an 'error' event with no listener, on the MqttConnection created at agent.js:6:") {
		t.Fatalf("agent errors %q", errs)
	}
}

// TestMalformedPacketFromTheBrokerEmitsErrorThenClose uses a raw TCP
// server that answers CONNECT with bytes that are no MQTT packet.
func TestMalformedPacketFromTheBrokerEmitsErrorThenClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 100)
		_, _ = c.Read(buf)
		_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
		_, _ = c.Read(buf)
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	out := agenttest.MustRun(t, `
mqtt.createConnection(`+port+`, "127.0.0.1", function (err, c) {
	c.on("error", function (e) { server.log("error: " + e.message); });
	c.on("close", function () { server.log("close"); });
	c.on("connack", function () { server.log("connack?"); });
	c.connect({clientId: "x"});
});
`, agenttest.Options{Broker: "script"})
	agenttest.WantAgent(t, out, "error: MqttConnection: malformed puback packet: malformed packet: flags", "close")
}

// TestOutboundLimitQueuesInOrderAndRefusesWithMinus12: with 2 tokens and
// a buffer of 1, the connect and the first publish go at once, the second
// waits a second for its token (and the ping sent after it waits too, to
// keep the order), the third is refused with an error of code -12.
func TestOutboundLimitQueuesInOrderAndRefusesWithMinus12(t *testing.T) {
	out := agenttest.MustRun(t, `
const t0 = Date.now();
function at() { return ((Date.now() - t0) / 1000).toFixed(1) + "s"; }
mqtt.createConnection(1883, "h", function (err, c) {
	c.on("error", function (e) { server.log(at() + " error " + e.code + ": " + e.message); });
	c.on("puback", function (p) { server.log(at() + " puback " + p.messageId); });
	c.on("pingresp", function () { server.log(at() + " pingresp"); c.end(); });
	c.on("connack", function () {
		server.log(at() + " connack");
		for (let id = 1; id <= 3; id++) server.log("publish " + id + " returned " + c.publish({topic: "t", qos: 1, messageId: id}));
		c.pingreq();
	});
	c.connect({clientId: "limited", protocolId: "MQTT"});
});
`, agenttest.Options{Virtual: true, Config: "limits: {mqtt_outbound: {rate: 1/s, burst: 2, buffer: 1}}\n"})
	agenttest.WantAgent(t, out,
		"0.0s connack",
		"publish 1 returned true",
		"publish 2 returned true",
		"0.0s error -12: MqttConnection.publish: the outbound rate limit's buffer is full (limits.mqtt_outbound); the packet was not sent",
		"publish 3 returned false",
		"0.0s puback 1",
		"1.0s puback 2",
		"1.0s pingresp",
	)
}

// TestInboundRateLimitClosesTheConnection: with a burst of 5, the 6th
// message gives an error of code -2 and closes the connection; the message
// is counted as not delivered.
func TestInboundRateLimitClosesTheConnection(t *testing.T) {
	out := agenttest.MustRun(t, `
let got = 0;
mqtt.createConnection(1883, "h", function (err, c) {
	c.on("error", function (e) { server.log("error " + e.code + " after " + got + ": " + e.message); });
	c.on("publish", function (p) { got++; });
	c.on("close", function () { server.log("close"); });
	c.on("connack", function () { c.subscribe({messageId: 1, subscriptions: [{topic: "flood"}]}); });
	c.on("suback", function () {
		for (let i = 0; i < 10; i++) c.publish({topic: "flood", payload: "m" + i});
	});
	c.connect({clientId: "flooded", protocolId: "MQTT", keepalive: 60});
});
`, agenttest.Options{Virtual: true, Config: "limits: {mqtt_outbound: off, mqtt_inbound: {rate: 1/h, burst: 5}}\n"})
	agenttest.WantAgent(t, out,
		"error -2 after 5: MqttConnection: inbound messages exceeded limits.mqtt_inbound; the connection was closed",
		"close")
	if !slices.Contains(out.Status(), "WARNING: 1 inbound message(s) not delivered to the script: over the inbound rate limit (MqttConnection closed)") {
		t.Fatalf("status lines %q", out.Status())
	}
}

// TestOversizeInboundClosesTheConnection: a message over message_size
// gives an error of code -3 and closes the connection; the one at the
// limit is delivered.
func TestOversizeInboundClosesTheConnection(t *testing.T) {
	b, err := broker.Start(broker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pub := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + b.Addr()).SetClientID("pub").SetProtocolVersion(4))
	if tok := pub.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer pub.Disconnect(100)
	out := agenttest.MustRun(t, `
mqtt.createConnection(1883, "h", function (err, c) {
	c.on("error", function (e) { server.log("error " + e.code + ": " + e.message); });
	c.on("publish", function (p) { server.log("publish " + p.payload.len()); });
	c.on("close", function () { server.log("close"); });
	c.on("connack", function () { c.subscribe({messageId: 1, subscriptions: [{topic: "big"}]}); });
	c.on("suback", function () { server.log("subscribed"); });
	c.connect({clientId: "small", protocolId: "MQTT", keepalive: 60});
});
`, agenttest.Options{Broker: "tcp://" + b.Addr(), Config: "limits: {message_size: 1KiB}\n",
		OnLine: func(l string) {
			if l == "[Agent] subscribed" {
				pub.Publish("big", 0, false, make([]byte, 1024))
				pub.Publish("big", 0, false, make([]byte, 70*1024))
			}
		}})
	agenttest.WantAgent(t, out, "subscribed", "publish 1024",
		"error -3: MqttConnection: an inbound message exceeded limits.message_size; the connection was closed", "close")
	if !slices.Contains(out.Status(), "WARNING: inbound message on big is 71680 bytes, more than the 1024-byte limit: connection dropped (onconnectionlost -3)") {
		t.Fatalf("status lines %q", out.Status())
	}
}

// TestRoundTripsKeepVirtualTimeStill: a wakeup due in 1 s fires only after
// the connect, the CONNACK and the SUBACK, which all happen at virtual time
// 0: while a request waits for its answer the clock does not jump.
func TestRoundTripsKeepVirtualTimeStill(t *testing.T) {
	out := agenttest.MustRun(t, `
const t0 = Date.now();
function at() { return ((Date.now() - t0) / 1000).toFixed(3); }
imp.wakeup(1, function () { server.log("wakeup " + at()); });
mqtt.createConnection(1883, "h", function (err, c) {
	server.log("connected " + at());
	c.on("connack", function () { server.log("connack " + at()); c.subscribe({messageId: 5, subscriptions: [{topic: "x"}]}); });
	c.on("suback", function () { server.log("suback " + at()); c.end(); });
	c.connect({clientId: "v", protocolId: "MQTT", keepalive: 60});
});
`, agenttest.Options{Virtual: true})
	agenttest.WantAgent(t, out, "connected 0.000", "connack 0.000", "suback 0.000", "wakeup 1.000")
}

func TestSetEncodingDecodesPublishPayloads(t *testing.T) {
	out := agenttest.MustRun(t, `
const encodings = ["utf8", "hex", "base64", "latin1", null];
mqtt.createConnection(1883, "h", function (err, c) {
	let i = 0;
	c.on("publish", function (p) {
		server.log((encodings[i] || "blob") + ": " + typeof p.payload + " " + p.payload);
		if (++i == encodings.length) { c.end(); return; }
		c.setEncoding(encodings[i]);
		c.publish({topic: "enc", payload: "h\u00e9!"});
	});
	c.on("suback", function () {
		c.setEncoding(encodings[0]);
		c.publish({topic: "enc", payload: "h\u00e9!"});
	});
	c.on("connack", function () { c.subscribe({messageId: 1, subscriptions: [{topic: "enc"}]}); });
	c.connect({clientId: "enc", protocolId: "MQTT", keepalive: 60});
});
`, agenttest.Options{})
	agenttest.WantAgent(t, out, "utf8: string hé!", "hex: string 68c3a921", "base64: string aMOpIQ==",
		"latin1: string hÃ©!", "blob: object hé!")
}

// TestWritesAfterEndAreRefused: after end() (and before 'close') a packet
// method emits 'error' and returns false, or throws with no listener, as
// on a closed connection; the packet written before end() reaches the
// broker and the ones after it do not (a subscriber sees "before" and
// then its own marker, published once the ended connection has closed).
func TestWritesAfterEndAreRefused(t *testing.T) {
	out := agenttest.MustRun(t, `
function tryit(label, f) {
	try { server.log(label + ": returned " + f()); }
	catch (e) { server.log(label + ": threw " + e.name + ": " + e.message); }
}
const sub = mqtt.createConnection(1883, "h", function (err, s) {
	s.connect({protocolId: "MQTT", protocolVersion: 4, clientId: "sub", clean: true});
});
sub.setEncoding("utf8");
sub.once("connack", function () { sub.subscribe({messageId: 1, subscriptions: [{topic: "after/end"}]}); });
sub.on("publish", function (p) {
	server.log("subscriber got " + p.payload);
	if (p.payload == "marker") { sub.end(); }
});
sub.once("suback", function () {
	mqtt.createConnection(1883, "h", function (err, c) {
		c.connect({protocolId: "MQTT", protocolVersion: 4, clientId: "pub", clean: true});
		c.once("connack", function () {
			tryit("before end", function () { return c.publish({topic: "after/end", payload: "before"}); });
			c.end();
			tryit("no listener", function () { return c.publish({topic: "after/end", payload: "after"}); });
			c.on("error", function (e) { server.log("error event: " + e.message); });
			tryit("with listener", function () { return c.pingreq(); });
			tryit("disconnect", function () { return c.disconnect(); });
		});
		c.on("close", function () {
			server.log("pub closed");
			sub.publish({topic: "after/end", payload: "marker"});
		});
	});
});
`, agenttest.Options{})
	want := []string{
		"before end: returned true",
		"no listener: threw Error: MqttConnection.publish: the connection was ended (end() or destroy()); the packet was not sent",
		"error event: MqttConnection.pingreq: the connection was ended (end() or destroy()); the packet was not sent",
		"with listener: returned false",
		"error event: MqttConnection.disconnect: the connection was ended (end() or destroy()); the packet was not sent",
		"disconnect: returned false",
		// The delivery to the subscriber and the publisher's close come
		// on two connections, in either order.
		"pub closed",
		"subscriber got before",
		"subscriber got marker",
	}
	got := out.Agent()
	if len(got) == len(want) && got[6] == want[7] && got[7] == want[6] {
		got[6], got[7] = got[7], got[6]
	}
	if !slices.Equal(got, want) {
		t.Errorf("agent lines:\n got %q\nwant %q\nstderr: %q", out.Agent(), want, out.Stderr)
	}
}
