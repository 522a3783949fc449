package tests

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// End-to-end tests of the embedded broker's protocol corrections and
// limits, through `agenthost broker` and the mosquitto command-line
// clients a user would point at it.

// startBroker runs `agenthost broker` in dir (with its agenthost.yaml, if
// any) on a free port and returns it with its address.
func startBroker(t *testing.T, dir string) (*proc, string) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	b := startBin(t, dir, "broker", "--listen", addr)
	b.waitLine(func(l string) bool { return strings.Contains(l, "embedded broker listening") }, "broker start")
	return b, addr
}

// mosq runs mosquitto_pub or mosquitto_sub against addr to completion and
// returns its combined output and exit code (-1 if it had to be killed
// after limit).
func mosq(t *testing.T, tool, addr string, limit time.Duration, args ...string) (string, int) {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, findTool(t, tool), append([]string{"-h", host, "-p", port}, args...)...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), -1
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	return string(out), 0
}

// startSub starts mosquitto_sub -d -v on the filters and waits for its
// SUBACK; its message lines are "topic payload".
func startSub(t *testing.T, addr string, args ...string) *proc {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	// stdbuf: mosquitto_sub's debug lines are block-buffered on a pipe.
	s := startProgram(t, "", "stdbuf", append([]string{"-oL", findTool(t, "mosquitto_sub"), "-h", host, "-p", port, "-d", "-v"}, args...)...)
	s.waitLine(func(l string) bool { return strings.HasSuffix(l, "received SUBACK") }, "mosquitto_sub's SUBACK")
	return s
}

// nextMessage returns the next line of mosquitto_sub -d -v that is not
// its debug output.
func nextMessage(s *proc) string {
	s.t.Helper()
	return s.waitLine(func(l string) bool {
		return !strings.HasPrefix(l, "Client ") && !strings.HasPrefix(l, "Subscribed (mid")
	}, "a message")
}

// TestEmbeddedBrokerReservedTopics: mosquitto_pub to $SYS and $share
// topics completes at QoS 1 and 2 with MQTT 3.1.1 and 5 (it hung at QoS > 0)
// and delivers nothing; subscriptions starting with a wildcard, plain or
// shared, receive no '$' topics, live ($SYS ticks) or retained.
func TestEmbeddedBrokerReservedTopics(t *testing.T) {
	_, addr := startBroker(t, "")
	wild := startSub(t, addr, "-V", "5", "-t", "#", "-t", "+/broker/#", "-t", "$share/g/#", "-t", "$share/h/+/+/uptime")
	named := startSub(t, addr, "-t", "$SYS/test/#", "-t", "$share/x/#", "-t", "$foo/#", "-t", "ctl")
	if out, code := mosq(t, "mosquitto_pub", addr, waitLimit, "-r", "-t", "$foo/retained", "-m", "r"); code != 0 {
		t.Fatalf("mosquitto_pub $foo: exit %d %s", code, out)
	}
	if got := nextMessage(named); got != "$foo/retained r" {
		t.Fatalf("$foo/# subscriber got %q", got)
	}
	for _, v := range []string{"311", "5"} {
		for _, q := range []string{"1", "2"} {
			for _, topic := range []string{"$SYS/test/x", "$share/x/y"} {
				out, code := mosq(t, "mosquitto_pub", addr, 5*time.Second, "-V", v, "-q", q, "-t", topic, "-m", "nope")
				want := ""
				if v == "5" {
					want = "Warning: Publish 1 failed: Not authorized."
				}
				if code != 0 || strings.TrimSpace(out) != want {
					t.Errorf("mosquitto_pub -V %s -q %s -t %s: exit %d, output %q; want 0 and %q", v, q, topic, code, out, want)
				}
			}
		}
	}
	// Two $SYS ticks seen: the first reached the wildcard subscriber, if it
	// ever would, before the control message.
	if out, code := mosq(t, "mosquitto_sub", addr, waitLimit, "-t", "$SYS/broker/uptime", "-C", "3"); code != 0 {
		t.Fatalf("waiting for $SYS ticks: exit %d %s", code, out)
	}
	if out, code := mosq(t, "mosquitto_pub", addr, waitLimit, "-t", "ctl", "-m", "done"); code != 0 {
		t.Fatalf("mosquitto_pub ctl: exit %d %s", code, out)
	}
	if got := nextMessage(named); got != "ctl done" {
		t.Errorf("the $SYS/test/# $share/x/# $foo/# ctl subscriber got %q before the control message", got)
	}
	if got := nextMessage(wild); got != "ctl done" {
		t.Errorf("the # +/broker/# $share/g/# $share/h/+/+/uptime subscriber got %q before the control message", got)
	}
}

