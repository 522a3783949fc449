package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/agenthost/agenthost/fleet"
	paho "github.com/eclipse/paho.mqtt.golang"
)

// fleetAgent subscribes to its own topic, publishes three messages at
// QoS 1 and logs "ready" once all three are acknowledged; it logs every
// message it receives.
const fleetAgent = `
const P = imp.configparams;
const c = mqtt.createclient();
let sent = 0;
c.onmessage(function (m) { server.log("got " + m.message); });
c.onconnect(function (rc) {
	if (rc != 0) { server.error("connect rc " + rc); return; }
	c.subscribe("fleet/in/" + P.deviceid, 1, function (rc, q) {
		if (rc != 0 || q != 1) { server.error("subscribe " + rc + " " + q); return; }
		for (let i = 0; i < 3; i++) {
			c.createmessage("fleet/out/" + P.deviceid, "m" + i, {qos: 1}).sendasync(function (rc) {
				if (rc != 0) server.error("publish rc " + rc);
				if (++sent == 3) server.log("ready");
			});
		}
	});
});
c.connect("tcp://unused.invalid:1883", "fleet-" + P.deviceid, {username: P.user, password: P.pass});
`

// countLines waits until n of p's stdout lines (so far, consumed or not)
// match re.
func countLines(p *proc, re *regexp.Regexp, n int) {
	p.t.Helper()
	timeout := time.After(waitLimit)
	for {
		c := 0
		for _, l := range p.output() {
			if re.MatchString(l) {
				c++
			}
		}
		if c >= n {
			return
		}
		select {
		case _, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("agenthost exited with %d of %d lines matching %s; stderr %q", c, n, re, p.stderr())
			}
		case <-timeout:
			p.t.Fatalf("%d of %d lines matching %s within %s; stderr %q", c, n, re, waitLimit, p.stderr())
		}
	}
}

// fleetReport is the part of the JSON report the tests read.
type fleetReport struct {
	Fleet struct {
		Agents int
		Shard  string
		Reason string
	}
	Totals struct {
		Agents, Started, Failed int
		Connected               int `json:"connected_at_end"`
		Connects, Lost, Errors  int64
		In                      int64 `json:"messages_in"`
		Out                     int64 `json:"messages_out"`
	}
	Agents []struct {
		Index          int
		DeviceID       string
		Connects, Lost int64
		In             int64 `json:"messages_in"`
		Out            int64 `json:"messages_out"`
		Refused        int64
		Errors         int64
		ConnectedAtEnd bool `json:"connected_at_end"`
		End            string
	}
}

