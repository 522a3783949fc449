package nodemcu

import (
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/agenthost/agenthost/agentapi/mqtt"
	"github.com/agenthost/agenthost/mqttwire"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/mochi-mqtt/server/v2/packets"
)

// reasonNames name the failure reasons in [Status] lines.
var reasonNames = map[int]string{
	FailServerNotFound: "CONN_FAIL_SERVER_NOT_FOUND", FailNotAConnack: "CONN_FAIL_NOT_A_CONNACK_MSG",
	FailDNS: "CONN_FAIL_DNS", FailTimeoutReceive: "CONN_FAIL_TIMEOUT_RECEIVING", FailTimeoutSend: "CONN_FAIL_TIMEOUT_SENDING",
	RefusedProtocolVer: "CONNACK_REFUSED_PROTOCOL_VER", RefusedIDRejected: "CONNACK_REFUSED_ID_REJECTED",
	RefusedUnavailable: "CONNACK_REFUSED_SERVER_UNAVAILABLE", RefusedBadUserPass: "CONNACK_REFUSED_BAD_USER_OR_PASS",
	RefusedNotAuthorize: "CONNACK_REFUSED_NOT_AUTHORIZED",
}

func reasonName(r int) string {
	if n, ok := reasonNames[r]; ok {
		return fmt.Sprintf("%s, %d", n, r)
	}
	return fmt.Sprintf("CONNACK code %d", r)
}

// outcome is the result of one connection attempt.
type outcome struct {
	wire   *mqttwire.Conn // set when the broker accepted
	reason int            // the failure reason otherwise
	detail string         // what happened, for the [Status] line
}

// startAttempt makes one connection attempt for the current generation,
// once the outbound limiter lets the CONNECT go. Loop only.
func (c *client) startAttempt() {
	env := c.m.env
	gen := c.gen + 1
	c.gen = gen
	c.state = stateConnecting
	code := env.Limits.Outbound("connect", c.addr(), func() {
		if gen == c.gen && c.state == stateConnecting {
			c.dial(gen)
		}
	})
	if code != 0 {
		env.Log.StatusWarn(fmt.Sprintf("%s: connect %s refused: the outbound rate limit buffer is full (failure %s)",
			c.name(), c.addr(), reasonName(FailTimeoutSend)))
		env.Loop.SetTimer(0, func() { c.attemptDone(gen, outcome{reason: FailTimeoutSend}) })
	}
}

// connectPacket is the CONNECT of this client's settings.
func (c *client) connectPacket() packets.Packet {
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, ProtocolVersion: 4}
	p := &pk.Connect
	p.ProtocolName = []byte("MQTT")
	p.ClientIdentifier, p.Keepalive, p.Clean = c.id, c.keepalive, c.clean
	p.UsernameFlag, p.Username = c.hasUser, c.username
	p.PasswordFlag, p.Password = c.hasPass, c.password
	if w := c.will; w != nil {
		p.WillFlag, p.WillTopic, p.WillPayload, p.WillQos, p.WillRetain = true, w.WillTopic, w.WillPayload, w.WillQos, w.WillRetain
	}
	return pk
}

// dial resolves where the broker is and starts the handshake. Loop only.
func (c *client) dial(gen int) {
	env := c.m.env
	scheme := "tcp"
	if c.secure {
		scheme = "ssl"
	}
	u := &url.URL{Scheme: scheme, Host: c.addr()}
	target, err := c.m.opts.Resolve(u)
	if err != nil {
		env.Log.StatusError(fmt.Sprintf("%s: connect %s: %v", c.name(), u, err))
		env.Loop.SetTimer(0, func() { c.attemptDone(gen, outcome{reason: FailServerNotFound}) })
		return
	}
	if target.Note != "" {
		env.Log.Status(target.Note)
	}
	pk := c.connectPacket()
	op := env.Loop.Begin(scriptvm.Busy)
	m := c.m
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		res := m.handshake(target, &pk, c.inboundLimit())
		if !op.Complete(func() { c.attemptDone(gen, res) }) && res.wire != nil {
			res.wire.Close() // the loop has stopped
		}
	}()
}

