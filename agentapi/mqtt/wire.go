package mqtt

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// wireGuard watches the MQTT packets coming from the broker as they pass
// through the connection, before paho buffers them, and cuts the
// connection when a packet must not be read: a remaining length over the
// message size limit (onconnectionlost -3, decided from the fixed header,
// before the body is read into memory), a badly framed length or a
// reserved packet type (-4), or a CONNACK whose return code MQTT 3.1.1 does
// not define (a failed connect, not a success). paho's reader goroutine
// is the only one that feeds it; fault is read from any goroutine.
type wireGuard struct {
	// maxRemaining is the largest remaining length accepted; 0 means
	// MQTT's own ceiling (a length field can say no more).
	maxRemaining int64

	state  uint8 // what the next byte is
	typ    byte  // packet type of the packet being read
	length int64 // remaining length being decoded, then the body size
	mul    int64
	nLen   int   // length bytes read
	left   int64 // body bytes still to come
	body   [2]byte

	fault  atomic.Int32           // 0, lostOversize or lostBadPacket once cut
	detail atomic.Pointer[string] // why it was cut, for a [Status] line
	size   atomic.Int64           // the announced size of an oversize packet
}

const (
	wantHeader uint8 = iota
	wantLength
	inBody
)

// maxRemainingLength is the largest length the MQTT length field encodes.
const maxRemainingLength = 268435455

// errWireFault is what Read returns once the guard has cut the stream.
var errWireFault = errors.New("the broker's stream was cut by the host (see onconnectionlost)")

// lostOversizeWire is the reason code of a packet over the size limit.
const lostOversizeWire = -3

// feed inspects bytes read from the broker. It returns how many of them
// may be passed on: all of them, or, when the connection must be cut, those
// before the offending packet (so the packets before it, a SUBACK say, are
// still handled); fault and detail then say why.
func (g *wireGuard) feed(p []byte) int {
	start := 0 // where the packet being read began in p
	for i := 0; i < len(p); i++ {
		b := p[i]
		switch g.state {
		case wantHeader:
			start = i
			g.typ = b >> 4
			if g.typ == 0 || g.typ == 15 {
				return start + g.cut(lostBadPacket, fmt.Sprintf("the broker sent a packet of reserved type %d", g.typ))
			}
			g.state, g.length, g.mul, g.nLen = wantLength, 0, 1, 0
		case wantLength:
			g.length += int64(b&0x7f) * g.mul
			g.mul *= 128
			g.nLen++
			if b&0x80 != 0 {
				if g.nLen == 4 {
					return start + g.cut(lostBadPacket, "the broker sent a packet whose length field runs past 4 bytes")
				}
				continue
			}
			if g.maxRemaining > 0 && g.length > g.maxRemaining {
				if g.typ == publishType {
					g.size.Store(g.length)
					return start + g.cut(lostOversizeWire, fmt.Sprintf("the broker announced a PUBLISH of %d bytes, more than limits.message_size allows", g.length))
				}
				return start + g.cut(lostBadPacket, fmt.Sprintf("the broker announced a packet of type %d with %d bytes", g.typ, g.length))
			}
			g.left = g.length
			if g.typ == connackType && g.length != 2 {
				return start + g.cut(lostBadPacket, fmt.Sprintf("the broker sent a CONNACK of %d bytes (MQTT 3.1.1 has 2)", g.length))
			}
			g.state = inBody
			if g.left == 0 {
				g.state = wantHeader
			}
		case inBody:
			if g.typ == connackType {
				g.body[2-g.left] = b
				if g.left == 1 && b > 5 {
					return start + g.cut(lostBadPacket, fmt.Sprintf("the broker answered CONNACK with return code %d, which MQTT 3.1.1 does not define", b))
				}
				g.left--
			} else {
				// Skip the rest of this body in one step.
				n := min(int64(len(p)-i), g.left)
				g.left -= n
				i += int(n) - 1
			}
			if g.left == 0 {
				g.state = wantHeader
			}
		}
	}
	return len(p)
}

// cut records why the stream is cut; it returns 0 (for feed's sum).
func (g *wireGuard) cut(reason int, detail string) int {
	g.detail.Store(&detail)
	g.fault.Store(int32(reason))
	return 0
}

// why returns the reason code and text of a cut, or 0 and "".
func (g *wireGuard) why() (int, string) {
	if g == nil {
		return 0, ""
	}
	r := int(g.fault.Load())
	if r == 0 {
		return 0, ""
	}
	return r, *g.detail.Load()
}

// MQTT packet types the guard looks into.
const (
	connackType = 2
	publishType = 3
)
