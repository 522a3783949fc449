package broker

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/agenthost/agenthost/mqtttopic"
)

// errBadCredentials is returned from the OnConnect hook after the CONNACK
// refusing an MQTT 3.x client has been written; mochi then closes the
// connection.
var errBadCredentials = errors.New("embedded broker: client refused: bad user name or password")

// connackBadUserNameOrPassword is the MQTT 3.1 / 3.1.1 CONNACK return code 4.
const connackBadUserNameOrPassword = 0x04

// errPrivilegedID is returned from the OnConnect hook after refusing a
// CONNECT that would take over the session of the privileged client.
var errPrivilegedID = errors.New("embedded broker: client refused: its client id belongs to the privileged client")

// connackIdentifierRejected is the MQTT 3.1 / 3.1.1 CONNACK return code 2.
const connackIdentifierRejected = 0x02

// errRefusedByFault is returned from the OnConnect hook after the CONNACK
// of a connection refused by Broker.RefuseNext has been written.
var errRefusedByFault = errors.New("embedded broker: client refused by RefuseNext")

// v5ConnackCodes maps the MQTT 3.x CONNACK return codes 1..5 to the MQTT 5
// reason codes with the same meaning.
var v5ConnackCodes = [...]byte{1: 0x84, 2: 0x85, 3: 0x88, 4: 0x86, 5: 0x87}

// policyHook implements Options.Users and Options.DenySubscribe as a mochi
// hook, plus the run-time faults of Broker.RefuseNext and
// Broker.DenySubscribe, the privileged login (privileged.go) and MQTT's
// rule that wildcards at the first level of a filter do not match topics
// starting with '$' for retained messages. mochi may call it from any
// connection goroutine concurrently.
type policyHook struct {
	mqtt.HookBase
	users map[string]string // nil or empty: everybody may connect; read-only
	priv  login             // the privileged login; read-only
	// connected returns the connected client with this id, if any.
	connected func(id string) (*mqtt.Client, bool)

	deny   atomic.Pointer[[]string] // validated topic filters; the slice is never modified, only replaced
	denyMu sync.Mutex               // serialises replacements of deny

	refuseMu sync.Mutex
	refuse   []byte // CONNACK return codes for the next CONNECTs, oldest first

	subMu sync.Mutex
	// subscribing holds, per client, the filters of the SUBSCRIBE mochi is
	// checking (between OnSubscribe and OnSubscribed).
	subscribing map[*mqtt.Client][]string
}

func newPolicyHook(users map[string]string, deny []string, priv login, connected func(string) (*mqtt.Client, bool)) *policyHook {
	h := &policyHook{users: users, priv: priv, connected: connected, subscribing: map[*mqtt.Client][]string{}}
	d := append([]string(nil), deny...)
	h.deny.Store(&d)
	return h
}

// addDeny adds a validated filter to the deny list.
func (h *policyHook) addDeny(filter string) {
	h.denyMu.Lock()
	defer h.denyMu.Unlock()
	old := *h.deny.Load()
	for _, d := range old {
		if d == filter {
			return
		}
	}
	d := append(append(make([]string, 0, len(old)+1), old...), filter)
	h.deny.Store(&d)
}

// queueRefusal makes a later CONNECT be refused with the MQTT 3.x return
// code code (1..5).
func (h *policyHook) queueRefusal(code byte) {
	h.refuseMu.Lock()
	defer h.refuseMu.Unlock()
	h.refuse = append(h.refuse, code)
}

// nextRefusal dequeues the oldest queued refusal code, if any.
func (h *policyHook) nextRefusal() (byte, bool) {
	h.refuseMu.Lock()
	defer h.refuseMu.Unlock()
	if len(h.refuse) == 0 {
		return 0, false
	}
	code := h.refuse[0]
	h.refuse = h.refuse[1:]
	return code, true
}

func (h *policyHook) ID() string { return "agenthost-policy" }

func (h *policyHook) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnConnect, mqtt.OnConnectAuthenticate, mqtt.OnACLCheck,
		mqtt.OnSubscribe, mqtt.OnSubscribed}, []byte{b})
}

// OnConnect decides on a CONNECT, in this order:
//
//   - the privileged login (Broker.PrivilegedLogin) is accepted; its user
//     name with any other password is refused as bad credentials;
//   - a refusal queued by Broker.RefuseNext is applied whatever the
//     credentials (v5 clients get the equivalent reason code);
//   - a client id held by a connected privileged client is refused with
//     "identifier rejected" (2, v5 0x85), so that nobody can take over the
//     privileged client's session;
//   - MQTT 3.x clients with bad credentials are refused here with return
//     code 4 "bad user name or password": mochi's own refusal path
//     (OnConnectAuthenticate returning false) maps the v5 code 0x86 to the
//     v3 code 5 "not authorized". MQTT 5 clients are left to
//     OnConnectAuthenticate, whose refusal (0x86) is right for v5.
//
// Returning an error from OnConnect makes mochi drop the connection
// without sending anything, so refusals write their CONNACK first.
func (h *policyHook) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	v5 := cl.Properties.ProtocolVersion >= 5
	if gc, ok := cl.Net.Conn.(*guardedConn); ok {
		gc.identify(cl.ID, cl.Properties.ProtocolVersion)
	}
	switch h.priv.check(pk) {
	case loginMatches:
		if gc, ok := cl.Net.Conn.(*guardedConn); ok {
			gc.exempt()
		}
		return nil
	case loginForged:
		return refuse(cl, connackBadUserNameOrPassword, errBadCredentials)
	}
	if code, ok := h.nextRefusal(); ok {
		return refuse(cl, code, fmt.Errorf("%w (CONNACK code %#x)", errRefusedByFault, code))
	}
	if other, ok := h.connected(cl.ID); ok && h.priv.holds(other) {
		return refuse(cl, connackIdentifierRejected, errPrivilegedID)
	}
	if v5 || h.authenticate(pk) {
		return nil
	}
	return refuse(cl, connackBadUserNameOrPassword, errBadCredentials)
}

