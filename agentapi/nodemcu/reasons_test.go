package nodemcu_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
	"github.com/agenthost/agenthost/mqttwire"
)

// rawServer listens on 127.0.0.1 with a receive buffer of rcvbuf bytes (0:
// the system's) and runs handle on each connection; it returns host:port.
func rawServer(t *testing.T, rcvbuf int, handle func(net.Conn)) string {
	t.Helper()
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		if rcvbuf == 0 {
			return nil
		}
		return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf) })
	}}
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			go handle(c)
		}
	}()
	return ln.Addr().String()
}

// readConnect reads the client's CONNECT.
func readConnect(c net.Conn) bool {
	_, err := mqttwire.ReadPacket(bufio.NewReader(c), 4, 0)
	return err == nil
}

// failScript connects a NodeMCU client to addr and logs the outcome.
func failScript(addr, client string) string {
	host, port, _ := net.SplitHostPort(addr)
	return `
const m = ` + client + `;
m.on("offline", function () { server.log("offline"); });
m.connect("` + host + `", ` + port + `, 0, 0,
	function (c) { server.log("connected"); c.close(); },
	function (c, reason) { server.log("failed " + reason + " same=" + (c === m)); });
`
}

// TestEachFailureReasonForReal produces each of NodeMCU's connection
// failure reasons with a server that does what the reason names.
func TestEachFailureReasonForReal(t *testing.T) {
	// Taking the address of a listener and closing it leaves a port nothing
	// listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()
	answer := func(b ...byte) string {
		return rawServer(t, 0, func(c net.Conn) {
			if readConnect(c) {
				c.Write(b)
				io.Copy(io.Discard, c)
			}
		})
	}
	cases := []struct {
		name, addr, client string
		want               string
		atLeast            time.Duration
		slow               bool
	}{
		{"server not found", closedAddr, `mqtt.Client("a", 60)`, "failed -5 same=true", 0, false},
		{"dns", "no-such-host.invalid:1883", `mqtt.Client("a", 60)`, "failed -3 same=true", 0, false},
		{"not a connack", answer(0x90, 0x03, 0x00, 0x01, 0x00), `mqtt.Client("a", 60)`, "failed -4 same=true", 0, false},
		{"http", answer([]byte("HTTP/1.0 403 Forbidden\r\n\r\n")...), `mqtt.Client("a", 60)`, "failed -4 same=true", 0, false},
		{"closed before connack", rawServer(t, 0, func(c net.Conn) { readConnect(c); c.Close() }), `mqtt.Client("a", 60)`, "failed -4 same=true", 0, false},
		{"no connack", rawServer(t, 0, func(c net.Conn) { io.Copy(io.Discard, c) }), `mqtt.Client("a", 60)`, "failed -2 same=true", 5 * time.Second, true},
		// A CONNECT of about 256 KiB to a server that reads nothing.
		{"cannot send", rawServer(t, 4096, func(c net.Conn) {}),
			`mqtt.Client("x".repeat(65535), 60, "u".repeat(65535), "p".repeat(65535)); m.lwt("w/" + "t".repeat(65000), "m".repeat(65535))`,
			"failed -1 same=true", 5 * time.Second, true},
		{"accepted", answer(0x20, 0x02, 0x00, 0x00), `mqtt.Client("a", 60)`, "connected", 0, false},
	}
	for code := 1; code <= 7; code++ {
		if code == 6 {
			continue
		}
		cases = append(cases, struct {
			name, addr, client string
			want               string
			atLeast            time.Duration
			slow               bool
		}{fmt.Sprintf("connack %d", code), answer(0x20, 0x02, 0x00, byte(code)), `mqtt.Client("a", 60)`, fmt.Sprintf("failed %d same=true", code), 0, false})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow {
				t.Parallel()
			}
			script := failScript(tc.addr, tc.client)
			if strings.Contains(tc.client, "m.lwt") {
				parts := strings.SplitN(tc.client, "; ", 2)
				script = strings.Replace(failScript(tc.addr, parts[0]), "\nm.on(", "\n"+parts[1]+";\nm.on(", 1)
			}
			start := time.Now()
			out := agenttest.MustRun(t, script, agenttest.Options{Broker: "script"})
			agenttest.WantAgent(t, out, tc.want)
			if el := time.Since(start); el < tc.atLeast || tc.atLeast > 0 && el > tc.atLeast+3*time.Second {
				t.Fatalf("took %s, want %s to %s", el, tc.atLeast, tc.atLeast+3*time.Second)
			}
		})
	}
}