// TestEmbeddedBrokerConnectLimits: 10,000 idle sockets and 100 half-sent
// CONNECTs are all closed within embedded.connect_timeout (those beyond
// the bound on pending connections at once), and clients connect
// afterwards.
func TestEmbeddedBrokerConnectLimits(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "embedded:\n  connect_timeout: 1s\n")
	b, addr := startBroker(t, dir)
	const idle, half = 10_000, 100
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	open, failed := 0, 0
	connect := []byte{0x10, 20, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 30} // a CONNECT cut short
	for i := range idle + half {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			// The listen backlog may overflow while the broker sheds the
			// excess; a refused dial is as closed as it gets.
			failed++
			continue
		}
		if i >= idle {
			_, _ = c.Write(connect)
		}
		wg.Go(func() {
			defer c.Close()
			_ = c.SetReadDeadline(time.Now().Add(waitLimit))
			if n, err := c.Read(make([]byte, 1)); n > 0 || err != nil && os.IsTimeout(err) {
				mu.Lock()
				open++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if open > 0 {
		t.Errorf("%d of %d sockets still open (or answered) after %v", open, idle+half, waitLimit)
	}
	if elapsed > 8*time.Second {
		t.Errorf("closing %d sockets took %v, want about the 1 s connect timeout", idle+half, elapsed)
	}
	t.Logf("%d sockets (%d dials refused) closed in %v", idle+half, failed, elapsed)
	if out, code := mosq(t, "mosquitto_pub", addr, waitLimit, "-q", "1", "-t", "after", "-m", "x"); code != 0 {
		t.Errorf("mosquitto_pub after the flood: exit %d %s", code, out)
	}
	b.waitLine(func(l string) bool {
		return strings.Contains(l, "too many connections have not sent CONNECT")
	}, "the pending-connections warning")
}

// TestEmbeddedBrokerNoDisconnectForMQTT311: stopping the broker closes
// MQTT 3.1 and 3.1.1 connections without a DISCONNECT, which those
// versions forbid a server to send (mosquitto_sub exited 2 with "protocol
// error"); mosquitto_sub then reconnects to the restarted broker. MQTT 5
// clients still get DISCONNECT 0x8B.
func TestEmbeddedBrokerNoDisconnectForMQTT311(t *testing.T) {
	dir := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	b := startBin(t, dir, "broker", "--listen", addr)
	b.waitLine(func(l string) bool { return strings.Contains(l, "embedded broker listening") }, "broker start")
	subs := map[string]*proc{}
	for _, v := range []string{"31", "311", "5"} {
		subs[v] = startSub(t, addr, "-V", v, "-i", "sub"+v, "-t", "x")
	}
	if err := b.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := b.wait(); code != 0 {
		t.Fatalf("broker exit %d", code)
	}
	subs["5"].waitLine(func(l string) bool { return strings.Contains(l, "DISCONNECT (139)") }, "MQTT 5 DISCONNECT 0x8B")

	b = startBin(t, dir, "broker", "--listen", addr)
	b.waitLine(func(l string) bool { return strings.Contains(l, "embedded broker listening") }, "broker restart")
	for _, v := range []string{"31", "311"} {
		s := subs[v]
		s.waitLine(func(l string) bool { return strings.HasSuffix(l, "received SUBACK") }, "MQTT "+v+" resubscribed")
	}
	if out, code := mosq(t, "mosquitto_pub", addr, waitLimit, "-q", "1", "-t", "x", "-m", "back"); code != 0 {
		t.Fatalf("mosquitto_pub: exit %d %s", code, out)
	}
	for _, v := range []string{"31", "311"} {
		if got := nextMessage(subs[v]); got != "x back" {
			t.Errorf("MQTT %s subscriber got %q", v, got)
		}
		if strings.Contains(subs[v].stderr(), "protocol error") {
			t.Errorf("MQTT %s subscriber: %s", v, subs[v].stderr())
		}
	}
}

// brokerPeakRSS returns the peak resident memory of process pid in bytes.
func brokerPeakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(line)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// TestEmbeddedBrokerMaxPacketSize: a 100 MB mosquitto_pub is cut off at
// its fixed header (it was read whole: 500 MB peak RSS); the broker's peak
// memory stays small; a 256 KiB message, the default message_size, is
// delivered; the broker logs the refusal.
func TestEmbeddedBrokerMaxPacketSize(t *testing.T) {
	dir := t.TempDir()
	b, addr := startBroker(t, dir)
	huge := filepath.Join(dir, "huge")
	writeFile(t, huge, strings.Repeat("x", 100<<20))
	full := filepath.Join(dir, "full")
	writeFile(t, full, strings.Repeat("y", 256<<10))
	sub := startSub(t, addr, "-t", "big", "-F", "%t %l")

	start := time.Now()
	out, code := mosq(t, "mosquitto_pub", addr, waitLimit, "-V", "311", "-q", "1", "-t", "big", "-f", huge)
	if code == 0 || code == -1 || !strings.Contains(out, "connection was lost") {
		t.Errorf("100 MB mosquitto_pub: exit %d, output %q; want the connection lost", code, out)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("100 MB mosquitto_pub took %v to be cut off", elapsed)
	}
	b.waitLine(func(l string) bool {
		return strings.Contains(l, "WARNING: embedded broker: client disconnected: packet of 104857612 bytes is larger than the maximum packet size, 327688 bytes")
	}, "the broker's warning")
	if peak := brokerPeakRSS(t, b.cmd.Process.Pid); peak > 64<<20 {
		t.Errorf("broker peak RSS %d MiB after a refused 100 MB PUBLISH", peak>>20)
	}

	if out, code := mosq(t, "mosquitto_pub", addr, waitLimit, "-q", "1", "-t", "big", "-f", full); code != 0 {
		t.Fatalf("256 KiB mosquitto_pub: exit %d %s", code, out)
	}
	if got := nextMessage(sub); got != "big 262144" {
		t.Errorf("subscriber got %q, want the 262144-byte message", got)
	}
}

// agentFiles writes an agent that connects (with credentials and a will)
// and publishes "hello" on "out", with its test file.
func agentFiles(t *testing.T, dir, config, test string) {
	t.Helper()
	if config != "" {
		writeFile(t, filepath.Join(dir, "agenthost.yaml"), config)
	}
	writeFile(t, filepath.Join(dir, "agent.js"), `
const client = mqtt.createclient();
client.onconnect(function (rc) {
    server.log("connected " + rc);
    if (rc == 0) client.createmessage("out", "hello", {qos: 1}).sendasync();
});
client.connect("tcp://broker.example.com", "agent-1",
    {username: "agent", password: "s3cret", willtopic: "wills/agent-1", willmessage: "died"});
`)
	writeFile(t, filepath.Join(dir, "agent.test.js"), test)
}

// TestAgentTestWithEmbeddedUsers: `agenthost test` works with
// embedded.users set (its own driver client could not log in, so every
// test file failed to load); the agent still needs the credentials.
func TestAgentTestWithEmbeddedUsers(t *testing.T) {
	dir := t.TempDir()
	agentFiles(t, dir, "embedded:\n  users: {agent: s3cret}\n", `
class AgentTest extends ImpTestCase {
    async testPublishes() {
        const m = await this.broker.nextMessage("out");
        this.assertEqual("hello", m.message.tostring());
        this.assertDeepEqual(["agent-1"], this.broker.clients());
    }
}
`)
	r := runBin(t, dir, "test")
	if r.code != 0 || !strings.Contains(r.rawOut, "PASSED: 1 file, 1 test") {
		t.Fatalf("exit %d\n%s\nstderr %q", r.code, r.rawOut, r.stderr)
	}
}

// TestAgentTestSeesWills: this.broker.nextMessage sees the will the broker
// publishes when the agent's connection is cut.
func TestAgentTestSeesWills(t *testing.T) {
	dir := t.TempDir()
	agentFiles(t, dir, "", `
class WillTest extends ImpTestCase {
    async testWillAfterDrop() {
        await this.broker.nextMessage("out");
        this.assertEqual(1, await this.broker.dropClient());
        const w = await this.broker.nextMessage("wills/#", 5);
        this.assertEqual("wills/agent-1", w.topic);
        this.assertEqual("died", w.message.tostring());
    }
}
`)
	r := runBin(t, dir, "test")
	if r.code != 0 || !strings.Contains(r.rawOut, "PASSED: 1 file, 1 test") {
		t.Fatalf("exit %d\n%s\nstderr %q", r.code, r.rawOut, r.stderr)
	}
}

// TestEmbeddedBrokerMaxQueuedErrors: a bad embedded.max_queued stops
// `agenthost broker` with exit 2 and an error naming the file position,
// the key and the allowed range, from the file or the environment.
func TestEmbeddedBrokerMaxQueuedErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bad.yaml"), "embedded:\n  max_queued: 0\n")
	r := runBin(t, dir, "broker", "--config", "bad.yaml")
	want := `bad.yaml:2:15: embedded.max_queued: "0" is not a whole number from 1 to 1048576 (messages queued per client; default 8192)`
	if r.code != 2 || !strings.Contains(strings.Join(r.stderr, "\n"), want) {
		t.Errorf("file: exit %d stderr %q, want 2 and %q", r.code, r.stderr, want)
	}
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "")
	r = runBinEnv(t, dir, []string{"AGENTHOST_EMBEDDED_MAX_QUEUED=2000000"}, "broker")
	want = `env AGENTHOST_EMBEDDED_MAX_QUEUED: embedded.max_queued: "2000000" is not a whole number from 1 to 1048576`
	if r.code != 2 || !strings.Contains(strings.Join(r.stderr, "\n"), want) {
		t.Errorf("env: exit %d stderr %q, want 2 and %q", r.code, r.stderr, want)
	}
}

