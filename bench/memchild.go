package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/host"
	"github.com/agenthost/agenthost/scriptvm"
)

// The CLI runs one agent per process, so the cost of each additional agent
// VM is measured in a child process of the harness (the harness binary
// re-executed with -memchild): K sessions made with host.NewSession, each
// running bench/scripts/idle.js on its own loop goroutine against the shared
// broker, and the growth of the Go heap+stacks (runtime.ReadMemStats after
// GC) and of VmRSS divided by K.

// memResult is what the child prints, as "result JSON".
type memResult struct {
	K              int     `json:"k"`
	HeapPerAgent   float64 `json:"heap_per_agent"`   // bytes: HeapAlloc+StackInuse growth after GC / K
	RSSPerAgent    float64 `json:"rss_per_agent"`    // bytes: VmRSS growth / K
	GoroutinesPerA float64 `json:"goroutines_per_a"` // goroutine growth / K
	BaseRSS        int64   `json:"base_rss"`         // VmRSS before the first session
}

// connectedHandler is the sessions' log handler: it signals each
// "connected" line and passes errors to stderr.
type connectedHandler struct {
	agent     int
	connected chan<- int
}

func (h *connectedHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *connectedHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *connectedHandler) WithGroup(string) slog.Handler            { return h }
func (h *connectedHandler) Handle(_ context.Context, r slog.Record) error {
	switch {
	case r.Level >= slog.LevelError:
		fmt.Fprintf(os.Stderr, "agent %d: %s\n", h.agent, r.Message)
	case r.Message == "connected":
		h.connected <- h.agent
	}
	return nil
}

func liveBytes() (heap uint64, goroutines int) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse, runtime.NumGoroutine()
}

// memChild is the child's main: k agents against brokerURL.
func memChild(brokerURL, script, stateDir string, k int, timeout time.Duration) error {
	src, err := os.ReadFile(script)
	if err != nil {
		return err
	}
	heap0, g0 := liveBytes()
	rss0, err := vmRSS(os.Getpid())
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	connected := make(chan int, k)
	failed := make(chan error, k)
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; i < k; i++ {
		cfg := configparams.Default()
		cfg.Broker = brokerURL
		cfg.StateDir = stateDir
		cfg.ConfigParams = map[string]any{
			"deviceid": fmt.Sprintf("%016x", 0xa000000+i),
			"clientid": "bench-mem-" + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(i),
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
		prg, err := scriptvm.Compile(filepath.Base(script), string(src))
		if err != nil {
			return err
		}
		sess, err := host.NewSession(host.SessionOptions{Config: cfg, Handler: &connectedHandler{agent: i, connected: connected}})
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := sess.Loop.Run(ctx, prg, scriptvm.RunOptions{})
			sess.Close()
			if err != nil && ctx.Err() == nil {
				failed <- err
			}
		}()
	}
	deadline := time.After(timeout)
	for got := 0; got < k; got++ {
		select {
		case <-connected:
		case err := <-failed:
			return err
		case <-deadline:
			return fmt.Errorf("%d of %d agents connected within %s", got, k, timeout)
		}
	}
	heap1, g1 := liveBytes()
	rss1, err := vmRSS(os.Getpid())
	if err != nil {
		return err
	}
	res := memResult{
		K:              k,
		HeapPerAgent:   (float64(heap1) - float64(heap0)) / float64(k),
		RSSPerAgent:    float64(rss1-rss0) / float64(k),
		GoroutinesPerA: float64(g1-g0) / float64(k),
		BaseRSS:        rss0,
	}
	js, _ := json.Marshal(res)
	fmt.Printf("result %s\n", js)
	return nil
}

// perAgent runs one memory child against t and returns its result.
func (h *harness) perAgent(t *target, k int) (memResult, error) {
	self, err := os.Executable()
	if err != nil {
		return memResult{}, err
	}
	p, err := startProc("memory child", h.tmp, self, "-memchild",
		"-memchild-broker", t.url(), "-memchild-k", strconv.Itoa(k),
		"-memchild-script", filepath.Join(h.benchDir, "scripts", "idle.js"),
		"-memchild-state", filepath.Join(h.tmp, "state"),
		"-timeout", h.timeout.String())
	if err != nil {
		return memResult{}, err
	}
	defer p.stop()
	l, err := p.waitFor(`"result"`, func(s string) bool { return strings.HasPrefix(s, "result ") }, nil, time.Now().Add(h.timeout+10*time.Second))
	if err != nil {
		return memResult{}, err
	}
	var res memResult
	if err := json.Unmarshal([]byte(strings.TrimPrefix(l.msg, "result ")), &res); err != nil {
		return memResult{}, fmt.Errorf("memory child: %v in %q", err, l.msg)
	}
	p.wait(10 * time.Second)
	return res, nil
}
