package host

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/configparams"
)

func TestSaveFileStaysInTheStateDirectory(t *testing.T) {
	for _, id := range []string{"30000c2a690cd0e8", "../../etc/passwd", "a/b", "..", "x\x00y", `c:\windows`} {
		name := saveFileName(id)
		if strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") || filepath.Base(name) != name {
			t.Errorf("device id %q gives file name %q", id, name)
		}
	}
	if got := saveFileName("30000c2a690cd0e8"); got != "save-30000c2a690cd0e8.json" {
		t.Errorf("ordinary id: %q", got)
	}
}

// TestBrokerOptionsCarryMaxQueued: embedded.max_queued reaches the broker,
// and the config's default and maximum are the broker's (configparams
// does not import broker), so the documented 8192 is what runs.
func TestBrokerOptionsCarryMaxQueued(t *testing.T) {
	if configparams.DefaultMaxQueued != broker.DefaultMaxQueued || configparams.MaxQueuedLimit != broker.MaxQueuedLimit {
		t.Errorf("configparams default %d, limit %d; broker default %d, limit %d",
			configparams.DefaultMaxQueued, configparams.MaxQueuedLimit, broker.DefaultMaxQueued, broker.MaxQueuedLimit)
	}
	cfg := configparams.Default()
	if err := cfg.Set("embedded.max_queued", "64", "test"); err != nil {
		t.Fatal(err)
	}
	if got := brokerOptions(cfg, nil).MaxQueued; got != 64 {
		t.Errorf("broker options MaxQueued %d, want 64", got)
	}
}

// TestBrokerOptionsCarryWriteTimeout: embedded.write_timeout reaches the
// broker, and the config's default is the broker's.
func TestBrokerOptionsCarryWriteTimeout(t *testing.T) {
	if configparams.DefaultWriteTimeout != broker.DefaultWriteTimeout {
		t.Errorf("configparams default %v, broker default %v", configparams.DefaultWriteTimeout, broker.DefaultWriteTimeout)
	}
	cfg := configparams.Default()
	if err := cfg.Set("embedded.write_timeout", "750ms", "test"); err != nil {
		t.Fatal(err)
	}
	if got := brokerOptions(cfg, nil).WriteTimeout; got != 750*time.Millisecond {
		t.Errorf("broker.Options.WriteTimeout = %v, want 750ms", got)
	}
}
