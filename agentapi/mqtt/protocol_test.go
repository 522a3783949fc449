package mqtt_test

import (
	"fmt"
	"slices"
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
		Config: "limits:\n  mqtt_outbound: off\n  log: off\n"})
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
