package broker

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// errBadCredentials is returned from the OnConnect hook after the CONNACK
// refusing an MQTT 3.x client has been written; mochi then closes the
// connection.
var errBadCredentials = errors.New("embedded broker: client refused: bad user name or password")

// connackBadUserNameOrPassword is the MQTT 3.1 / 3.1.1 CONNACK return code 4.
const connackBadUserNameOrPassword = 0x04

// errRefusedByFault is returned from the OnConnect hook after the CONNACK
// of a connection refused by Broker.RefuseNext has been written.
var errRefusedByFault = errors.New("embedded broker: client refused by RefuseNext")

// v5ConnackCodes maps the MQTT 3.x CONNACK return codes 1..5 to the MQTT 5
// reason codes with the same meaning.
var v5ConnackCodes = [...]byte{1: 0x84, 2: 0x85, 3: 0x88, 4: 0x86, 5: 0x87}

// policyHook implements Options.Users and Options.DenySubscribe as a mochi
// hook, plus the run-time faults of Broker.RefuseNext and
// Broker.DenySubscribe. mochi may call it from any connection goroutine
// concurrently.
type policyHook struct {
	mqtt.HookBase
	users map[string]string // nil or empty: everybody may connect; read-only

	deny   atomic.Pointer[[]string] // validated topic filters; the slice is never modified, only replaced
	denyMu sync.Mutex               // serialises replacements of deny

	refuseMu sync.Mutex
	refuse   []byte // CONNACK return codes for the next CONNECTs, oldest first
}

func newPolicyHook(users map[string]string, deny []string) *policyHook {
	h := &policyHook{users: users}
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
	return bytes.Contains([]byte{mqtt.OnConnect, mqtt.OnConnectAuthenticate, mqtt.OnACLCheck}, []byte{b})
}

// OnConnect refuses MQTT 3.x clients with bad credentials itself. mochi's
// own refusal path (OnConnectAuthenticate returning false) maps the v5 code
// 0x86 to the v3 code 5 "not authorized"; MQTT 3.1.1 wants 4 "bad user name
// or password" here. Returning an error from OnConnect makes mochi drop the
// connection without sending anything, so the CONNACK is written first.
// MQTT 5 clients are left to OnConnectAuthenticate, whose refusal (0x86)
// is already right for v5.
//
// A refusal queued by Broker.RefuseNext comes first: it is applied to the
// next CONNECT whatever its credentials (v5 clients get the equivalent
// reason code).
func (h *policyHook) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	if code, ok := h.nextRefusal(); ok {
		if cl.Properties.ProtocolVersion >= 5 {
			code = v5ConnackCodes[code]
		}
		writeConnack(cl, code)
		return fmt.Errorf("%w (CONNACK code %#x)", errRefusedByFault, code)
	}
	if cl.Properties.ProtocolVersion >= 5 || h.authenticate(pk) {
		return nil
	}
	writeConnack(cl, connackBadUserNameOrPassword)
	return errBadCredentials
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
	return h.authenticate(pk)
}

// OnACLCheck allows every publish. For reads it refuses topics covered by
// a deny filter. mochi calls it with write=false both for each filter of a
// SUBSCRIBE (a refusal becomes SUBACK code 0x80 for v3 clients, 0x87 for
// v5) and for each message about to be delivered to a subscriber (a
// refusal silently skips that delivery).
func (h *policyHook) OnACLCheck(_ *mqtt.Client, topic string, write bool) bool {
	return write || !h.denied(topic)
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

func stripShare(f string) string {
	const prefix = "$share/"
	if !strings.HasPrefix(f, prefix) {
		return f
	}
	rest := f[len(prefix):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i+1:]
	}
	return f
}
