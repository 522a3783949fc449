package broker

import (
	"io"
	"log/slog"
	"net"
	"testing"
	"time"
)

// BenchmarkWrite measures what the write timeout costs a write of a small
// packet (64 bytes, the size of a small PUBLISH) over loopback TCP to a
// reader that keeps up: plain is the socket alone, guarded is
// guardedConn.Write (which moves the deadline at most every tenth of the
// timeout), every-write sets the deadline before each write.
func BenchmarkWrite(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	pk := make([]byte, 64)
	run := func(b *testing.B, write func(c net.Conn) func([]byte) (int, error)) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		w := write(c)
		b.SetBytes(int64(len(pk)))
		b.ResetTimer()
		for b.Loop() {
			if _, err := w(pk); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("plain", func(b *testing.B) {
		run(b, func(c net.Conn) func([]byte) (int, error) { return c.Write })
	})
	b.Run("guarded", func(b *testing.B) {
		run(b, func(c net.Conn) func([]byte) (int, error) {
			return newGuardedConn(c, c, DefaultMaxPacketSize, DefaultWriteTimeout, slog.New(slog.DiscardHandler)).Write
		})
	})
	b.Run("every-write", func(b *testing.B) {
		run(b, func(c net.Conn) func([]byte) (int, error) {
			return func(p []byte) (int, error) {
				if err := c.SetWriteDeadline(time.Now().Add(DefaultWriteTimeout)); err != nil {
					return 0, err
				}
				return c.Write(p)
			}
		})
	})
}
