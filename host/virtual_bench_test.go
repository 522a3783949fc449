package host_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/agenttest"
)

// BenchmarkVirtualDay runs the periodic-publisher example (a QoS 1 publish
// and a log line every 10 s) for 24 virtual hours on the embedded broker.
// It reports the wall time of one simulated day (ns/op) and the speed-up
// over real time (virtual-s/wall-s). Run it with
//
//	go test -run '^$' -bench VirtualDay -benchtime 5x ./host/
func BenchmarkVirtualDay(b *testing.B) {
	src, err := os.ReadFile("../examples/periodic/periodic.js")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < b.N; i++ {
		out := agenttest.Run(b, string(src), agenttest.Options{Virtual: true, For: 24 * time.Hour, Timeout: 5 * time.Minute})
		if out.Err != nil {
			b.Fatal(out.Err)
		}
		sent := 0
		for _, l := range out.Agent() {
			if strings.HasPrefix(l, "sent ") {
				sent++
			}
		}
		if sent != 8640 {
			b.Fatalf("%d sends, want 8640", sent)
		}
	}
	wall := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(86400/wall, "virtual-s/wall-s")
}
