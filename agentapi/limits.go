package agentapi

import (
	"fmt"
	"time"

	"github.com/agenthost/agenthost/ratelimit"
	"github.com/agenthost/agenthost/report"
	"github.com/agenthost/agenthost/scriptvm"
)

// Limits configure the platform's rate limits (IMP_API.md, "Rate limits").
// A Spec with Off set disables that limiter.
type Limits struct {
	Log         ratelimit.Spec // server.log / server.error lines
	Outbound    ratelimit.Spec // connect, subscribe, unsubscribe, publish
	Inbound     ratelimit.Spec // messages received
	MessageSize int64          // bytes, inbound and outbound; 0: no limit beyond MQTT's
}

// Limiter names, as in the config file and in reports.
const (
	LimitLog         = "log"
	LimitOutbound    = "mqtt_outbound"
	LimitInbound     = "mqtt_inbound"
	LimitMessageSize = "message_size"
)

// codeBufferFull is the result of a request that found the outbound
// buffer full.
const codeBufferFull = -12

// Reason codes of onconnectionlost for limits.
const (
	lostInboundRate = -2
	lostOversize    = -3
)

// maxMQTTPayload bounds payloads when message_size is off: the largest an
// MQTT packet can carry, less room for the topic.
const maxMQTTPayload = 256*1024*1024 - 64*1024

// limiters applies Limits on the loop goroutine and reports each decision.
type limiters struct {
	a            *API
	cfg          Limits
	log, out, in *ratelimit.Bucket // nil when off

	logDropped int // lines dropped since the last notice

	queue   []func() // outbound requests waiting for a token, oldest first
	release *scriptvm.Timer
}

func newLimiters(a *API, cfg Limits) *limiters {
	now := a.loop.Clock().Now()
	l := &limiters{a: a, cfg: cfg}
	mk := func(s ratelimit.Spec) *ratelimit.Bucket {
		if s.Off {
			return nil
		}
		return ratelimit.NewBucket(s.Rate, s.Burst, now)
	}
	l.log, l.out, l.in = mk(cfg.Log), mk(cfg.Outbound), mk(cfg.Inbound)
	return l
}

func (l *limiters) record(now time.Time, limiter string, outcome report.Outcome, b *ratelimit.Bucket, detail string) {
	if l.a.opts.Record == nil {
		return
	}
	d := report.Decision{Time: now, Limiter: limiter, Outcome: outcome, Detail: detail}
	if b != nil {
		d.Level = b.Level(now)
	}
	if limiter == LimitOutbound {
		d.Queue = len(l.queue)
	}
	l.a.opts.Record(d)
}

// payloadLimit is the largest outbound payload createmessage accepts.
func (l *limiters) payloadLimit() int64 {
	if l.cfg.MessageSize > 0 {
		return l.cfg.MessageSize
	}
	return maxMQTTPayload
}

// logLine prints a script's log line unless the log limiter drops it. The
// first line allowed after drops is preceded by one [Status] notice with
// the number dropped.
func (l *limiters) logLine(text string, isError bool) {
	if l.log != nil {
		now := l.a.loop.Clock().Now()
		if !l.log.Take(now) {
			l.logDropped++
			l.record(now, LimitLog, report.Refused, l.log, "")
			return
		}
		l.record(now, LimitLog, report.Allowed, l.log, "")
		l.flushLogNotice()
	}
	if isError {
		l.a.log.AgentError(text)
	} else {
		l.a.log.Agent(text)
	}
}

// flushLogNotice prints the notice for lines dropped so far, if any.
func (l *limiters) flushLogNotice() {
	if l.logDropped == 0 {
		return
	}
	l.a.log.StatusWarn(fmt.Sprintf("%d log line(s) dropped: more than %s (burst %d)",
		l.logDropped, l.cfg.Log.Text, l.cfg.Log.Burst))
	l.logDropped = 0
}

// outbound passes one MQTT request through the outbound limiter: send runs
// now when a token is there (and nothing waits before it), later when the
// buffer has room, and never when the buffer is full, in which case
// outbound returns -12. Otherwise it returns 0.
func (l *limiters) outbound(kind, subject string, send func()) int {
	if l.out == nil {
		send()
		return codeSuccess
	}
	now := l.a.loop.Clock().Now()
	detail := ""
	if l.a.opts.Record != nil {
		detail = kind + " " + subject
	}
	if len(l.queue) == 0 && l.out.Take(now) {
		l.record(now, LimitOutbound, report.Allowed, l.out, detail)
		send()
		return codeSuccess
	}
	if len(l.queue) >= l.cfg.Outbound.Buffer {
		l.record(now, LimitOutbound, report.Refused, l.out, detail)
		return codeBufferFull
	}
	l.queue = append(l.queue, func() {
		l.record(l.a.loop.Clock().Now(), LimitOutbound, report.Released, l.out, detail)
		send()
	})
	l.record(now, LimitOutbound, report.Queued, l.out, detail)
	l.scheduleRelease(now)
	return codeSuccess
}

// scheduleRelease arms the timer that sends the oldest waiting request
// when its token is there.
func (l *limiters) scheduleRelease(now time.Time) {
	if l.release != nil && l.release.Pending() || len(l.queue) == 0 {
		return
	}
	l.release = l.a.loop.SetTimer(l.out.Wait(now), func() {
		now := l.a.loop.Clock().Now()
		if l.out.Take(now) {
			send := l.queue[0]
			l.queue[0] = nil
			l.queue = l.queue[1:]
			send()
		}
		l.scheduleRelease(now)
	})
}

// inbound checks one received message against the size and rate limits;
// a non-zero result is the onconnectionlost reason to drop the connection
// with.
func (l *limiters) inbound(size int, topic string) int {
	now := l.a.loop.Clock().Now()
	if l.cfg.MessageSize > 0 {
		if int64(size) > l.cfg.MessageSize {
			l.record(now, LimitMessageSize, report.Refused, nil, fmt.Sprintf("%s: %d bytes", topic, size))
			l.a.log.StatusWarn(fmt.Sprintf("inbound message on %s is %d bytes, more than the %d-byte limit: connection dropped (onconnectionlost -3)",
				topic, size, l.cfg.MessageSize))
			return lostOversize
		}
		l.record(now, LimitMessageSize, report.Allowed, nil, "")
	}
	if l.in != nil {
		if !l.in.Take(now) {
			l.record(now, LimitInbound, report.Refused, l.in, topic)
			l.a.log.StatusWarn(fmt.Sprintf("inbound messages exceed %s (burst %d): connection dropped (onconnectionlost -2)",
				l.cfg.Inbound.Text, l.cfg.Inbound.Burst))
			return lostInboundRate
		}
		l.record(now, LimitInbound, report.Allowed, l.in, "")
	}
	return 0
}
