package scripttest

import (
	"context"
	"log/slog"
	"sync"

	"github.com/agenthost/agenthost/hostlog"
)

// collector is the slog handler of a test file's agent: it keeps every
// line instead of printing it, for this.logs() and failure reports. Safe
// for concurrent use.
type collector struct {
	mu     sync.Mutex
	lines  []logLine
	mark_  int
	onLine func() // called (any goroutine) after an agent line is added
}

type logLine struct {
	agent bool
	text  string // as the agent wrote it, "ERROR: " before server.error lines
}

func (c *collector) Enabled(context.Context, slog.Level) bool { return true }
func (c *collector) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *collector) WithGroup(string) slog.Handler            { return c }

func (c *collector) Handle(_ context.Context, r slog.Record) error {
	source := hostlog.SourceStatus
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == hostlog.SourceKey {
			source = a.Value.String()
		}
		return true
	})
	text := r.Message
	switch {
	case r.Level >= slog.LevelError:
		text = "ERROR: " + text
	case r.Level >= slog.LevelWarn:
		text = "WARNING: " + text
	}
	c.mu.Lock()
	c.lines = append(c.lines, logLine{agent: source == hostlog.SourceAgent, text: text})
	notify := c.onLine
	c.mu.Unlock()
	if notify != nil && source == hostlog.SourceAgent {
		notify()
	}
	return nil
}

// agentLines returns the agent's lines so far.
func (c *collector) agentLines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, l := range c.lines {
		if l.agent {
			out = append(out, l.text)
		}
	}
	return out
}

// mark remembers where the current test's lines start.
func (c *collector) mark() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mark_ = len(c.lines)
}

// sinceMark returns every line (agent and status) since mark, prefixed
// with its source.
func (c *collector) sinceMark() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, l := range c.lines[c.mark_:] {
		p := "[Status] "
		if l.agent {
			p = "[Agent] "
		}
		out = append(out, p+l.text)
	}
	return out
}
