package agentapi

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/agenthost/agenthost/hostlog"
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
	HTTP        ratelimit.Spec // outbound HTTP requests (http.get/post/put/httpdelete/request)
}

// Limiter names, as in the config file and in reports.
const (
	LimitLog         = "log"
	LimitOutbound    = "mqtt_outbound"
	LimitInbound     = "mqtt_inbound"
	LimitMessageSize = "message_size"
	LimitHTTP        = "http"
)

// CodeHTTPRateLimited is the statuscode of an outbound HTTP request the
// HTTP limiter refused: the imp's 429 (Too Many Requests), delivered to
// the request's callback without anything being sent.
const CodeHTTPRateLimited = 429

// CodeBufferFull is the result of a request that found the outbound
// buffer full.
const CodeBufferFull = -12

// Reason codes of onconnectionlost for limits.
const (
	LostInboundRate = -2 // more inbound messages than the inbound limit allows
	LostOversize    = -3 // an inbound message larger than the message size limit
)

// MaxMQTTPayload bounds payloads when message_size is off: the largest an
// MQTT packet can carry, less room for the topic.
const MaxMQTTPayload = 256*1024*1024 - 64*1024

// Limiters apply the session's Limits and report each decision. Every
// module that sends, receives or logs goes through them, so one agent has
// one budget whatever dialect it uses. Loop only.
type Limiters struct {
	loop    *scriptvm.Loop
	log     *hostlog.Clocked
	record  func(report.Decision)
	cfg     Limits
	out, in *ratelimit.Bucket // nil when off
	http    *ratelimit.Bucket // nil when off

	logs map[string]*logGate // by log source: the agent's, the device's

	queue   []func() // outbound requests waiting for a token, oldest first
	release *scriptvm.Timer
}

func newLimiters(loop *scriptvm.Loop, log *hostlog.Clocked, cfg Limits, record func(report.Decision)) *Limiters {
	now := loop.Clock().Now()
	l := &Limiters{loop: loop, log: log, cfg: cfg, record: record}
	mk := func(s ratelimit.Spec) *ratelimit.Bucket {
		if s.Off {
			return nil
		}
		return ratelimit.NewBucket(s.Rate, s.Burst, now)
	}
	l.out, l.in = mk(cfg.Outbound), mk(cfg.Inbound)
	l.logs = map[string]*logGate{}
	for _, source := range []string{hostlog.SourceAgent, hostlog.SourceDevice} {
		l.logs[source] = &logGate{source: source, bucket: mk(cfg.Log)}
	}
	if cfg.HTTP.Rate > 0 { // a zero Spec (Limits{} in tests) is off too
		l.http = mk(cfg.HTTP)
	}
	return l
}

func (l *Limiters) decide(now time.Time, limiter string, outcome report.Outcome, b *ratelimit.Bucket, detail string) {
	if l.record == nil {
		return
	}
	d := report.Decision{Time: now, Limiter: limiter, Outcome: outcome, Detail: detail}
	if b != nil {
		d.Level = b.Level(now)
	}
	if limiter == LimitOutbound {
		d.Queue = len(l.queue)
	}
	l.record(d)
}

// PayloadLimit is the largest outbound payload a message may carry.
func (l *Limiters) PayloadLimit() int64 {
	if l.cfg.MessageSize > 0 {
		return l.cfg.MessageSize
	}
	return MaxMQTTPayload
}

// MessageSize is the configured message size limit in bytes; 0 when off.
func (l *Limiters) MessageSize() int64 { return l.cfg.MessageSize }

// logGate is the log limit of one source of script lines.
type logGate struct {
	source     string
	bucket     *ratelimit.Bucket // nil when off
	dropped    int               // entries dropped since the last notice
	lastNotice time.Time
}

// noticeEvery is the least time between two notices of dropped log lines
// of one source, so that under a sustained flood the notice does not come
// before every line that gets through.
const noticeEvery = time.Minute

// LogLine prints a script's server.log / server.error line, unless the
// log limit drops it.
func (l *Limiters) LogLine(text string, isError bool) {
	level := slog.LevelInfo
	if isError {
		level = slog.LevelError
	}
	l.LogEntry(hostlog.SourceAgent, level, text)
}

// LogEntry prints one log entry of source (hostlog.SourceAgent or
// SourceDevice) — a line, or an error with its stack lines — unless the log
// limit drops it: one entry takes one token, so an error storm is limited
// like a log storm. Drops are counted and told in a [Status] notice before
// the next entry that gets through, at most once a minute (host clock),
// and when the run ends.
func (l *Limiters) LogEntry(source string, level slog.Level, lines ...string) {
	g := l.logs[source]
	if g == nil {
		panic("agentapi: LogEntry from unknown source " + source)
	}
	if g.bucket != nil {
		now := l.loop.Clock().Now()
		if !g.bucket.Take(now) {
			g.dropped++
			if source == hostlog.SourceAgent {
				l.decide(now, LimitLog, report.Refused, g.bucket, "")
			}
			return
		}
		if source == hostlog.SourceAgent {
			l.decide(now, LimitLog, report.Allowed, g.bucket, "")
		}
		if g.dropped > 0 && (g.lastNotice.IsZero() || now.Sub(g.lastNotice) >= noticeEvery) {
			l.notice(g)
			g.lastNotice = now
		}
	}
	for _, line := range lines {
		l.log.Log(source, level, line)
	}
}