// runShardedFleet runs a fleet of 200 agents as two processes (shards
// 0/2 and 1/2) against the broker at url and checks, agent by agent, that
// every one connected, published its three messages, received the two
// sent to it, and is counted exactly so in its shard's report.
func runShardedFleet(t *testing.T, url string) {
	const n, shards = 200, 2
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agent.js"), fleetAgent)
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), fmt.Sprintf("configparams: {user: %q, pass: %q}\n", mqUser, mqPass))
	creds := func(o *paho.ClientOptions) { o.SetUsername(mqUser).SetPassword(mqPass) }

	var mu sync.Mutex
	published := map[string]int{}
	watch := connectPaho(t, url, "fleet-watch", creds)
	tok := watch.Subscribe("fleet/out/#", 1, func(_ paho.Client, m paho.Message) {
		mu.Lock()
		published[strings.TrimPrefix(m.Topic(), "fleet/out/")]++
		mu.Unlock()
	})
	if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}

	procs := make([]*proc, shards)
	for i := range procs {
		procs[i] = startBin(t, dir, "fleet", "agent.js", "--agents", fmt.Sprint(n), "--shard", fmt.Sprintf("%d/%d", i, shards),
			"--broker", url, "--name", "e2e", "--ramp", "400/s", "--status-every", "off", "--report", fmt.Sprintf("r%d.json", i))
	}
	ready := regexp.MustCompile(`^\[Agent \d+\] ready$`)
	for i, p := range procs {
		p.waitExact(fmt.Sprintf("[Fleet] fleet \"e2e\": %d agents of agent.js (shard %d/%d of a fleet of %d), ramp 400/s, broker %s",
			n/shards, i, shards, n, url))
		countLines(p, regexp.MustCompile(fmt.Sprintf(`^\[Fleet\] all %d agents connected, \d+ms after the start$`, n/shards)), 1)
		countLines(p, ready, n/shards)
	}
	// Every agent's three publishes were acknowledged, so the broker has
	// forwarded them to the watcher (it is subscribed at QoS 1).
	pub := connectPaho(t, url, "fleet-pub", creds)
	for k := 0; k < n; k++ {
		for i := 0; i < 2; i++ {
			tok := pub.Publish("fleet/in/"+fleet.DeviceID("e2e", k), 1, false, fmt.Sprintf("to %d #%d", k, i))
			if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
				t.Fatalf("publish: %v", tok.Error())
			}
		}
	}
	got := regexp.MustCompile(`^\[Agent \d+\] got to \d+ #\d$`)
	for _, p := range procs {
		countLines(p, got, 2*n/shards)
	}
	for _, p := range procs {
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range procs {
		if code := p.wait(); code != 0 {
			t.Fatalf("shard %d exited %d; stderr %s", i, code, p.stderr())
		}
		if s := p.stderr(); s != "" {
			t.Errorf("shard %d wrote to stderr: %s", i, s)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	if len(published) != n {
		t.Errorf("the watcher saw publishes of %d devices, want %d", len(published), n)
	}
	seen := map[int]bool{}
	for i := 0; i < shards; i++ {
		var rep fleetReport
		data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("r%d.json", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatal(err)
		}
		tt := rep.Totals
		if rep.Fleet.Agents != n || rep.Fleet.Shard != fmt.Sprintf("%d/%d", i, shards) || rep.Fleet.Reason != "interrupted" ||
			tt.Agents != n/shards || tt.Started != n/shards || tt.Connected != n/shards || tt.Connects != n/shards ||
			tt.In != 2*n/shards || tt.Out != 3*n/shards || tt.Lost != 0 || tt.Errors != 0 || tt.Failed != 0 || len(rep.Agents) != n/shards {
			t.Errorf("shard %d: fleet %+v totals %+v, %d agents", i, rep.Fleet, tt, len(rep.Agents))
		}
		for _, a := range rep.Agents {
			if a.Index%shards != i || seen[a.Index] || a.DeviceID != fleet.DeviceID("e2e", a.Index) || a.Connects != 1 || a.Lost != 0 ||
				a.In != 2 || a.Out != 3 || a.Refused != 0 || a.Errors != 0 || !a.ConnectedAtEnd || a.End != "stopped" {
				t.Errorf("shard %d: agent %+v", i, a)
			}
			seen[a.Index] = true
			if c := published[a.DeviceID]; c != 3 {
				t.Errorf("agent %d (%s): the watcher saw %d publishes, want 3", a.Index, a.DeviceID, c)
			}
		}
	}
	if len(seen) != n {
		t.Errorf("the reports cover %d agents, want %d", len(seen), n)
	}
}

// TestShardedFleetOnAgenthostBroker: two fleet processes, one
// `agenthost broker` (with a user, as the agents log in).
func TestShardedFleetOnAgenthostBroker(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), fmt.Sprintf("embedded: {users: {%s: %s}}\n", mqUser, mqPass))
	_, addr := startBroker(t, dir)
	runShardedFleet(t, "tcp://"+addr)
}

// TestShardedFleetOnMosquitto: the same fleet against a real mosquitto.
func TestShardedFleetOnMosquitto(t *testing.T) {
	m := startMosquitto(t)
	runShardedFleet(t, fmt.Sprintf("tcp://127.0.0.1:%d", m.port))
}
