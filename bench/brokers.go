package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/agenthost/agenthost/broker"
)

// target is a broker every subject of a comparison talks to.
type target struct {
	name  string // "embedded" or "mosquitto"
	desc  string // for the table heading
	addr  string // host:port
	close func()
}

func (t *target) url() string { return "tcp://" + t.addr }

// startEmbedded starts agenthost's embedded broker in the harness process.
func startEmbedded() (*target, error) {
	// Floods of up to 65,000 messages meet subscribers that fall behind;
	// the throughput figures assume none is dropped, so the queues are
	// as deep as they were before embedded.max_queued existed. That costs
	// the harness 1 MiB of heap per connected client: nothing for the
	// flood rows, about 10 GiB while a 10,000-agent fleet row is
	// connected.
	b, err := broker.Start(broker.Options{MaxQueued: 1 << 17})
	if err != nil {
		return nil, err
	}
	return &target{
		name:  "embedded",
		desc:  "embedded broker (mochi-mqtt, in the harness process) on " + b.Addr(),
		addr:  b.Addr(),
		close: func() { b.Close() },
	}, nil
}

// mosquittoPath returns the mosquitto binary, or "" when it is not installed.
func mosquittoPath() string {
	if p, err := exec.LookPath("mosquitto"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// mosquittoConfig is the broker config: loopback on a free port, anonymous,
// nothing persisted, queues deep enough that no benchmark message is
// dropped (max_queued_messages also bounds QoS 0 deliveries in 2.x), and
// no limit on connections (the fleets; it also runs under ulimit -n
// fileLimit).
const mosquittoConfig = `listener %d 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 1000000
max_connections -1
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
connection_messages false
`

// startMosquitto runs mosquitto on a free loopback port and waits for its
// "running" log line.
func startMosquitto(bin, tmp string, timeout time.Duration) (*target, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(mosquittoConfig, port)
	if os.Geteuid() == 0 {
		conf += "user root\n"
	}
	path := filepath.Join(tmp, "mosquitto.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	p, err := startProc("mosquitto", tmp, withFileLimit(bin, "-c", path)...)
	if err != nil {
		return nil, err
	}
	p.stderrOK = true // its log, with e.g. "Mosquitto should not be run as root/administrator."
	if _, err := p.waitFor(`its "running" line`, func(s string) bool {
		return strings.Contains(s, " running")
	}, nil, time.Now().Add(timeout)); err != nil {
		p.stop()
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	return &target{
		name:  "mosquitto",
		desc:  "mosquitto (separate process) on " + addr + ", max_queued_messages 1000000, max_connections -1, open files " + openFileLimit(p.cmd.Process.Pid) + ", other settings default (e.g. max_inflight_messages 20 per client)",
		addr:  addr,
		close: p.stop,
	}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// openFileLimit reads a process's open-file limit (soft) from /proc, or
// "unknown".
func openFileLimit(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return f[0]
			}
		}
	}
	return "unknown"
}
