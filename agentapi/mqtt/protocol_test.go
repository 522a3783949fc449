package mqtt_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
	"github.com/agenthost/agenthost/internal/rawbroker"
	"github.com/mochi-mqtt/server/v2/packets"
)

// TestKeepaliveReachesTheBroker: the CONNECT packet carries the keepalive
// the script asked for, 60 s when it asked for none.
func TestKeepaliveReachesTheBroker(t *testing.T) {
	for _, c := range []struct {
		option string
		want   uint16
	}{{"", 60}, {", { keepalive: 45 }", 45}, {", { keepalive: 0 }", 0}, {", { keepalive: 65535 }", 65535}} {
		got := make(chan uint16, 1)
		srv := rawbroker.Start(t, func(c *rawbroker.Conn) {
			pk, err := c.Accept(0)
			if err == nil {
				got <- pk.Connect.Keepalive
			}
			_, _ = c.Expect(packets.Disconnect, true)
		})
		out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("connect " + rc); c.disconnect(); });
c.connect("tcp://example.com", "ka"`+c.option+`);
`, agenttest.Options{Broker: srv.URL()})
		agenttest.WantAgent(t, out, "connect 0")
		if k := <-got; k != c.want {
			t.Errorf("connect(...%s): CONNECT keepalive %d, want %d", c.option, k, c.want)
		}
	}
}

// TestCallbacksCompleteOnTheirOwn: against a broker that never
// acknowledges a QoS 1 publish, a later QoS 0 publish still completes, and
// once 65,535 QoS 1 publishes are in flight (every packet identifier in
// use) the next one fails at once with -10, paho's "no message IDs
// available" (pinned here). When the connection ends, every pending
// callback gets its one result: nothing is lost.
func TestCallbacksCompleteOnTheirOwn(t *testing.T) {
	srv := rawbroker.Start(t, func(c *rawbroker.Conn) {
		if _, err := c.Accept(0); err != nil {
			return
		}
		for { // read and never acknowledge
			if _, err := c.ReadPacket(); err != nil {
				return
			}
		}
	})
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
const late = {};
let lateCount = 0;
c.onconnect(function (rc) {
	for (let i = 0; i < 65535; i++) {
		c.createmessage("t", "x", { qos: 1 }).sendasync(function (code) {
			late[code] = (late[code] || 0) + 1;
			if (++lateCount == 65535) server.log("all pending callbacks ran: " + JSON.stringify(late));
		});
	}
	c.createmessage("t", "x", { qos: 1 }).sendasync(function (code) { server.log("65536th qos1 " + code); });
	c.createmessage("t", "q0").sendasync(function (code) {
		server.log("qos0 " + code + " while " + lateCount + " qos1 wait");
		c.disconnect();
	});
});
c.connect("tcp://example.com", "inflight");
`, agenttest.Options{Broker: srv.URL(), Timeout: 60 * time.Second,
		// 65,535 sendasync calls in one callback take seconds under -race
		// on a busy machine: the callback's CPU budget is not under test.
		Config: "limits:\n  mqtt_outbound: off\n  log: off\n  cpu_per_callback: 60s\n"})
	agent := out.Agent()
	// The two immediate results may come in either order: each operation
	// completes on its own.
	if len(agent) != 3 || !slices.Contains(agent[:2], "65536th qos1 -10") || !slices.Contains(agent[:2], "qos0 0 while 0 qos1 wait") {
		t.Fatalf("agent lines %q", agent)
	}
	var code, n int
	if _, err := fmt.Sscanf(agent[2], "all pending callbacks ran: {\"%d\":%d}", &code, &n); err != nil || n != 65535 || code >= 0 {
		t.Fatalf("pending callbacks at disconnect: %q (want all 65535 with one negative code)", agent[2])
	}
}

// TestPubackOutOfOrder: a broker that acknowledges the second of two QoS
// 1 publishes and never the first: the second's callback comes with 0
// while the first still waits (each operation completes on its own, also
// when the waiter that follows the oldest operation waits for another), and
// the first gets its failure when the script disconnects.
func TestPubackOutOfOrder(t *testing.T) {
	srv := rawbroker.Start(t, func(c *rawbroker.Conn) {
		if _, err := c.Accept(0); err != nil {
			return
		}
		if _, err := c.Expect(packets.Publish, true); err != nil { // the first: never acknowledged
			return
		}
		second, err := c.Expect(packets.Publish, true)
		if err != nil {
			return
		}
		_ = c.Send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback}, PacketID: second.PacketID})
		for {
			if _, err := c.ReadPacket(); err != nil {
				return
			}
		}
	})
	out := agenttest.MustRun(t, `
const c = mqtt.createclient();
let firstDone = false;
c.onconnect(function (rc) {
	c.createmessage("t", "first", {qos: 1}).sendasync(function (code) {
		firstDone = true;
		server.log("first " + (code < 0 ? "failed" : code));
	});
	const sent = Date.now();
	c.createmessage("t", "second", {qos: 1}).sendasync(function (code) {
		server.log("second " + code + (firstDone ? " after the first" : " while the first waits") + ", after " + (Date.now() - sent) + " ms");
		c.disconnect();
	});
});
c.connect("tcp://example.com", "outoforder");
`, agenttest.Options{Broker: srv.URL(), Timeout: 30 * time.Second})
	agent := out.Agent()
	var ms int
	if len(agent) != 2 || agent[1] != "first failed" {
		t.Fatalf("agent lines %q", agent)
	}
	if _, err := fmt.Sscanf(agent[0], "second 0 while the first waits, after %d ms", &ms); err != nil {
		t.Fatalf("agent lines %q: %v", agent, err)
	}
	// The README promises the overtaking callback at most lateAfter (100
	// ms) after its PUBACK; it cannot come before the oldest has waited
	// that long. The upper bound leaves room for a starved CI machine.
	const lateAfter = 100 // ms, completion.go's lateAfter
	if ms < lateAfter-5 || ms > 2000 {
		t.Errorf("the overtaking callback came %d ms after its send, want about %d", ms, lateAfter)
	}
}

