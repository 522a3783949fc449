package fleet

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/agenthost/agenthost/hostlog"
)

// console shares the terminal between log lines and the live summary
// line. On a terminal the summary is the last line, redrawn in place;
// every log line written through out or errOut first clears it and then
// draws it again below. Safe for concurrent use.
type console struct {
	mu       sync.Mutex
	stdout   io.Writer
	stderr   io.Writer
	terminal bool
	status   string // the summary line shown (terminal only); "" none
}

// clearSeq returns the cursor to the start of the line and clears it.
const clearSeq = "\r\x1b[K"

// lineWriter is one of the console's streams.
type lineWriter struct {
	c *console
	w io.Writer
}

// Write writes p (whole lines) around the summary line.
func (lw lineWriter) Write(p []byte) (int, error) {
	c := lw.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.terminal && c.status != "" {
		io.WriteString(c.stdout, clearSeq)
		n, err := lw.w.Write(p)
		io.WriteString(c.stdout, c.status)
		return n, err
	}
	return lw.w.Write(p)
}

func (c *console) out() io.Writer    { return lineWriter{c, c.stdout} }
func (c *console) errOut() io.Writer { return lineWriter{c, c.stderr} }

// setStatus shows line as the live summary: redrawn in place on a
// terminal; elsewhere nothing (the caller logs periodic lines instead).
func (c *console) setStatus(line string) {
	if !c.terminal {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status = line
	io.WriteString(c.stdout, clearSeq+line)
}

// endStatus removes the summary line from the terminal.
func (c *console) endStatus() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.terminal && c.status != "" {
		io.WriteString(c.stdout, clearSeq)
	}
	c.status = ""
}

// agentHandler is the log handler of one agent: it counts the agent's
// errors (error records, not counting the indented lines that continue
// one) and passes its records on, marked with its fleet index
// ("[Agent 17]" in text, "agent": 17 in JSON), or drops them when next is
// nil.
type agentHandler struct {
	next  slog.Handler // nil: lines are counted, not written
	a     *agent
	text  bool
	attrs []slog.Attr
}

func (h *agentHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError || h.next != nil && h.next.Enabled(ctx, l)
}

func (h *agentHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &h2
}

func (h *agentHandler) WithGroup(string) slog.Handler { return h }

func (h *agentHandler) Handle(ctx context.Context, r slog.Record) error {
	// An uncaught error is logged as its message and then indented
	// lines (source, caret, stack frames): it counts once.
	if r.Level >= slog.LevelError && !strings.HasPrefix(r.Message, "  ") {
		h.a.errors.Add(1)
	}
	if h.next == nil {
		return nil
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, 0)
	source := hostlog.SourceStatus
	keep := func(a slog.Attr) bool {
		if a.Key == hostlog.SourceKey {
			source = a.Value.String()
		} else {
			out.AddAttrs(a)
		}
		return true
	}
	for _, a := range h.attrs {
		keep(a)
	}
	r.Attrs(keep)
	if h.text {
		source += " " + strconv.Itoa(h.a.index)
	} else {
		out.AddAttrs(slog.Int("agent", h.a.index))
	}
	out.AddAttrs(slog.String(hostlog.SourceKey, source))
	return h.next.Handle(ctx, out)
}