// refuse writes a CONNACK with the MQTT 3.x return code code (the
// equivalent reason code for MQTT 5 clients) and returns err.
func refuse(cl *mqtt.Client, code byte, err error) error {
	if cl.Properties.ProtocolVersion >= 5 {
		code = v5ConnackCodes[code]
	}
	writeConnack(cl, code)
	return err
}

// writeConnack sends a refusing CONNACK. Nothing is queued for the client
// yet, so WritePacket writes to the socket synchronously, before mochi
// closes it.
func writeConnack(cl *mqtt.Client, code byte) {
	_ = cl.WritePacket(packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Connack},
		ReasonCode:  code,
	})
}

func (h *policyHook) OnConnectAuthenticate(_ *mqtt.Client, pk packets.Packet) bool {
	return h.priv.check(pk) == loginMatches || h.authenticate(pk)
}

// OnACLCheck allows every publish (reserved topics are protocolHook's).
// mochi calls it with write=false both for each filter of a SUBSCRIBE (a
// refusal becomes SUBACK code 0x80 for v3 clients, 0x87 for v5) and for
// each message about to be delivered to a subscriber (a refusal silently
// skips that delivery). Reads of topics covered by a deny filter are
// refused. A message on a topic starting with '$' is delivered only to a
// client holding a filter that matches it by MQTT's rules: mochi sends
// retained '$' topics to filters starting with a wildcard ("#", "+/x").
// Live messages are already routed by those rules (protocolHook fixes
// shared subscriptions), so the check refuses nothing else; a client
// that holds "$foo/#" may, though, get a retained "$foo/x" again when it
// subscribes to "#".
func (h *policyHook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	if write {
		return true
	}
	if h.denied(topic) {
		return false
	}
	if !strings.HasPrefix(topic, "$") || h.subscribingTo(cl, topic) {
		return true
	}
	for f := range cl.State.Subscriptions.GetAll() {
		if mqtttopic.Match(stripShare(f), topic) {
			return true
		}
	}
	return false
}

// OnSubscribe notes the filters of a SUBSCRIBE, for which mochi is about
// to call OnACLCheck. It runs on the client's goroutine, as does the
// matching OnSubscribed.
func (h *policyHook) OnSubscribe(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	filters := make([]string, len(pk.Filters))
	for i, f := range pk.Filters {
		filters[i] = f.Filter
	}
	h.subMu.Lock()
	defer h.subMu.Unlock()
	h.subscribing[cl] = filters
	return pk
}

// OnSubscribed forgets what OnSubscribe noted; mochi calls it after
// checking the filters and before sending retained messages.
func (h *policyHook) OnSubscribed(cl *mqtt.Client, _ packets.Packet, _ []byte) {
	h.subMu.Lock()
	defer h.subMu.Unlock()
	delete(h.subscribing, cl)
}

// subscribingTo reports whether filter is in the SUBSCRIBE of cl being
// checked.
func (h *policyHook) subscribingTo(cl *mqtt.Client, filter string) bool {
	h.subMu.Lock()
	defer h.subMu.Unlock()
	return slices.Contains(h.subscribing[cl], filter)
}

func (h *policyHook) authenticate(pk packets.Packet) bool {
	if len(h.users) == 0 {
		return true
	}
	if !pk.Connect.UsernameFlag {
		return false
	}
	want, ok := h.users[string(pk.Connect.Username)]
	if !ok {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), pk.Connect.Password) == 1
}

func (h *policyHook) denied(filter string) bool {
	for _, d := range *h.deny.Load() {
		if filterCovers(d, filter) {
			return true
		}
	}
	return false
}

// validFilter reports whether f is a valid MQTT topic filter for
// DenySubscribe. It is stricter than mochi's IsValidFilter, which lets a
// wildcard share a level with other characters ("a/b#", "a+/b").
func validFilter(f string) bool {
	if !mqtt.IsValidFilter(f, false) {
		return false
	}
	for _, level := range strings.Split(f, "/") {
		if len(level) > 1 && strings.ContainsAny(level, "+#") {
			return false
		}
	}
	return true
}

// filterCovers reports whether every topic matched by filter f is also
// matched by filter d (both valid MQTT topic filters; a plain topic name is
// a filter too). A shared-subscription prefix "$share/<group>/" on f is
// ignored. As in MQTT matching, a wildcard in the first level of d does not
// cover topics beginning with '$'.
func filterCovers(d, f string) bool {
	f = stripShare(f)
	dl := strings.Split(d, "/")
	fl := strings.Split(f, "/")
	if (dl[0] == "#" || dl[0] == "+") && strings.HasPrefix(fl[0], "$") {
		return false
	}
	for i, dv := range dl {
		if dv == "#" {
			return true // also covers the parent level itself ("a/#" covers "a")
		}
		if i >= len(fl) {
			return false
		}
		switch fv := fl[i]; {
		case dv == "+":
			if fv == "#" {
				return false // f spans several levels here, d only one
			}
		case fv != dv:
			return false // includes fv being a wildcard where d is literal
		}
	}
	return len(fl) == len(dl)
}

// stripShare returns f without a "$share/<group>/" prefix (the first
// level compared in any case, as mochi does).
func stripShare(f string) string {
	if !isShared(f) {
		return f
	}
	_, rest, _ := strings.Cut(f, "/")
	if _, filter, ok := strings.Cut(rest, "/"); ok {
		return filter
	}
	return f
}
