package broker

import (
	"context"
	"log/slog"
	"sync"
)

// eventLoopHaltedMsg is the debug message mochi's Server.eventLoop logs
// (deferred) as the goroutine returns. mochi offers no other way to learn
// that this goroutine has exited, and Broker.Close promises to wait for it.
const eventLoopHaltedMsg = "system event loop halted"

// mochiLogHandler is the slog.Handler given to mochi. It forwards records
// at Warn and above to the broker's logger and drops the rest (mochi logs
// every connection at Info). Debug records are let through Enabled only
// so that Handle can spot eventLoopHaltedMsg; they are never forwarded.
type mochiLogHandler struct {
	next   slog.Handler
	halted *signal
}

func (h *mochiLogHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level == slog.LevelDebug || (level >= slog.LevelWarn && h.next.Enabled(ctx, level))
}

func (h *mochiLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		if r.Level == slog.LevelDebug && r.Message == eventLoopHaltedMsg {
			h.halted.fire()
		}
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *mochiLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &mochiLogHandler{next: h.next.WithAttrs(attrs), halted: h.halted}
}

func (h *mochiLogHandler) WithGroup(name string) slog.Handler {
	return &mochiLogHandler{next: h.next.WithGroup(name), halted: h.halted}
}

// signal is a channel closed at most once, from any goroutine.
type signal struct {
	once sync.Once
	ch   chan struct{}
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }

func (s *signal) fire() { s.once.Do(func() { close(s.ch) }) }
