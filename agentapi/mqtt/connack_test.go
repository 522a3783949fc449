package mqtt_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/agenthost/agenthost/internal/agenttest"
	"github.com/agenthost/agenthost/mqttwire"
)

// connackBroker accepts connections and answers each CONNECT with a
// CONNACK of code rc, then reads until the client closes.
func connackBroker(t *testing.T, rc byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			if _, err := mqttwire.ReadPacket(bufio.NewReader(conn), 4, 0); err == nil {
				conn.Write([]byte{0x20, 0x02, 0x00, rc})
				io.Copy(io.Discard, conn)
			}
			conn.Close()
		}
	}()
	return ln.Addr().String()
}

// TestUnknownConnackCodeIsAFailure: a CONNACK whose return code MQTT 3.1.1
// does not define (6 and up) refuses the connection: onconnect(-1), never
// onconnectionlost, and the client can connect again. (paho 1.5.1 takes
// such a code for success on a connection it has already closed.)
func TestUnknownConnackCodeIsAFailure(t *testing.T) {
	for _, rc := range []byte{6, 0x80} {
		t.Run(fmt.Sprint(rc), func(t *testing.T) {
			addr := connackBroker(t, rc)
			out := agenttest.MustRun(t, `
const c = mqtt.createclient();
let tries = 0;
c.onconnectionlost(function (reason) { server.log("lost " + reason); });
c.onconnect(function (rc) {
	server.log("rc " + rc + " connected=" + c.isconnected());
	if (++tries < 2) c.connect("tcp://`+addr+`", "odd");
});
c.connect("tcp://`+addr+`", "odd");
`, agenttest.Options{Broker: "script"})
			agenttest.WantAgent(t, out, "rc -1 connected=false", "rc -1 connected=false")
		})
	}
}
