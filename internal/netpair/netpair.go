// Package netpair gives tests both ends of a real loopback TCP
// connection.
package netpair

import (
	"net"
	"testing"
)

// TCP returns the dialling and the accepting end of a loopback TCP
// connection; both are closed when the test ends. Test goroutine.
func TCP(t testing.TB) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("netpair: the listener accepted nothing")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}
