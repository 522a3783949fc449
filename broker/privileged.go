package broker

import (
	"crypto/rand"
	"crypto/subtle"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// login is a broker's privileged login: a random user name and password
// made by Start, known only to the process (Broker.PrivilegedLogin).
type login struct{ user, password string }

func newLogin() login {
	return login{user: "agenthost-privileged-" + rand.Text(), password: rand.Text()}
}

// loginResult is what a CONNECT's credentials say about the privileged
// login.
type loginResult int

const (
	loginOther   loginResult = iota // another user name, or none
	loginMatches                    // the privileged user name and password
	loginForged                     // the privileged user name with another password
)

func (l login) check(pk packets.Packet) loginResult {
	if !pk.Connect.UsernameFlag || subtle.ConstantTimeCompare(pk.Connect.Username, []byte(l.user)) != 1 {
		return loginOther
	}
	if subtle.ConstantTimeCompare(pk.Connect.Password, []byte(l.password)) == 1 {
		return loginMatches
	}
	return loginForged
}

// holds reports whether cl logged in with the privileged login. Only a
// client presenting the right password gets through OnConnect with the
// privileged user name, so the user name alone tells.
func (l login) holds(cl *mqtt.Client) bool {
	return subtle.ConstantTimeCompare(cl.Properties.Username, []byte(l.user)) == 1
}

// PrivilegedLogin returns the user name and password of the broker's
// privileged login, for an in-process client such as the test runner's
// driver. A client connecting with them is accepted whatever
// Options.Users says, and exempt from faults and limits: RefuseNext
// refusals and the maximum packet size do not apply to it, DropClient("")
// spares it (naming its id drops it), Clients leaves it out, its messages
// are marked Privileged for observers, and while it is connected no other
// client may take over its client id (CONNACK 2, v5 0x85). Its CONNACK
// carries no maximum packet size. The login is random, made by Start; no
// outside client can know it, and a client presenting the user name with
// another password is refused as with bad credentials (4, v5 0x86). Any
// goroutine.
func (b *Broker) PrivilegedLogin() (user, password string) {
	return b.policy.priv.user, b.policy.priv.password
}