// TestRunReportsBrokerDrops: `agenthost run` with the embedded broker
// prints the broker's dropped deliveries when it exits. The agent
// subscribes; a client floods it with QoS 0 messages much faster than the
// broker can write them to the agent's connection, whose queue
// embedded.max_queued makes 1 deep, while the agent's first message
// starts a busy callback. Then the test sends numbered end markers, one at
// a time, until the agent reports one: every delivery was then either
// received or dropped, so the warning's count is exactly what was sent
// less what the agent received.
func TestRunReportsBrokerDrops(t *testing.T) {
	const flood = 20000
	dir := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "embedded:\n  listen: "+addr+"\n  max_queued: 1\n"+
		"limits:\n  mqtt_inbound: off\n  log: off\n  cpu_per_callback: 60s\n")
	writeFile(t, filepath.Join(dir, "agent.js"), `
let n = 0;
const c = mqtt.createclient();
c.onmessage(function (m) {
    n++;
    const s = m.message.tostring();
    if (n == 1) { const until = Date.now() + 1000; while (Date.now() < until) {} }
    if (s.startsWith("end ")) server.log("received " + n + " at " + s);
});
c.onconnect(function () { c.subscribe("flood", 0, function () { server.log("subscribed"); }); });
c.connect("tcp://h", "flooded");
`)
	p := startBin(t, dir, "run", "agent.js")
	p.waitExact("[Agent] subscribed")

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(waitLimit))
	pub := func(payload string) []byte { // QoS 0 PUBLISH to "flood"
		body := append([]byte{0, 5}, "flood"+payload...)
		return append([]byte{0x30, byte(len(body))}, body...)
	}
	connect := []byte{0x10, 16, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 0, 0, 6, 'f', 'l', 'o', 'o', 'd', 'r'}
	connect[1] = byte(len(connect) - 2)
	if _, err := conn.Write(connect); err != nil {
		t.Fatal(err)
	}
	ack := make([]byte, 4)
	if _, err := io.ReadFull(conn, ack); err != nil || ack[0] != 0x20 || ack[3] != 0 {
		t.Fatalf("CONNACK % x, %v", ack, err)
	}
	var burst []byte
	for i := range flood {
		burst = append(burst, pub(fmt.Sprintf("%05d", i))...)
	}
	if _, err := conn.Write(burst); err != nil {
		t.Fatal(err)
	}

	// End markers, one at a time, until the agent reports the latest.
	received, markers := -1, 0
	for received < 0 && markers < 100 {
		markers++
		if _, err := conn.Write(pub(fmt.Sprintf("end %d", markers))); err != nil {
			t.Fatal(err)
		}
		timeout := time.After(500 * time.Millisecond)
	wait:
		for {
			select {
			case l, ok := <-p.lines:
				if !ok {
					t.Fatalf("agenthost exited; stdout %q stderr %q", p.output(), p.stderr())
				}
				var k, m int
				if _, err := fmt.Sscanf(l, "[Agent] received %d at end %d", &k, &m); err == nil && m == markers {
					received = k
					break wait
				}
			case <-timeout:
				break wait
			}
		}
	}
	if received < 0 {
		t.Fatalf("the agent reported none of %d end markers; stdout %q", markers, p.output())
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(); code != 0 {
		t.Fatalf("exit %d; stderr %q", code, p.stderr())
	}
	dropped := flood + markers - received
	want := fmt.Sprintf("[Status] WARNING: the broker dropped messages: %d deliveries to subscribers more than embedded.max_queued (1) messages behind, 0 inflight", dropped)
	t.Logf("%d of %d messages received, %d markers", received, flood+markers, markers)
	if dropped < 1 {
		t.Fatalf("the agent received all %d messages: the flood never filled the queue", received)
	}
	if !slices.Contains(p.output(), want) && !strings.Contains(p.stderr(), want) {
		t.Errorf("no %q at exit; stdout %q stderr %q", want, p.output(), p.stderr())
	}
}
