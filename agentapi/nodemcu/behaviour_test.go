package nodemcu_test

import (
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/internal/agenttest"
	"github.com/agenthost/agenthost/mqttwire"
	"github.com/mochi-mqtt/server/v2/packets"
)

func startBroker(t *testing.T) *broker.Broker {
	t.Helper()
	b, err := broker.Start(broker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// TestOfflineAfterSuccessNotFailure: once connected, a connection the
// broker drops calls on("offline"), never the failure callback.
func TestOfflineAfterSuccessNotFailure(t *testing.T) {
	b := startBroker(t)
	out := agenttest.MustRun(t, `
const m = mqtt.Client("dropped", 60);
m.on("offline", function (c) { server.log("offline same=" + (c === m)); });
m.connect("h", 1883, 0, 0, function () { server.log("connected"); }, function (c, r) { server.log("failed " + r); });
`, agenttest.Options{Broker: "tcp://" + b.Addr(), OnLine: func(l string) {
		if l == "[Agent] connected" {
			go b.DropClient("dropped")
		}
	}})
	agenttest.WantAgent(t, out, "connected", "offline same=true")
}

// TestAutoreconnect: after a first success, a dropped connection is made
// again without any callback but the connect one, through a refusal and a
// retry; close() ends it. A first connection that fails is not retried.
func TestAutoreconnect(t *testing.T) {
	b := startBroker(t)
	out := agenttest.MustRun(t, `
const m = mqtt.Client("auto", 60);
let n = 0;
m.on("offline", function () { server.log("offline"); });
m.connect("h", 1883, 0, 1, function (c) {
	server.log("connected " + (++n));
	if (n == 2) server.log("close " + c.close());
}, function (c, r) { server.log("failed " + r); });
`, agenttest.Options{Broker: "tcp://" + b.Addr(), Virtual: true, OnLine: func(l string) {
		if l == "[Agent] connected 1" {
			_ = b.RefuseNext(3)
			go b.DropClient("auto")
		}
	}})
	agenttest.WantAgent(t, out, "connected 1", "connected 2", "close true")
	var auto []string
	for _, l := range out.Status() {
		if strings.Contains(l, "mqtt.Client") {
			auto = append(auto, l)
		}
	}
	want := []string{
		`mqtt.Client "auto": autoreconnect: connecting to h:1883 again in 1s`,
		`mqtt.Client "auto": connect h:1883 failed: refused (CONNACK_REFUSED_SERVER_UNAVAILABLE, 3)`,
		`mqtt.Client "auto": autoreconnect: connecting to h:1883 again in 1s`,
	}
	if !slices.Equal(auto, want) {
		t.Fatalf("status lines about the client:\n got %q\nwant %q", auto, want)
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	host, port, _ := net.SplitHostPort(addr)
	out = agenttest.MustRun(t, `
const m = mqtt.Client("auto", 60);
m.connect("`+host+`", `+port+`, 0, 1, function () { server.log("connected"); }, function (c, r) { server.log("failed " + r); });
`, agenttest.Options{Broker: "script", Virtual: true})
	agenttest.WantAgent(t, out, "failed -5")
}

// connackOnly is a broker that accepts any CONNECT and then answers
// nothing (no PINGRESP, no PUBACK).
func connackOnly(t *testing.T) string {
	return rawServer(t, 0, func(c net.Conn) {
		if readConnect(c) {
			c.Write([]byte{0x20, 0x02, 0x00, 0x00})
			buf := make([]byte, 1024)
			for {
				if _, err := c.Read(buf); err != nil {
					return
				}
			}
		}
	})
}

// TestKeepaliveLoss: with keepalive 1 s, a broker that answers no PINGREQ
// is given up between 2 and 4.5 s after the connect: the client goes
// offline and a [Status] line says why. The embedded broker answers, and
// the connection lasts (with keepalive 2: the embedded broker allows a
// keepalive of 1 s no slack at all).
func TestKeepaliveLoss(t *testing.T) {
	host, port, _ := net.SplitHostPort(connackOnly(t))
	start := time.Now()
	out := agenttest.MustRun(t, `
const m = mqtt.Client("k", 1);
m.on("offline", function () { server.log("offline"); });
m.connect("`+host+`", `+port+`, function () { server.log("connected"); });
`, agenttest.Options{Broker: "script"})
	agenttest.WantAgent(t, out, "connected", "offline")
	if el := time.Since(start); el < 2*time.Second || el > 4500*time.Millisecond {
		t.Fatalf("offline after %s, want 2 to 4.5 s", el)
	}
	if !slices.ContainsFunc(out.Status(), func(s string) bool {
		return strings.HasPrefix(s, `WARNING: mqtt.Client "k": connection to `+host+":"+port+" lost: the broker did not answer the keepalive PINGREQ")
	}) {
		t.Fatalf("status lines %q", out.Status())
	}

	out = agenttest.MustRun(t, `
const m = mqtt.Client("k", 2);
m.on("offline", function () { server.log("offline"); });
m.connect("h", function () { server.log("connected"); });
`, agenttest.Options{For: 7 * time.Second})
	agenttest.WantAgent(t, out, "connected")
}

// TestUnacknowledgedRequestIsDropped: a QoS 1 publish the broker never
// acknowledges keeps virtual time still for NodeMCU's 5 s, then is
// dropped with a [Status] warning and without its callback.
func TestUnacknowledgedRequestIsDropped(t *testing.T) {
	host, port, _ := net.SplitHostPort(connackOnly(t))
	start := time.Now()
	out := agenttest.MustRun(t, `
const m = mqtt.Client("u", 0);
imp.wakeup(1, function () { server.log("wakeup"); m.close(); });
m.connect("`+host+`", `+port+`, function (c) {
	server.log("publish " + c.publish("t", "x", 1, 0, function () { server.log("acknowledged?"); }));
});
`, agenttest.Options{Broker: "script", Virtual: true})
	agenttest.WantAgent(t, out, "publish true", "wakeup")
	if el := time.Since(start); el < 5*time.Second || el > 8*time.Second {
		t.Fatalf("took %s, want about 5 s", el)
	}
	if !slices.Contains(out.Status(), `WARNING: mqtt.Client "u": no PUBACK for message 1 within 5s: dropped; its callback will not be called`) {
		t.Fatalf("status lines %q", out.Status())
	}
}

// TestMessagesOfEachQoS: messages of QoS 0, 1 and 2 come back to
// on("message") as (client, topic, message) strings; an empty one comes
// as null. Publish callbacks come once each is complete for its QoS.
func TestMessagesOfEachQoS(t *testing.T) {
	out := agenttest.MustRun(t, `
const m = mqtt.Client("q", 60);
let got = 0;
m.on("message", function (c, topic, data) {
	server.log("message " + topic + " " + JSON.stringify(data) + " same=" + (c === m));
	if (++got == 4) c.close();
});
m.connect("h", function (c) {
	c.subscribe("m/#", 2, function () {
		let acks = 0;
		for (let q = 0; q <= 2; q++) c.publish("m/" + q, "payload " + q, q, 0, function () { acks++; });
		c.publish("m/empty", "", 1, 0);
	});
});
`, agenttest.Options{})
	got := out.Agent()
	slices.Sort(got)
	agenttest.WantAgent(t, agenttest.Output{Stdout: prefixAll(got)},
		`message m/0 "payload 0" same=true`, `message m/1 "payload 1" same=true`, `message m/2 "payload 2" same=true`,
		`message m/empty null same=true`)
}

func prefixAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "[Agent] " + l
	}
	return out
}

// TestServerQos2IsReleasedWithPubcomp: a QoS 2 message is delivered when
// its PUBLISH arrives and answered PUBREC; the broker's PUBREL is answered
// PUBCOMP.
func TestServerQos2IsReleasedWithPubcomp(t *testing.T) {
	got := make(chan []string, 1)
	addr := rawServer(t, 0, func(c net.Conn) {
		w := mqttwire.NewConn(c, mqttwire.Options{})
		if _, err := w.ReadNow(5 * time.Second); err != nil {
			return
		}
		var seen []string
		send := func(pk packets.Packet) { _ = w.WriteNow(&pk, time.Second) }
		send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connack}})
		send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 2}, TopicName: "q2", PacketID: 9, Payload: []byte("two")})
		for {
			pk, err := w.ReadNow(5 * time.Second)
			if err != nil {
				got <- seen
				return
			}
			seen = append(seen, mqttwire.TypeName(pk.FixedHeader.Type)+" "+string(rune('0'+pk.PacketID)))
			if pk.FixedHeader.Type == packets.Pubrec {
				send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pubrel}, PacketID: 9})
			}
		}
	})
	host, port, _ := net.SplitHostPort(addr)
	out := agenttest.MustRun(t, `
const m = mqtt.Client("q2", 0);
m.on("message", function (c, topic, data) { server.log(topic + " " + data); imp.wakeup(0.5, function () { c.close(); }); });
m.connect("`+host+`", `+port+`);
`, agenttest.Options{Broker: "script"})
	agenttest.WantAgent(t, out, "q2 two")
	if seen := <-got; !slices.Equal(seen, []string{"pubrec 9", "pubcomp 9", "disconnect 0"}) {
		t.Fatalf("the broker got %q", seen)
	}
}