// answerThen is a broker that accepts the connect and the subscription,
// then writes raw (a packet no real broker should send) and reads until
// the client goes.
func answerThen(t *testing.T, raw []byte) *rawbroker.Server {
	return rawbroker.Start(t, func(c *rawbroker.Conn) {
		if _, err := c.Accept(0); err != nil {
			return
		}
		sub, err := c.Expect(packets.Subscribe, true)
		if err != nil {
			return
		}
		_ = c.Send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Suback}, PacketID: sub.PacketID, ReasonCodes: []byte{0}})
		_, _ = c.Write(raw)
		for {
			if _, err := c.ReadPacket(); err != nil {
				return
			}
		}
	})
}

// publishPacket encodes a QoS 0 PUBLISH from the broker with any topic.
func publishPacket(topic string, payload []byte) []byte {
	var buf bytes.Buffer
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish}, TopicName: topic, Payload: payload, ProtocolVersion: 4}
	_ = pk.PublishEncode(&buf)
	return buf.Bytes()
}

const lossScript = `
const c = mqtt.createclient();
c.onmessage(function (m) { server.log("message on " + JSON.stringify(m.topic)); });
c.onconnectionlost(function (r) { server.log("lost " + r); });
c.onconnect(function (rc) { c.subscribe("#", 0, function () { server.log("subscribed"); }); });
c.connect("tcp://example.com", "guard");
`

// TestBrokerPacketsAreCheckedBeforeTrust: a PUBLISH announcing more than
// limits.message_size ends the connection with -3 from its header alone
// (the broker sends nothing more); a length field longer than 4 bytes, a
// reserved packet type and PUBLISH topics no broker may send end it with
// -4; none reaches onmessage.
func TestBrokerPacketsAreCheckedBeforeTrust(t *testing.T) {
	for _, c := range []struct {
		name   string
		raw    []byte
		reason string
		status string
	}{
		{"100 MB announced", []byte{0x30, 0x80, 0x80, 0x80, 0x30}, "lost -3", "announced a PUBLISH of 100663296 bytes"},
		{"5-byte length", []byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x7f}, "lost -4", "length field runs past 4 bytes"},
		{"reserved type", []byte{0xf0, 0x00}, "lost -4", "reserved type 15"},
		{"wildcards", publishPacket("a/+/#", []byte("x")), "lost -4", "wildcards"},
		{"empty topic", publishPacket("", []byte("x")), "lost -4", "must not be empty"},
		{"NUL", publishPacket("a\x00b", []byte("x")), "lost -4", "NUL"},
		{"not UTF-8", publishPacket("a\xffb", []byte("x")), "lost -4", "UTF-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := answerThen(t, c.raw)
			out := agenttest.MustRun(t, lossScript, agenttest.Options{Broker: srv.URL()})
			agenttest.WantAgent(t, out, "subscribed", c.reason)
			if !slices.ContainsFunc(out.Status(), func(s string) bool { return strings.Contains(s, c.status) }) {
				t.Fatalf("no status line saying %q: %q", c.status, out.Status())
			}
		})
	}
}

// TestUnknownConnackCodeIsAFailedConnect: a CONNACK whose return code MQTT
// 3.1.1 does not define is onconnect(-1) with the code named, not a
// success.
func TestUnknownConnackCodeIsAFailedConnect(t *testing.T) {
	for _, code := range []byte{6, 99, 255} {
		srv := rawbroker.Start(t, func(c *rawbroker.Conn) {
			if _, err := c.Accept(code); err == nil {
				_, _ = c.Expect(packets.Disconnect, true)
			}
		})
		out := agenttest.MustRun(t, `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("connect " + rc + " " + c.isconnected()); });
c.connect("tcp://example.com", "odd");
`, agenttest.Options{Broker: srv.URL()})
		agenttest.WantAgent(t, out, "connect -1 false")
		want := fmt.Sprintf("return code %d, which MQTT 3.1.1 does not define", code)
		if !slices.ContainsFunc(out.Status(), func(s string) bool { return strings.Contains(s, want) }) {
			t.Fatalf("CONNACK %d: status %q", code, out.Status())
		}
	}
}
