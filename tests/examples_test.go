package tests

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agenthost/agenthost/fleet"
	paho "github.com/eclipse/paho.mqtt.golang"
)

func example(name string) string { return filepath.Join(repo, "examples", name) }

// the examples that exist in both languages run the same: the JavaScript
// port and the Squirrel original
var exampleLangs = []string{".js", ".nut"}

func TestExampleHello(t *testing.T) {
	for _, ext := range exampleLangs {
		t.Run(ext, func(t *testing.T) { testExampleHello(t, ext) })
	}
}

// TestReadmeStartsWithTwoCommands: the README opens with exactly two
// set-up commands — the example agent TestExampleHello runs and the test
// suite that CI runs (.ci/run calls the same script).
func TestReadmeStartsWithTwoCommands(t *testing.T) {
	readmeBytes, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(readmeBytes)
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no sh block")
	}
	var cmds []string
	for _, line := range strings.Split(strings.TrimSpace(block[1]), "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		cmds = append(cmds, strings.TrimSpace(cmd))
	}
	want := []string{"go run ./cmd/agenthost run examples/hello/hello.js --until-idle", "bash scripts/test.sh"}
	if !slices.Equal(cmds, want) {
		t.Fatalf("README's first commands are %q, want %q", cmds, want)
	}
	ci, err := os.ReadFile(filepath.Join(repo, ".ci", "run"))
	if err != nil || !strings.Contains(string(ci), "\nbash scripts/test.sh\n") {
		t.Fatalf(".ci/run does not run the README's test command (%v):\n%s", err, ci)
	}
}

func testExampleHello(t *testing.T, ext string) {
	r := runBin(t, "", "run", example("hello/hello"+ext), "--until-idle")
	got := r.agent()
	if r.code != 0 || len(got) != 5 {
		t.Fatalf("exit %d lines %q stderr %q", r.code, got, r.stderr)
	}
	id := strings.TrimPrefix(got[0], "connected as hello-")
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Fatalf("first line %q", got[0])
	}
	middle := slices.Clone(got[2:4])
	slices.Sort(middle)
	want := []string{"received 'hello, imp' on hello/" + id + " (qos 1)", "sent: result 0"}
	if got[1] != "subscribed: result 0, granted QoS 1" || !slices.Equal(middle, want) || got[4] != "disconnected" {
		t.Fatalf("lines %q", got)
	}
	if st := r.status(); len(st) < 3 || !strings.HasPrefix(st[1], "agent URL: http://127.0.0.1:") ||
		!strings.HasPrefix(st[2], "tcp://broker.example.com:1883 -> embedded broker 127.0.0.1:") {
		t.Fatalf("status lines %q", st)
	}
}

// fixedBroker writes an agenthost.yaml with the embedded broker on a free
// port and returns the directory and the broker URL.
func fixedBroker(t *testing.T, extra string) (string, string) {
	dir := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "embedded:\n  listen: "+addr+"\n"+extra)
	return dir, "tcp://" + addr
}

// TestExampleOnconnect runs the seed document's example, as written for
// the imp (.nut) and ported (.js): it connects with credentials,
// subscribes with callback(qosMode), and logs a ping published by another
// client. Ctrl-C ends it with exit 0.
func TestExampleOnconnect(t *testing.T) {
	for _, ext := range exampleLangs {
		t.Run(ext, func(t *testing.T) { testExampleOnconnect(t, ext) })
	}
}