// inboundLimit bounds an inbound packet: a PUBLISH over message_size is
// refused after its topic is read, not buffered whole.
func (c *client) inboundLimit() int {
	if n := c.m.env.Limits.MessageSize(); n > 0 {
		return int(n) + 2 + 65535 + 2
	}
	return 0
}

// handshake connects to target, writes the CONNECT and reads the answer,
// each step bounded as NodeMCU bounds it. Its own goroutine.
func (m *Module) handshake(target mqtt.Target, pk *packets.Packet, limit int) outcome {
	nc, err := mqttwire.Dial(m.ctx, target.URL, mqttwire.DialOptions{TLS: target.TLS, Timeout: m.opts.ConnectTimeout, SendBuffer: deviceSendBuffer})
	if err != nil {
		if mqttwire.IsDNS(err) {
			return outcome{reason: FailDNS, detail: err.Error()}
		}
		return outcome{reason: FailServerNotFound, detail: err.Error()}
	}
	if !m.track(nc) {
		return outcome{reason: FailServerNotFound, detail: "the agent is stopping"}
	}
	defer m.untrack(nc)
	w := mqttwire.NewConn(nc, mqttwire.Options{Limit: limit, SendTimeout: m.opts.Timeout})
	if err := w.WriteNow(pk, m.opts.Timeout); err != nil {
		w.Close()
		detail := "sending the CONNECT: " + err.Error()
		if mqttwire.IsTimeout(err) {
			detail = fmt.Sprintf("the CONNECT could not be sent within %s", m.opts.Timeout)
		}
		return outcome{reason: FailTimeoutSend, detail: detail}
	}
	ack, err := w.ReadNow(m.opts.Timeout)
	switch {
	case err != nil && mqttwire.IsTimeout(err):
		w.Close()
		return outcome{reason: FailTimeoutReceive, detail: fmt.Sprintf("no CONNACK within %s", m.opts.Timeout)}
	case err != nil:
		w.Close()
		var me *mqttwire.MalformedError
		var tl *mqttwire.TooLargeError
		switch {
		case errors.As(err, &me) || errors.As(err, &tl):
			return outcome{reason: FailNotAConnack, detail: "the answer was not a CONNACK: " + err.Error()}
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return outcome{reason: FailNotAConnack, detail: "the broker closed the connection instead of answering with a CONNACK"}
		}
		// The socket broke (reset...): NodeMCU's network stack reports
		// that as it reports an unreachable server.
		return outcome{reason: FailServerNotFound, detail: "waiting for the CONNACK: " + err.Error()}
	case ack.FixedHeader.Type != packets.Connack:
		w.Close()
		return outcome{reason: FailNotAConnack, detail: "the answer was a " + mqttwire.TypeName(ack.FixedHeader.Type) + ", not a CONNACK"}
	case ack.ReasonCode != 0:
		w.Close()
		return outcome{reason: int(ack.ReasonCode), detail: "refused"}
	}
	return outcome{wire: w}
}

// attemptDone takes an attempt's outcome. Loop only.
func (c *client) attemptDone(gen int, res outcome) {
	env := c.m.env
	if gen != c.gen || c.state != stateConnecting {
		if res.wire != nil {
			res.wire.Close() // close() was called meanwhile
		}
		return
	}
	if res.wire == nil {
		if res.detail != "" {
			env.Log.Status(fmt.Sprintf("%s: connect %s failed: %s (%s)", c.name(), c.addr(), res.detail, reasonName(res.reason)))
		}
		if c.auto && c.connectedOnce {
			c.retryLater()
			return
		}
		c.idle()
		c.call(c.onFail, env.Runtime.ToValue(res.reason))
		return
	}
	c.state = stateConnected
	c.connectedOnce = true
	c.sess = c.startSession(res.wire)
	env.Events.Opened() // session.end reports it closed
	c.call(c.onConnect)
}

// retryLater schedules the next automatic reconnection. Loop only.
func (c *client) retryLater() {
	env := c.m.env
	c.state = stateRetrying
	c.sess = nil
	delay := c.m.opts.ReconnectDelay
	env.Log.Status(fmt.Sprintf("%s: autoreconnect: connecting to %s again in %s", c.name(), c.addr(), delay))
	c.retry = env.Loop.SetTimer(delay, func() {
		if c.state == stateRetrying {
			c.startAttempt()
		}
	})
}
