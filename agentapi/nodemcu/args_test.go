package nodemcu_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/agenthost/agenthost/internal/agenttest"
)

func TestBadArgumentsThrowNamingTheArgument(t *testing.T) {
	out := agenttest.MustRun(t, `
function tryit(label, f) {
	try { server.log(label + ": returned " + f()); }
	catch (e) { server.log(label + ": " + e.name + ": " + e.message); }
}
tryit("constants", function () {
	return [mqtt.CONN_FAIL_SERVER_NOT_FOUND, mqtt.CONN_FAIL_NOT_A_CONNACK_MSG, mqtt.CONN_FAIL_DNS,
		mqtt.CONN_FAIL_TIMEOUT_RECEIVING, mqtt.CONN_FAIL_TIMEOUT_SENDING, mqtt.CONNACK_ACCEPTED,
		mqtt.CONNACK_REFUSED_PROTOCOL_VER, mqtt.CONNACK_REFUSED_ID_REJECTED, mqtt.CONNACK_REFUSED_SERVER_UNAVAILABLE,
		mqtt.CONNACK_REFUSED_BAD_USER_OR_PASS, mqtt.CONNACK_REFUSED_NOT_AUTHORIZED].join(",");
});
tryit("new", function () { return typeof new mqtt.Client("n", 0).connect; });
tryit("clientid", function () { return mqtt.Client(5, 60); });
tryit("keepalive", function () { return mqtt.Client("a", -1); });
tryit("username", function () { return mqtt.Client("a", 60, 5); });
tryit("username length", function () { return mqtt.Client("a", 60, "u".repeat(65536)); });
tryit("keepalive missing", function () { return mqtt.Client("a"); });
tryit("cleansession", function () { return mqtt.Client("a", 60, null, null, 2); });
tryit("too many", function () { return mqtt.Client("a", 60, "u", "p", 1, 1024); });
const m = mqtt.Client("a", 60, "u", "p", true);
tryit("on event", function () { return m.on("overflow", function () {}); });
tryit("on function", function () { return m.on("message", 5); });
tryit("lwt topic", function () { return m.lwt("a/#", "x"); });
tryit("lwt qos", function () { return m.lwt("a", "x", 3); });
tryit("connect host", function () { return m.connect(); });
tryit("connect port", function () { return m.connect("h", 0); });
tryit("connect secure", function () { return m.connect("h", 1883, 2); });
tryit("connect extra", function () { return m.connect("h", 1883, 0, 0, function () {}, function () {}, function () {}); });
tryit("connect junk after function", function () { return m.connect("h", function () {}, 5); });
tryit("publish offline", function () { return m.publish("t", "x", 0, 0); });
tryit("subscribe offline", function () { return m.subscribe("t", 0); });
tryit("unsubscribe offline", function () { return m.unsubscribe("t"); });
tryit("close idle", function () { return m.close(); });
tryit("publish topic", function () { return m.publish("t/+", "x", 0, 0); });
tryit("publish qos", function () { return m.publish("t", "x", 3, 0); });
tryit("publish retain", function () { return m.publish("t", "x", 0, "yes"); });
tryit("publish payload", function () { return m.publish("t", {}, 0, 0); });
tryit("publish size", function () { return m.publish("t", "x".repeat(262145), 0, 0); });
tryit("subscribe filter", function () { return m.subscribe("a/#/b", 0); });
tryit("subscribe empty table", function () { return m.subscribe({}); });
tryit("subscribe table qos", function () { return m.subscribe({"a": 5}); });
tryit("unsubscribe array", function () { return m.unsubscribe(["a"]); });
`, agenttest.Options{})
	agenttest.WantAgent(t, out,
		"constants: returned -5,-4,-3,-2,-1,0,1,2,3,4,5",
		"new: returned function",
		"clientid: TypeError: mqtt.Client: argument 'clientid' must be a string of at most 65535 bytes, got number 5",
		"keepalive: TypeError: mqtt.Client: argument 'keepalive' must be a number of seconds from 0 (off) to 65535, got number -1",
		"username: TypeError: mqtt.Client: argument 'username' must be a string of at most 65535 bytes, got number 5",
		`username length: TypeError: mqtt.Client: argument 'username' must be a string of at most 65535 bytes, got string "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu..."`,
		"keepalive missing: TypeError: mqtt.Client: argument 'keepalive' must be a number of seconds from 0 (off) to 65535, got undefined",
		"cleansession: TypeError: mqtt.Client: argument 'cleansession' must be 0 or 1 (or false or true), got number 2",
		"too many: TypeError: mqtt.Client: expected at most 5 arguments (clientid, keepalive, username, password, cleansession), got 6",
		`on event: TypeError: mqtt.Client.on: argument 'event' must be "connect", "message" or "offline", got string "overflow"`,
		"on function: TypeError: mqtt.Client.on: argument 'function' must be a function or null, got number 5",
		`lwt topic: TypeError: mqtt.Client.lwt: argument 'topic': topic "a/#": wildcards '+' and '#' are only for subscribing`,
		"lwt qos: TypeError: mqtt.Client.lwt: argument 'qos' must be 0, 1 or 2, got number 3",
		"connect host: TypeError: mqtt.Client.connect: argument 'host' must be a host name or address, got undefined",
		"connect port: TypeError: mqtt.Client.connect: argument 'port' must be an integer from 1 to 65535, got number 0",
		"connect secure: TypeError: mqtt.Client.connect: argument 'secure' must be 0 or 1 (or false or true), got number 2",
		"connect extra: TypeError: mqtt.Client.connect: expected at most two functions (connected, failed), got 3",
		"connect junk after function: TypeError: mqtt.Client.connect: expected (host[, port[, secure[, autoreconnect]]][, function(client)[, function(client, reason)]]), got number 5 as argument 3",
		"publish offline: returned false",
		"subscribe offline: returned false",
		"unsubscribe offline: returned false",
		"close idle: returned false",
		`publish topic: TypeError: mqtt.Client.publish: argument 'topic': topic "t/+": wildcards '+' and '#' are only for subscribing`,
		"publish qos: TypeError: mqtt.Client.publish: argument 'qos' must be 0, 1 or 2, got number 3",
		`publish retain: TypeError: mqtt.Client.publish: argument 'retain' must be 0 or 1 (or false or true), got string "yes"`,
		"publish payload: TypeError: mqtt.Client.publish: argument 'payload' must be a string or blob, got object",
		"publish size: RangeError: mqtt.Client.publish: the payload is 262145 bytes, more than the limit of 262144 (limits.message_size)",
		`subscribe filter: TypeError: mqtt.Client.subscribe: argument 'topic': topic filter "a/#/b": '#' must be a whole level, and the last`,
		"subscribe empty table: TypeError: mqtt.Client.subscribe: the table holds no topics",
		"subscribe table qos: TypeError: mqtt.Client.subscribe: argument 'qos' must be 0, 1 or 2, got number 5",
		"unsubscribe array: TypeError: mqtt.Client.unsubscribe: argument 'topic' must be a string or a table {topic: anything, ...}, got array",
	)
}

