// Package rawbroker is an MQTT server for tests that answers exactly as a
// test scripts it, packet by packet: a CONNACK with any code, no PINGRESP,
// no PUBACK, a PUBLISH no real broker would send. Packets are encoded and
// decoded with mochi's packets package.
package rawbroker

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/agenthost/agenthost/mqttwire"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Server accepts connections on 127.0.0.1 and runs a handler for each on
// its own goroutine. It closes, and waits for its handlers, when the test
// ends.
type Server struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
}

// Start starts a server whose connections are handled by handle. A handler
// returns when it is done with its connection (the server then closes it)
// or when a read fails because the server is closing.
func Start(t testing.TB, handle func(c *Conn)) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, nc)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer nc.Close()
				handle(&Conn{Conn: nc, r: bufio.NewReader(nc)})
			}()
		}
	}()
	t.Cleanup(s.Close)
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the server's tcp:// URL.
func (s *Server) URL() string { return "tcp://" + s.Addr() }

// Close stops accepting, closes every connection and waits for the
// handlers. Idempotent.
func (s *Server) Close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Conn is one client connection.
type Conn struct {
	net.Conn
	r *bufio.Reader
}

// ReadPacket reads and decodes the client's next packet (MQTT 3.1.1).
func (c *Conn) ReadPacket() (packets.Packet, error) {
	var pk packets.Packet
	hb, err := c.r.ReadByte()
	if err != nil {
		return pk, err
	}
	if err := pk.FixedHeader.Decode(hb); err != nil {
		return pk, err
	}
	n, _, err := packets.DecodeLength(c.r)
	if err != nil {
		return pk, err
	}
	pk.FixedHeader.Remaining = n
	body := make([]byte, n)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return pk, err
	}
	pk.ProtocolVersion = 4
	switch pk.FixedHeader.Type {
	case packets.Connect:
		err = pk.ConnectDecode(body)
	case packets.Publish:
		err = pk.PublishDecode(body)
	case packets.Subscribe:
		err = pk.SubscribeDecode(body)
	case packets.Unsubscribe:
		err = pk.UnsubscribeDecode(body)
	case packets.Puback:
		err = pk.PubackDecode(body)
	case packets.Pubrec:
		err = pk.PubrecDecode(body)
	case packets.Pubrel:
		err = pk.PubrelDecode(body)
	case packets.Pubcomp:
		err = pk.PubcompDecode(body)
	case packets.Pingreq, packets.Disconnect:
	default:
		err = fmt.Errorf("rawbroker: unexpected packet type %d from a client", pk.FixedHeader.Type)
	}
	return pk, err
}

// Expect reads packets until one of type typ arrives and returns it;
// PINGREQs on the way are answered unless answerPings is false.
func (c *Conn) Expect(typ byte, answerPings bool) (packets.Packet, error) {
	for {
		pk, err := c.ReadPacket()
		if err != nil {
			return pk, err
		}
		if pk.FixedHeader.Type == typ {
			return pk, nil
		}
		if pk.FixedHeader.Type == packets.Pingreq && answerPings {
			if err := c.Send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pingresp}}); err != nil {
				return pk, err
			}
		}
	}
}

// Accept reads the client's CONNECT and answers CONNACK code (0 accepts).
func (c *Conn) Accept(code byte) (packets.Packet, error) {
	pk, err := c.ReadPacket()
	if err != nil {
		return pk, err
	}
	if pk.FixedHeader.Type != packets.Connect {
		return pk, errors.New("rawbroker: the first packet is not a CONNECT")
	}
	return pk, c.Send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connack}, ReasonCode: code, ProtocolVersion: 4})
}

// Send encodes pk (MQTT 3.1.1, with mqttwire.Encode: what a conforming
// broker would send) and writes it.
func (c *Conn) Send(pk packets.Packet) error {
	pk.ProtocolVersion = 4
	b, err := mqttwire.Encode(&pk)
	if err != nil {
		return fmt.Errorf("rawbroker: %w", err)
	}
	_, err = c.Write(b)
	return err
}