// notice tells how many entries of g were dropped since the last notice.
func (l *Limiters) notice(g *logGate) {
	what := "log line(s)"
	if g.source == hostlog.SourceDevice {
		what = "device log line(s)"
	}
	l.log.StatusWarn(fmt.Sprintf("%d %s dropped: more than %s (burst %d)", g.dropped, what, l.cfg.Log.Text, l.cfg.Log.Burst))
	g.dropped = 0
}

// flushLogNotice tells the drops not told yet (at the end of a run).
func (l *Limiters) flushLogNotice() {
	for _, source := range []string{hostlog.SourceAgent, hostlog.SourceDevice} {
		if g := l.logs[source]; g.dropped > 0 {
			l.notice(g)
		}
	}
}

// OutboundNow admits one MQTT request at once when the outbound limiter
// lets it go now (the limiter is off, or nothing waits before it and a
// token is there), recording it as Outbound would, and reports whether it
// did: the caller then sends it itself, without the closure Outbound
// takes. When it returns false nothing was taken or recorded; pass the
// request to Outbound, which queues or refuses it. Loop only.
func (l *Limiters) OutboundNow(kind, subject string) bool {
	if l.out == nil {
		return true
	}
	if len(l.queue) != 0 {
		return false
	}
	now := l.loop.Clock().Now()
	if !l.out.Take(now) {
		return false
	}
	detail := ""
	if l.record != nil {
		detail = kind + " " + subject
	}
	l.decide(now, LimitOutbound, report.Allowed, l.out, detail)
	return true
}

// Outbound passes one MQTT request through the outbound limiter: send runs
// now when a token is there (and nothing waits before it), later when the
// buffer has room, and never when the buffer is full, in which case
// Outbound returns -12 (CodeBufferFull). Otherwise it returns 0.
func (l *Limiters) Outbound(kind, subject string, send func()) int {
	if l.OutboundNow(kind, subject) {
		send()
		return 0
	}
	now := l.loop.Clock().Now()
	detail := ""
	if l.record != nil {
		detail = kind + " " + subject
	}
	if len(l.queue) >= l.cfg.Outbound.Buffer {
		l.decide(now, LimitOutbound, report.Refused, l.out, detail)
		return CodeBufferFull
	}
	l.queue = append(l.queue, func() {
		l.decide(l.loop.Clock().Now(), LimitOutbound, report.Released, l.out, detail)
		send()
	})
	l.decide(now, LimitOutbound, report.Queued, l.out, detail)
	l.scheduleRelease(now)
	return 0
}

// scheduleRelease arms the timer that sends the oldest waiting request
// when its token is there.
func (l *Limiters) scheduleRelease(now time.Time) {
	if l.release != nil && l.release.Pending() || len(l.queue) == 0 {
		return
	}
	l.release = l.loop.SetTimer(l.out.Wait(now), func() {
		now := l.loop.Clock().Now()
		if l.out.Take(now) {
			send := l.queue[0]
			l.queue[0] = nil
			l.queue = l.queue[1:]
			send()
		}
		l.scheduleRelease(now)
	})
}

// RefuseOversize records an inbound message refused for its size before
// it was read (the connection was cut at its header).
func (l *Limiters) RefuseOversize(size int64) {
	l.decide(l.loop.Clock().Now(), LimitMessageSize, report.Refused, nil, fmt.Sprintf("a PUBLISH of %d bytes", size))
}

// Inbound checks one received message against the size and rate limits;
// a non-zero result is the onconnectionlost reason (LostOversize,
// LostInboundRate) to drop the connection with.
func (l *Limiters) Inbound(size int, topic string) int {
	now := l.loop.Clock().Now()
	if l.cfg.MessageSize > 0 {
		if int64(size) > l.cfg.MessageSize {
			l.decide(now, LimitMessageSize, report.Refused, nil, fmt.Sprintf("%s: %d bytes", topic, size))
			l.log.StatusWarn(fmt.Sprintf("inbound message on %s is %d bytes, more than the %d-byte limit: connection dropped (onconnectionlost -3)",
				topic, size, l.cfg.MessageSize))
			return LostOversize
		}
		l.decide(now, LimitMessageSize, report.Allowed, nil, "")
	}
	if l.in != nil {
		if !l.in.Take(now) {
			l.decide(now, LimitInbound, report.Refused, l.in, topic)
			l.log.StatusWarn(fmt.Sprintf("inbound messages exceed %s (burst %d): connection dropped (onconnectionlost -2)",
				l.cfg.Inbound.Text, l.cfg.Inbound.Burst))
			return LostInboundRate
		}
		l.decide(now, LimitInbound, report.Allowed, l.in, "")
	}
	return 0
}

// HTTPRequest spends one credit of the HTTP limiter on an outbound request
// (detail, e.g. "GET https://example.com/x", goes into the report) and
// reports whether the request may go; when it may not, the caller fails it
// with CodeHTTPRateLimited. Requests are never queued: as on the imp, the
// script sees the refusal and decides when to retry.
func (l *Limiters) HTTPRequest(detail string) bool {
	if l.http == nil {
		return true
	}
	now := l.loop.Clock().Now()
	if !l.http.Take(now) {
		l.decide(now, LimitHTTP, report.Refused, l.http, detail)
		return false
	}
	l.decide(now, LimitHTTP, report.Allowed, l.http, detail)
	return true
}

// HTTPSpec is the HTTP limiter's settings, for messages.
func (l *Limiters) HTTPSpec() ratelimit.Spec { return l.cfg.HTTP }