// TestLimitsApply: the outbound limiter counts connect, publish and
// subscribe (a full buffer makes them return false); an inbound message
// over message_size drops the connection (offline) and is counted.
func TestLimitsApply(t *testing.T) {
	out := agenttest.MustRun(t, `
const m = mqtt.Client("lim", 60);
m.on("offline", function () { server.log("offline"); });
let sent = 0;
m.connect("h", function (c) {
	const r = [];
	for (let i = 0; i < 3; i++) r.push(c.publish("t", "x", 0, 0, function () { sent++; }));
	r.push(c.subscribe("t", 0));
	server.log("results " + r.join(","));
	imp.wakeup(5, function () { server.log("sent " + sent); c.close(); });
});
`, agenttest.Options{Virtual: true, Config: "limits: {mqtt_outbound: {rate: 1/s, burst: 2, buffer: 2}}\n"})
	agenttest.WantAgent(t, out, "results true,true,true,false", "sent 3")
	out = agenttest.MustRun(t, `
const m = mqtt.Client("lim", 60);
m.on("offline", function () { server.log("offline"); });
m.on("message", function (c, t, d) { server.log("message " + d.length); });
m.connect("h", function (c) {
	c.subscribe("flood", 0, function (c) { for (let i = 0; i < 5; i++) c.publish("flood", "z", 0, 0); });
});
`, agenttest.Options{Virtual: true, Config: "limits: {mqtt_outbound: off, mqtt_inbound: {rate: 1/h, burst: 3}}\n"})
	agenttest.WantAgent(t, out, "message 1", "message 1", "message 1", "offline")
	if !slices.ContainsFunc(out.Status(), func(s string) bool {
		return strings.HasPrefix(s, "WARNING: 1 inbound message(s) not delivered to the script: over the inbound rate limit (NodeMCU client offline)")
	}) {
		t.Fatalf("status lines %q", out.Status())
	}

	b := startBroker(t)
	pub := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + b.Addr()).SetClientID("pub").SetProtocolVersion(4))
	if tok := pub.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer pub.Disconnect(100)
	out = agenttest.MustRun(t, `
const m = mqtt.Client("big", 60);
m.on("offline", function () { server.log("offline"); });
m.on("message", function (c, t, d) { server.log("message " + d.length); });
m.connect("h", function (c) { c.subscribe("big", 0, function () { server.log("subscribed"); }); });
`, agenttest.Options{Broker: "tcp://" + b.Addr(), Config: "limits: {message_size: 100}\n", OnLine: func(l string) {
		if l == "[Agent] subscribed" {
			pub.Publish("big", 0, false, strings.Repeat("y", 100))
			pub.Publish("big", 0, false, strings.Repeat("y", 101))
		}
	}})
	agenttest.WantAgent(t, out, "subscribed", "message 100", "offline")
	if !slices.Contains(out.Status(), "WARNING: 1 inbound message(s) not delivered to the script: larger than limits.message_size (NodeMCU client offline)") {
		t.Fatalf("status lines %q", out.Status())
	}
}

// TestRoundTripsKeepVirtualTimeStill: the connect, the SUBACK and the
// PUBCOMP all come at virtual time 0, before a wakeup due in 1 s.
func TestRoundTripsKeepVirtualTimeStill(t *testing.T) {
	out := agenttest.MustRun(t, `
const t0 = Date.now();
function at() { return ((Date.now() - t0) / 1000).toFixed(3); }
imp.wakeup(1, function () { server.log("wakeup " + at()); });
const m = mqtt.Client("v", 60);
m.connect("h", function (c) {
	server.log("connected " + at());
	c.subscribe("v", 2, function () {
		server.log("subscribed " + at());
		c.publish("v", "x", 2, 0, function () { server.log("published " + at()); c.close(); });
	});
});
`, agenttest.Options{Virtual: true})
	agenttest.WantAgent(t, out, "connected 0.000", "subscribed 0.000", "published 0.000", "wakeup 1.000")
}
