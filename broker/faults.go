package broker

import (
	"fmt"
	"net"
	"slices"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Fault injection, for tests of MQTT clients against the embedded broker.

// dropWaitLimit bounds how long DropClient waits for mochi to finish with
// a dropped connection. mochi needs no more than a few milliseconds once
// the socket is closed; the limit only guards against a mochi change.
const dropWaitLimit = 5 * time.Second

// RefuseNext makes the next CONNECT (from any client, whatever its
// credentials) be answered with CONNACK return code code, 1..5 as in
// MQTT 3.1.1 (MQTT 5 clients get the reason code of the same meaning:
// 0x84, 0x85, 0x88, 0x86 or 0x87), after which the connection is closed.
// Later CONNECTs are unaffected. Calls queue: RefuseNext(5) then
// RefuseNext(3) refuses the next two CONNECTs, with 5 then 3. Connections
// that mochi rejects before authentication (a malformed CONNECT, say) do
// not use up a queued refusal. It returns an error, queueing nothing, for
// a code outside 1..5.
func (b *Broker) RefuseNext(code byte) error {
	if code < 1 || code > 5 {
		return fmt.Errorf("embedded broker: RefuseNext: CONNACK return code %d outside 1..5", code)
	}
	b.policy.queueRefusal(code)
	return nil
}

// DenySubscribe adds a deny filter at run time, with the semantics of
// Options.DenySubscribe: later SUBSCRIBEs to filters it covers get SUBACK
// code 0x80 (0x87 for MQTT 5), and from now on messages on topics it
// covers are no longer delivered, not even through subscriptions made
// before the call. Adding a filter twice is harmless. It returns an error
// for an invalid filter.
func (b *Broker) DenySubscribe(filter string) error {
	if !validFilter(filter) {
		return fmt.Errorf("embedded broker: invalid DenySubscribe filter %q", filter)
	}
	b.policy.addDeny(filter)
	return nil
}

// DropClient abruptly closes the network connection of the connected
// client with this id: the broker sends no DISCONNECT (nor a TLS
// close_notify), and treats the loss like a network failure, so the
// client's will message is published. An id of "" drops every connected
// client except the privileged one (see PrivilegedLogin), which is
// dropped when named explicitly. DropClient returns, with the number of
// clients dropped, once the broker is done with them: their wills have
// been published and Clients no longer lists them.
func (b *Broker) DropClient(id string) int {
	var waits []<-chan struct{}
	for _, cl := range b.connected() {
		if id == "" && b.policy.priv.holds(cl) || id != "" && cl.ID != id {
			continue
		}
		if done := b.dropConn(cl.Net.Conn); done != nil {
			waits = append(waits, done)
		}
	}
	if len(waits) == 0 {
		return 0
	}
	t := time.NewTimer(dropWaitLimit)
	defer t.Stop()
	for _, done := range waits {
		select {
		case <-done:
		case <-t.C:
			b.log.Warn("embedded broker: dropped connection still open", "client", id, "waited", dropWaitLimit)
			return len(waits)
		}
	}
	return len(waits)
}

// dropConn closes the socket under conn, a connection handed to mochi by
// one of the current listeners, and returns a channel closed when mochi is
// done with it; nil if no listener knows conn.
func (b *Broker) dropConn(conn net.Conn) <-chan struct{} {
	tcpL, tlsL := b.listeners()
	if done := tcpL.drop(conn); done != nil {
		return done
	}
	if tlsL != nil {
		return tlsL.drop(conn)
	}
	return nil
}

// Clients returns the ids of the connected clients (CONNACK sent, not yet
// gone), sorted, leaving out the privileged client.
func (b *Broker) Clients() []string {
	var ids []string
	for _, cl := range b.connected() {
		if !b.policy.priv.holds(cl) {
			ids = append(ids, cl.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// Subscriptions returns the topic filters, as subscribed (including any
// "$share/<group>/" prefix), that the connected client with this id holds,
// sorted; an empty, non-nil slice for a client without subscriptions and
// nil if no client with this id is connected. Refused filters are not
// held.
func (b *Broker) Subscriptions(id string) []string {
	cl, ok := b.srv.Clients.Get(id)
	if !ok || !isConnected(cl) {
		return nil
	}
	subs := cl.State.Subscriptions.GetAll()
	filters := make([]string, 0, len(subs))
	for f := range subs {
		filters = append(filters, f)
	}
	slices.Sort(filters)
	return filters
}

// connected returns mochi's connected network clients. mochi also keeps
// disconnected clients with persistent sessions; they are left out.
func (b *Broker) connected() []*mqtt.Client {
	var cls []*mqtt.Client
	for _, cl := range b.srv.Clients.GetAll() {
		if isConnected(cl) {
			cls = append(cls, cl)
		}
	}
	return cls
}

func isConnected(cl *mqtt.Client) bool {
	return !cl.Net.Inline && cl.Net.Conn != nil && !cl.Closed()
}

// connectedClient returns the connected network client with this id.
func (b *Broker) connectedClient(id string) (*mqtt.Client, bool) {
	cl, ok := b.srv.Clients.Get(id)
	return cl, ok && isConnected(cl)
}

// Stop closes the listeners and every client connection, as Close does
// (MQTT 5 clients get DISCONNECT "server shutting down", MQTT 3.x clients
// none; wills are published), and waits for their goroutines, but keeps
// the broker so that
// Restart can reopen the listeners on the same addresses. While stopped,
// connection attempts are refused by the operating system. Sessions of
// clients that connected without clean session, retained messages,
// RefuseNext and DenySubscribe settings and Stats are kept. Stop on a
// stopped or closed broker does nothing. The error is currently always
// nil.
func (b *Broker) Stop() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state != running {
		return nil
	}
	b.state = stopped
	b.closeListeners()
	b.log.Debug("embedded broker: stopped", "addr", b.Addr())
	return nil
}

// closeListeners closes the listeners and ends their clients (see
// trackedListener.Close), and unregisters them from mochi. b.mu held.
func (b *Broker) closeListeners() {
	tcpL, tlsL := b.listeners()
	for _, l := range []*trackedListener{tcpL, tlsL} {
		if l == nil {
			continue
		}
		// trackedListener.Close returns once every connection of the
		// listener has ended.
		b.srv.Listeners.Close(l.ID(), b.disconnectListenerClients)
		b.srv.Listeners.Delete(l.ID())
	}
}

// disconnectListenerClients is the listeners.CloseFn used by Stop and
// Close; it does what mochi's own (unexported) one does for Server.Close,
// without that one's nested read lock: mochi v2.7.9's
// Clients.GetByListener read-locks the client map twice, and a client
// leaving in between (waiting for the write lock) deadlocks it for good
// (mochi-mqtt/server issue 488).
func (b *Broker) disconnectListenerClients(listener string) {
	for _, cl := range b.srv.Clients.GetAll() {
		if cl.Net.Listener == listener && !cl.Closed() {
			_ = b.srv.DisconnectClient(cl, packets.ErrServerShuttingDown)
		}
	}
}

// Restart reopens the listeners on the addresses they had (Addr and
// TLSAddr) after Stop. It does nothing on a running broker and fails on a
// closed one. If an address cannot be bound, for example because another
// program took the port meanwhile, the error names it (as Start's errors
// do; errors.Is works on the cause), nothing is bound and the broker stays
// stopped, so Restart may be tried again.
func (b *Broker) Restart() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case running:
		return nil
	case closed:
		return fmt.Errorf("embedded broker: restart %s: broker is closed", b.Addr())
	}
	tcpL, tlsL, err := b.openListeners(b.addr, b.tlsAddr)
	if err != nil {
		return err
	}
	if err := b.addListeners(tcpL, tlsL); err != nil {
		closeRaw(tcpL, tlsL)
		return fmt.Errorf("embedded broker: restart: %w", err)
	}
	b.lnMu.Lock()
	b.tcp, b.tls = tcpL, tlsL
	b.lnMu.Unlock()
	b.srv.Listeners.Serve(tcpL.ID(), b.srv.EstablishConnection)
	if tlsL != nil {
		b.srv.Listeners.Serve(tlsL.ID(), b.srv.EstablishConnection)
	}
	b.state = running
	b.log.Debug("embedded broker: restarted", "addr", b.Addr(), "tls_addr", b.TLSAddr())
	return nil
}