func testExampleOnconnect(t *testing.T, ext string) {
	dir, url := fixedBroker(t, "  users: {generalgrugger: gaztakh1ghc0mmand}\n")
	p := startBin(t, dir, "run", example("onconnect/onconnect"+ext))
	p.waitExact("[Agent] Connected to tcp://test.mosquitto.org:1883")
	pub := connectPaho(t, url, "pinger", func(o *paho.ClientOptions) {
		o.SetUsername("generalgrugger").SetPassword("gaztakh1ghc0mmand")
	})
	// The subscription is made after the connect line: publish until the
	// agent has it (QoS 0 pings before the SUBACK are simply not delivered).
	got := make(chan struct{})
	go func() {
		for i := 0; ; i++ {
			select {
			case <-got:
				return
			case <-time.After(20 * time.Millisecond):
				pub.Publish("imp.mqtt.test.pings", 0, false, "hello")
			}
		}
	}()
	p.waitExact("[Agent] Message 'hello' received under topic 'imp.mqtt.test.pings'")
	close(got)
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	if code := p.wait(); code != 0 {
		t.Fatalf("exit %d stderr %q", code, p.stderr())
	}
}

func TestExampleOnconnectBadPassword(t *testing.T) {
	for _, ext := range exampleLangs {
		dir, _ := fixedBroker(t, "  users: {generalgrugger: another-password}\n")
		r := runBin(t, dir, "run", example("onconnect/onconnect"+ext), "--until-idle")
		want := []string{"[Agent] ERROR: Failed to connect to tcp://test.mosquitto.org:1883. Error: Invalid username/password"}
		if r.code != 0 || !slices.Equal(r.stderr, want) {
			t.Fatalf("%s: exit %d stderr %q", ext, r.code, r.stderr)
		}
	}
}

func TestExampleOnconnectResultcodeDenied(t *testing.T) {
	for _, ext := range exampleLangs {
		dir, _ := fixedBroker(t, "  deny_subscribe: [\"imp.mqtt.test.pings\"]\n")
		r := runBin(t, dir, "run", example("onconnect/onconnect_resultcode"+ext), "--for", "2s")
		if r.code != 0 || !slices.Equal(r.agent(), []string{"Connected to tcp://test.mosquitto.org:1883"}) ||
			!slices.Equal(r.stderr, []string{"[Agent] ERROR: Not subscribed to 'imp.mqtt.test.pings'."}) {
			t.Fatalf("%s: exit %d agent %q stderr %q", ext, r.code, r.agent(), r.stderr)
		}
	}
}

func TestExampleEcho(t *testing.T) {
	for _, ext := range exampleLangs {
		t.Run(ext, func(t *testing.T) { testExampleEcho(t, ext) })
	}
}

func testExampleEcho(t *testing.T, ext string) {
	dir, url := fixedBroker(t, "")
	p := startBin(t, dir, "run", example("echo/echo"+ext))
	p.waitExact("[Agent] ready: subscribed to requests/# (result 0, QoS 2)")
	replies := make(chan paho.Message, 10)
	c := connectPaho(t, url, "requester", nil)
	if tok := c.Subscribe("replies/#", 2, func(_ paho.Client, m paho.Message) { replies <- m }); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	payload := []byte{0xff, 0x00, 'h', 'i', 0x80}
	if tok := c.Publish("requests/a/b", 1, false, payload); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	select {
	case m := <-replies:
		if m.Topic() != "replies/a/b" || !bytes.Equal(m.Payload(), payload) || m.Qos() != 1 {
			t.Fatalf("reply %s %x qos %d", m.Topic(), m.Payload(), m.Qos())
		}
	case <-time.After(waitLimit):
		t.Fatalf("no reply; agent said %q", p.output())
	}
	p.waitExact("[Agent] echo requests/a/b -> replies/a/b (5 bytes)")
}

func TestExamplePeriodic(t *testing.T) {
	for _, ext := range exampleLangs {
		t.Run(ext, func(t *testing.T) { testExamplePeriodic(t, ext) })
	}
}

