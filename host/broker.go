package host

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/scriptvm"
)

// RunBroker runs the embedded broker alone until ctx is cancelled, printing
// a [Status] line with its addresses. Errors are *exitcode.Error.
func RunBroker(ctx context.Context, cfg *configparams.Config, stdout, stderr io.Writer) error {
	handler := hostlog.NewHandler(stdout, stderr, cfg.LogFormat == "json", nil)
	log := hostlog.NewClocked(handler, scriptvm.RealClock{}.Now)
	b, err := broker.Start(brokerOptions(cfg, slog.New(handler).With(hostlog.SourceKey, hostlog.SourceStatus)))
	if err != nil {
		return hostErr(err, "choose another address with --listen, e.g. --listen 127.0.0.1:1884")
	}
	log.Status("embedded broker listening on " + b.Addr() + tlsNote(b))
	<-ctx.Done()
	err = b.Close()
	log.Status("embedded broker stopped")
	WarnBrokerDrops(log, b, cfg)
	if err != nil {
		return hostErr(err, "")
	}
	return nil
}

// WarnBrokerDrops logs a [Status] warning when the embedded broker b has
// dropped deliveries since it started (Stats.MessagesDropped and
// InflightDropped), naming the counts and embedded.max_queued, the
// setting to raise; nothing otherwise. agenthost broker, run and fleet
// call it as they stop the broker, after its clients are gone. Any
// goroutine may call it.
func WarnBrokerDrops(log *hostlog.Clocked, b *broker.Broker, cfg *configparams.Config) {
	st := b.Stats()
	if st.MessagesDropped > 0 || st.InflightDropped > 0 {
		log.StatusWarn(fmt.Sprintf("the broker dropped messages: %d deliveries to subscribers more than embedded.max_queued (%d) messages behind, %d inflight",
			st.MessagesDropped, cfg.Embedded.MaxQueued, st.InflightDropped))
	}
}
