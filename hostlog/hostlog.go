// Package hostlog writes the log lines an agent run shows: the script's own
// server.log / server.error lines ("[Agent]") and the host's notices
// ("[Status]"), in the imp's text format or as JSON, as a log/slog handler.
//
// One record is one line: in text, newlines and control characters in a
// message are escaped (JSON keeps the string as it is, escaped by JSON).
// Text lines look like
//
//	2026-11-23 18:14:00.123 +00:00 [Agent] text
//	2026-11-23 18:14:00.123 +00:00 [Agent] ERROR: text
//
// Records at level Error or above go to the error writer (stderr), the rest
// to the output writer (stdout). The handler is safe for concurrent use.
package hostlog

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Sources of log lines, stored in the "source" attribute of each record.
const (
	SourceAgent  = "Agent"
	SourceStatus = "Status"
	SourceDevice = "Device" // the simulated device's server.log lines
)

// SourceKey is the attribute key naming a record's source.
const SourceKey = "source"

// TimeLayout is the timestamp of every log record, in text and in JSON:
// local time to the millisecond with its UTC offset, as the imp's log
// shows it.
const TimeLayout = "2006-01-02 15:04:05.000 -07:00"

// Handler is a slog.Handler that prints imp-style lines.
type Handler struct {
	out, errOut io.Writer
	json        bool
	level       slog.Leveler
	mu          *sync.Mutex
	attrs       []slog.Attr
}

// NewHandler returns a handler writing text (or JSON when json is true).
// level filters records below it; nil means Info.
func NewHandler(out, errOut io.Writer, json bool, level slog.Leveler) *Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &Handler{out: out, errOut: errOut, json: json, level: level, mu: new(sync.Mutex)}
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &h2
}

// WithGroup implements slog.Handler; groups are flattened.
func (h *Handler) WithGroup(string) slog.Handler { return h }

// Handle implements slog.Handler.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	source := SourceStatus
	var extra []slog.Attr
	collect := func(a slog.Attr) bool {
		if a.Key == SourceKey {
			source = a.Value.String()
		} else {
			extra = append(extra, a)
		}
		return true
	}
	for _, a := range h.attrs {
		collect(a)
	}
	r.Attrs(collect)

	w := h.out
	if r.Level >= slog.LevelError {
		w = h.errOut
	}
	var line []byte
	if h.json {
		line = h.jsonLine(r, source, extra)
	} else {
		line = textLine(r, source, extra)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := w.Write(line)
	return err
}

func textLine(r slog.Record, source string, extra []slog.Attr) []byte {
	var b strings.Builder
	b.WriteString(r.Time.Format(TimeLayout))
	b.WriteString(" [")
	b.WriteString(source)
	b.WriteString("] ")
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString("ERROR: ")
	case r.Level >= slog.LevelWarn:
		b.WriteString("WARNING: ")
	}
	writeEscaped(&b, r.Message)
	for _, a := range extra {
		b.WriteByte(' ')
		b.WriteString(a.Key)
		b.WriteByte('=')
		writeEscaped(&b, a.Value.String())
	}
	b.WriteByte('\n')
	return []byte(b.String())
}

// writeEscaped writes s for a text log line: one record is one line, and
// nothing in it can drive the terminal. Newlines, tabs and other control
// characters (ANSI escapes included) are written as Go escapes (\n, \t,
// \x1b, \u0085); everything else, UTF-8 included, as it is. Bytes that are
// not UTF-8 are written as \xNN.
func writeEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0, r == 0x2028, r == 0x2029:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
}

func (h *Handler) jsonLine(r slog.Record, source string, extra []slog.Attr) []byte {
	m := map[string]any{
		"time":   r.Time.Format(TimeLayout),
		"source": source,
		"level":  r.Level.String(),
		"msg":    r.Message,
	}
	for _, a := range extra {
		m[a.Key] = a.Value.Any()
	}
	b, err := json.Marshal(m)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"time": r.Time.Format(TimeLayout), "source": source,
			"level": r.Level.String(), "msg": r.Message})
	}
	return append(b, '\n')
}

// Clocked writes records stamped with a clock's time (real or virtual)
// rather than the wall clock slog would use. Safe for concurrent use.
type Clocked struct {
	h   slog.Handler
	now func() time.Time
}

// NewClocked returns a Clocked writing to h with times from now.
func NewClocked(h slog.Handler, now func() time.Time) *Clocked {
	return &Clocked{h: h, now: now}
}

// Handler returns the underlying handler (for slog.New).
func (c *Clocked) Handler() slog.Handler { return c.h }

// Log writes one record from source at level.
func (c *Clocked) Log(source string, level slog.Level, msg string) {
	if !c.h.Enabled(context.Background(), level) {
		return
	}
	r := slog.NewRecord(c.now(), level, msg, 0)
	r.AddAttrs(slog.String(SourceKey, source))
	_ = c.h.Handle(context.Background(), r)
}

// Agent writes a script's server.log line.
func (c *Clocked) Agent(msg string) { c.Log(SourceAgent, slog.LevelInfo, msg) }

// AgentError writes a script's server.error line (or an uncaught exception).
func (c *Clocked) AgentError(msg string) { c.Log(SourceAgent, slog.LevelError, msg) }

// Status writes a host notice.
func (c *Clocked) Status(msg string) { c.Log(SourceStatus, slog.LevelInfo, msg) }

// StatusWarn writes a host warning (to stdout, marked WARNING:).
func (c *Clocked) StatusWarn(msg string) { c.Log(SourceStatus, slog.LevelWarn, msg) }

// StatusError writes a host error (to stderr).
func (c *Clocked) StatusError(msg string) { c.Log(SourceStatus, slog.LevelError, msg) }