func testExamplePeriodic(t *testing.T, ext string) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "configparams: {interval: 0.05}\n")
	p := startBin(t, dir, "run", example("periodic/periodic"+ext))
	p.waitExact("[Agent] connected; publishing every 0.05 s")
	re := regexp.MustCompile(`^\[Agent\] sent \{"n":(\d+),"t":\d+\} result 0$`)
	if ext == ".nut" {
		// http.jsonencode writes a Squirrel table's keys in its
		// iteration order, as the imp does
		re = regexp.MustCompile(`^\[Agent\] sent \{"t":\d+,"n":(\d+)\} result 0$`)
	}
	for n := 1; n <= 3; n++ {
		p.waitLine(func(l string) bool {
			m := re.FindStringSubmatch(l)
			return m != nil && m[1] == fmt.Sprint(n)
		}, fmt.Sprintf("send %d", n))
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	if code := p.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestExamplePeriodicReconnects kills the broker under the periodic
// publisher: it sees onconnectionlost(-1) and connects again to a broker
// started on the same address.
func TestExamplePeriodicReconnects(t *testing.T) {
	for _, ext := range exampleLangs {
		t.Run(ext, func(t *testing.T) { testExamplePeriodicReconnects(t, ext) })
	}
}

func testExamplePeriodicReconnects(t *testing.T, ext string) {
	dir := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	b := startBin(t, dir, "broker", "--listen", addr)
	b.waitLine(func(l string) bool { return strings.Contains(l, "listening") }, "broker start")
	p := startBin(t, dir, "run", example("periodic/periodic"+ext), "--broker", "tcp://"+addr)
	p.waitExact("[Agent] connected; publishing every 10 s")
	_ = b.cmd.Process.Kill()
	b.wait()
	p.waitExact("[Agent] ERROR: connection lost (-1), reconnecting in 10 s")
}

func TestExampleCounter(t *testing.T) {
	dir := t.TempDir()
	for i := 1; i <= 2; i++ {
		r := runBin(t, dir, "run", example("counter/counter.js"), "--until-idle")
		got := r.agent()
		if r.code != 0 || len(got) != 1 || !strings.HasPrefix(got[0], fmt.Sprintf("run %d (device ", i)) {
			t.Fatalf("run %d: exit %d lines %q stderr %q", i, r.code, got, r.stderr)
		}
	}
}

// TestExampleFleet runs the README's fleet example, five agents with a
// faster interval from a parameters file: every agent publishes on its own
// topic, and a command sent to one reaches that one.
func TestExampleFleet(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "fast.yaml"), strings.Repeat("- {interval: 0.05}\n", 5))
	p := startBin(t, dir, "fleet", example("fleet/fleet.js"), "--config", example("fleet/fleet.yaml"), "--params", "fast.yaml", "--name", "plant")
	addr := strings.TrimSuffix(strings.TrimPrefix(p.waitLine(func(l string) bool {
		return strings.HasPrefix(l, "[Fleet] embedded broker listening on ")
	}, "the broker's address"), "[Fleet] embedded broker listening on "), " (shared by the fleet's agents)")
	p.waitLine(func(l string) bool { return strings.HasPrefix(l, "[Fleet] all 5 agents connected, ") }, "all connected")
	seen := make(chan string, 100)
	c := connectPaho(t, "tcp://"+addr, "watcher", nil)
	if tok := c.Subscribe("plant/+/readings", 0, func(_ paho.Client, m paho.Message) { seen <- m.Topic() + " " + string(m.Payload()) }); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	from := map[string]bool{}
	for len(from) < 5 {
		select {
		case s := <-seen:
			topic, payload, _ := strings.Cut(s, " ")
			k := -1
			for i := 0; i < 5; i++ {
				if topic == "plant/"+fleet.DeviceID("plant", i)+"/readings" {
					k = i
				}
			}
			if k < 0 || !strings.HasPrefix(payload, fmt.Sprintf(`{"site":"line-%d","n":`, k)) {
				t.Fatalf("unexpected reading %s", s)
			}
			from[topic] = true
		case <-time.After(waitLimit):
			t.Fatalf("readings from %d agents only", len(from))
		}
	}
	if tok := c.Publish("plant/"+fleet.DeviceID("plant", 3)+"/commands", 1, false, "reboot"); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	p.waitExact("[Agent 3] command: reboot")
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	if code := p.wait(); code != 0 {
		t.Fatalf("exit %d: %s", code, p.stderr())
	}
}
