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
	test   string                  // the test running since mark, "" for none
	onLine func()                  // called (any goroutine) after an agent line is added
	out    func(test, line string) // when set, gets every line as sinceMark shows it, in order (under the lock)
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
	l := logLine{agent: source == hostlog.SourceAgent, text: text}
	c.mu.Lock()
	c.lines = append(c.lines, l)
	if c.out != nil {
		c.out(c.test, l.String())
	}
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

// mark remembers where the lines of the test named test ("" for setUp
// or tearDown) start.
func (c *collector) mark(test string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mark_ = len(c.lines)
	c.test = test
}

// String is the line with its source: "[Agent] text", "[Status] text".
func (l logLine) String() string {
	if l.agent {
		return "[Agent] " + l.text
	}
	return "[Status] " + l.text
}

// sinceMark returns every line (agent and status) since mark, prefixed
// with its source.
func (c *collector) sinceMark() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, l := range c.lines[c.mark_:] {
		out = append(out, l.String())
	}
	return out
}
