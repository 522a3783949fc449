package tests

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// End-to-end tests of the NodeMCU and MqttConnection dialects: the binary
// against raw TCP servers that misbehave on purpose, the embedded broker
// (standalone, `agenthost broker`) and a real mosquitto.

// dialectDir is a directory with tests/testdata/dialects/script as
// agent.js and an agenthost.yaml that connects where the script says, with
// params as configparams (a YAML flow map's contents). (The scripts are not
// in testdata itself, whose scripts TestScripts runs as they are.)
func dialectDir(t *testing.T, script, params string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repo, "tests", "testdata", "dialects", script))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agent.js"), string(src))
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "broker: script\nconfigparams: {"+params+"}\n")
	return dir
}

// rawServer listens on 127.0.0.1 with a receive buffer of rcvbuf bytes (0:
// the system's default) and runs handle on each connection.
func rawServer(t *testing.T, rcvbuf int, handle func(net.Conn)) (host, port string) {
	t.Helper()
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		if rcvbuf == 0 {
			return nil
		}
		return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf) })
	}}
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			go handle(c)
		}
	}()
	host, port, _ = net.SplitHostPort(ln.Addr().String())
	return host, port
}

// TestNodeMCUFailureReasonsThroughTheBinary produces, with servers that do
// what each reason names, the failure reasons the embedded broker cannot
// (examples/nodemcu/nodemcu.test.js has CONNACK 1-5, -5, -4 and -2 from
// the embedded broker and fake brokers).
func TestNodeMCUFailureReasonsThroughTheBinary(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, closedPort, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	httpHost, httpPort := rawServer(t, 0, func(c net.Conn) {
		_, _ = c.Read(make([]byte, 100))
		_, _ = c.Write([]byte("HTTP/1.0 400 Bad Request\r\n\r\n"))
		_, _ = io.Copy(io.Discard, c)
	})
	silentHost, silentPort := rawServer(t, 0, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	deafHost, deafPort := rawServer(t, 4096, func(c net.Conn) {})
	for _, tc := range []struct {
		name, params, want string
		min                time.Duration
	}{
		{"dns", `host: no-such-host.invalid, port: 1883`, "failed -3", 0},
		{"no listener", `host: 127.0.0.1, port: ` + closedPort, "failed -5", 0},
		{"not a connack", `host: ` + httpHost + `, port: ` + httpPort, "failed -4", 0},
		{"no connack", `host: ` + silentHost + `, port: ` + silentPort, "failed -2", 5 * time.Second},
		{"cannot send", `host: ` + deafHost + `, port: ` + deafPort + `, big: true`, "failed -1", 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			r := runBin(t, dialectDir(t, "nodemcu_fail.js", tc.params), "run", "agent.js", "--until-idle")
			if r.code != 0 || !slices.Equal(r.agent(), []string{tc.want}) {
				t.Fatalf("exit %d agent %q status %q", r.code, r.agent(), r.status())
			}
			if el := time.Since(start); el < tc.min || el > tc.min+5*time.Second {
				t.Fatalf("took %s, want %s to %s", el, tc.min, tc.min+5*time.Second)
			}
		})
	}
}

// outside is a paho client of the broker at url, with the credentials.
func outside(t *testing.T, url, user, pass string) paho.Client {
	return connectPaho(t, url, "outside", func(o *paho.ClientOptions) {
		if user != "" {
			o.SetUsername(user).SetPassword(pass)
		}
	})
}

func publish(t *testing.T, c paho.Client, topic, payload string, qos byte, retain bool) {
	t.Helper()
	if tok := c.Publish(topic, qos, retain, payload); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// retained returns the retained message on topic.
func retained(t *testing.T, c paho.Client, topic string) (string, byte) {
	t.Helper()
	got := make(chan paho.Message, 1)
	if tok := c.Subscribe(topic, 1, func(_ paho.Client, m paho.Message) { got <- m }); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", topic, tok.Error())
	}
	defer c.Unsubscribe(topic)
	select {
	case m := <-got:
		return string(m.Payload()), m.Qos()
	case <-time.After(waitLimit):
		t.Fatalf("no retained message on %s", topic)
		return "", 0
	}
}

// nodemcuFlow runs tests/testdata/dialects/nodemcu_flow.js against the broker at
// host:port (url for the test's own client) and checks every member; then
// kills the broker with kill and checks "offline".
func nodemcuFlow(t *testing.T, host string, port int, user, pass string, kill func()) {
	url := fmt.Sprintf("tcp://%s:%d", host, port)
	params := func(id string) string {
		return fmt.Sprintf(`host: %q, port: %d, id: %q, user: %q, pass: %q`, host, port, id, user, pass)
	}
	out := outside(t, url, user, pass)

	p := startBin(t, dialectDir(t, "nodemcu_flow.js", params("flow-1")), "run", "agent.js")
	p.waitExact("[Agent] connect true")
	p.waitExact("[Agent] connected")
	p.waitExact("[Agent] subscribed twice")
	want := map[string]bool{"[Agent] published 3": true, "[Agent] message e2e/echo/0 qos 0": true,
		"[Agent] message e2e/echo/1 qos 1": true, "[Agent] message e2e/echo/2 qos 2": true}
	for len(want) > 0 {
		l := p.waitLine(func(l string) bool { return want[l] }, fmt.Sprintf("%d more of the echo lines", len(want)))
		delete(want, l)
	}
	publish(t, out, "e2e/in", "hello", 1, false)
	p.waitExact("[Agent] message e2e/in hello")
	publish(t, out, "e2e/single", "single", 0, false)
	p.waitExact("[Agent] message e2e/single single")
	publish(t, out, "e2e/in", "unsubscribe", 1, false)
	p.waitExact("[Agent] unsubscribed")
	p.waitExact("[Agent] published retained")
	// Unsubscribed: this one never arrives, although the marker after it,
	// on a topic still subscribed, does.
	publish(t, out, "e2e/in", "ignored", 1, false)
	publish(t, out, "e2e/echo/m", "marker", 1, false)
	p.waitExact("[Agent] message e2e/echo/m marker")
	for _, l := range p.output() {
		if strings.Contains(l, "ignored") || strings.Contains(l, "first subscribe callback") {
			t.Fatalf("line %q in %q", l, p.output())
		}
	}
	if msg, _ := retained(t, out, "e2e/out"); msg != "after unsubscribe" {
		t.Fatalf("retained e2e/out %q", msg)
	}
	// Killed, the agent leaves its will, retained.
	_ = p.cmd.Process.Kill()
	p.wait()
	if msg, qos := retained(t, out, "e2e/will/flow-1"); msg != "nodemcu gone" || qos != 1 {
		t.Fatalf("will %q qos %d", msg, qos)
	}

	// close() ends the connection without "offline"; the run is then idle.
	q := startBin(t, dialectDir(t, "nodemcu_flow.js", params("flow-2")), "run", "agent.js", "--until-idle")
	q.waitExact("[Agent] subscribed twice")
	publish(t, out, "e2e/in", "close", 1, false)
	q.waitExact("[Agent] close true false")
	if code := q.wait(); code != 0 || slices.Contains(q.output(), "[Agent] offline") {
		t.Fatalf("exit %d output %q", code, q.output())
	}
	// After close() (a DISCONNECT) the broker drops the will: subscribed
	// to flow-2's will and then to flow-1's, the test gets only flow-1's.
	var mu sync.Mutex
	var wills []string
	if tok := out.Subscribe("e2e/will/flow-2", 1, func(_ paho.Client, m paho.Message) {
		mu.Lock()
		wills = append(wills, string(m.Payload()))
		mu.Unlock()
	}); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	msg, _ := retained(t, out, "e2e/will/flow-1")
	mu.Lock()
	defer mu.Unlock()
	if msg != "nodemcu gone" || len(wills) != 0 {
		t.Fatalf("wills: flow-1 %q, flow-2 %q", msg, wills)
	}

	// A broker that goes away: "offline".
	r := startBin(t, dialectDir(t, "nodemcu_flow.js", params("flow-3")), "run", "agent.js")
	r.waitExact("[Agent] subscribed twice")
	kill()
	r.waitExact("[Agent] offline")
}

// TestNodeMCUAgainstTheEmbeddedBroker runs the member-by-member flow
// against `agenthost broker`, the embedded broker in a process of its own.
func TestNodeMCUAgainstTheEmbeddedBroker(t *testing.T) {
	port := freePort(t)
	b := startBin(t, t.TempDir(), "broker", "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	b.waitLine(func(l string) bool { return strings.Contains(l, "listening") }, "broker start")
	nodemcuFlow(t, "127.0.0.1", port, "", "", func() { _ = b.cmd.Process.Kill(); b.wait() })
}

// TestMqttConnectionAgainstTheEmbeddedBroker drives every client-side
// packet and event by hand against `agenthost broker`, in MQTT 3.1 and
// 3.1.1.
func TestMqttConnectionAgainstTheEmbeddedBroker(t *testing.T) {
	port := freePort(t)
	b := startBin(t, t.TempDir(), "broker", "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	b.waitLine(func(l string) bool { return strings.Contains(l, "listening") }, "broker start")
	for _, v := range []int{3, 4} {
		mqttconnFlow(t, "127.0.0.1", port, "", "", v)
	}
}

// mqttconnFlow runs tests/testdata/dialects/mqttconn_flow.js and checks its lines.
func mqttconnFlow(t *testing.T, host string, port int, user, pass string, version int) {
	t.Helper()
	params := fmt.Sprintf(`host: %q, port: %d, user: %q, pass: %q, version: %d`, host, port, user, pass, version)
	r := runBin(t, dialectDir(t, "mqttconn_flow.js", params), "run", "agent.js", "--until-idle")
	got := r.agent()
	head := []string{
		"connected",
		"callback null true",
		`connack {"cmd":"connack","dup":false,"qos":0,"retain":false,"returnCode":0,"sessionPresent":false}`,
		`suback {"cmd":"suback","dup":false,"granted":[2],"messageId":1,"qos":0,"retain":false}`,
		`pubrec {"cmd":"pubrec","dup":false,"messageId":7,"qos":0,"retain":false}`,
	}
	tail := []string{"close", "error MqttConnection.pingreq: the connection is closed; the packet was not sent", "pingreq after close false"}
	if r.code != 0 || len(got) != len(head)+7+len(tail) || !slices.Equal(got[:len(head)], head) || !slices.Equal(got[len(got)-len(tail):], tail) {
		t.Fatalf("MQTT version %d: exit %d agent lines:\n%s\nstderr %q", version, r.code, strings.Join(got, "\n"), r.stderr)
	}
	middle := slices.Clone(got[len(head) : len(got)-len(tail)])
	slices.Sort(middle)
	topic := fmt.Sprintf("raw/%d/", version)
	want := []string{
		`pingresp {"cmd":"pingresp","dup":false,"qos":0,"retain":false}`,
		`puback {"cmd":"puback","dup":false,"messageId":8,"qos":0,"retain":false}`,
		`pubcomp {"cmd":"pubcomp","dup":false,"messageId":7,"qos":0,"retain":false}`,
		`publish {"cmd":"publish","dup":false,"payload":"qos one","qos":1,"retain":false,"topic":"` + topic + `one"}`,
		`publish {"cmd":"publish","dup":false,"payload":"qos two","qos":2,"retain":false,"topic":"` + topic + `two"}`,
		`pubrel {"cmd":"pubrel","dup":false,"messageId":`,
		`unsuback {"cmd":"unsuback","dup":false,"messageId":3,"qos":0,"retain":false}`,
	}
	// The broker picks the pubrel's message id.
	if len(middle) != 7 || !slices.Equal(middle[:5], want[:5]) || !strings.HasPrefix(middle[5], want[5]) ||
		!strings.HasSuffix(middle[5], `,"qos":1,"retain":false}`) || middle[6] != want[6] {
		t.Fatalf("MQTT version %d: lines after the pubrec (sorted):\n%s", version, strings.Join(middle, "\n"))
	}
}

// TestMosquittoNodeMCU: the member-by-member flow against mosquitto, and
// the failure reasons mosquitto can produce for real: 0, a bad password
// (5: mosquitto answers 5, not 4), an empty client id without a clean
// session (2), nothing listening (-5), its websocket listener answering
// HTTP (-4), and, with mosquitto stopped (SIGSTOP, the kernel still
// accepting connections), no CONNACK (-2) or, for a CONNECT too big for
// the socket buffers, no way to send it (-1).
func TestMosquittoNodeMCU(t *testing.T) {
	m := startMosquitto(t)
	t.Run("reasons", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, closedPort, _ := net.SplitHostPort(ln.Addr().String())
		ln.Close()
		creds := fmt.Sprintf(`user: %q, pass: %q`, mqUser, mqPass)
		for _, tc := range []struct{ name, params, want string }{
			{"accepted", fmt.Sprintf(`host: 127.0.0.1, port: %d, `, m.port) + creds, "connected"},
			{"bad password", fmt.Sprintf(`host: 127.0.0.1, port: %d, user: %q, pass: wrong`, m.port, mqUser), "failed 5"},
			{"client id rejected", fmt.Sprintf(`host: 127.0.0.1, port: %d, id: "", clean: 0, `, m.port) + creds, "failed 2"},
			{"nothing listening", `host: 127.0.0.1, port: ` + closedPort, "failed -5"},
			{"websocket listener", fmt.Sprintf(`host: 127.0.0.1, port: %d, `, m.wsPort) + creds, "failed -4"},
		} {
			r := runBin(t, dialectDir(t, "nodemcu_fail.js", tc.params), "run", "agent.js", "--until-idle")
			if r.code != 0 || !slices.Equal(r.agent(), []string{tc.want}) {
				t.Fatalf("%s: exit %d agent %q status %q", tc.name, r.code, r.agent(), r.status())
			}
		}
		if err := m.proc.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		defer m.proc.Signal(syscall.SIGCONT)
		var wg sync.WaitGroup
		for _, tc := range []struct{ params, want string }{
			{fmt.Sprintf(`host: 127.0.0.1, port: %d, `, m.port) + creds, "failed -2"},
			{fmt.Sprintf(`host: 127.0.0.1, port: %d, big: true`, m.port), "failed -1"},
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := runBin(t, dialectDir(t, "nodemcu_fail.js", tc.params), "run", "agent.js", "--until-idle")
				if r.code != 0 || !slices.Equal(r.agent(), []string{tc.want}) {
					t.Errorf("stopped mosquitto: exit %d agent %q status %q, want %q", r.code, r.agent(), r.status(), tc.want)
				}
			}()
		}
		wg.Wait()
	})
	t.Run("flow", func(t *testing.T) {
		nodemcuFlow(t, "127.0.0.1", m.port, mqUser, mqPass, func() { _ = m.proc.Kill() })
	})
}

// TestMosquittoMqttConnection drives every client-side packet and event
// by hand against mosquitto, in MQTT 3.1 and 3.1.1.
func TestMosquittoMqttConnection(t *testing.T) {
	m := startMosquitto(t)
	for _, v := range []int{3, 4} {
		mqttconnFlow(t, "127.0.0.1", m.port, mqUser, mqPass, v)
	}
}

// TestDialectsShareTheLimitsAndTheReport: NodeMCU and MqttConnection
// requests pass one outbound limiter, and --report and the summary table
// show each decision with what the request was.
func TestDialectsShareTheLimitsAndTheReport(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repo, "tests", "testdata", "dialects", "dialects_limits.js"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agent.js"), string(src))
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "limits: {mqtt_outbound: {rate: 1/s, burst: 3, buffer: 1}}\n")
	r := runBin(t, dir, "run", "agent.js", "--clock", "virtual", "--until-idle", "--report", "report.json")
	want := []string{"nodemcu publish true", "mqttconn publish true", "mqttconn error -12", "mqttconn publish false", "nodemcu publish false"}
	if r.code != 0 || !slices.Equal(r.agent(), want) {
		t.Fatalf("exit %d agent %q stderr %q", r.code, r.agent(), r.stderr)
	}
	rep := readReport(t, filepath.Join(dir, "report.json"))
	var got []string
	for _, d := range rep.Decisions {
		if d.Limiter == "mqtt_outbound" {
			got = append(got, fmt.Sprintf("%g %s %s", d.T, d.Outcome, d.Detail))
		}
	}
	wantDecisions := []string{"0 allowed connect h:1883", "0 allowed publish t/nodemcu", "0 allowed connect raw",
		"0 queued publish t/raw", "0 refused publish t/raw", "0 refused publish t/nodemcu", "1 released publish t/raw"}
	if !slices.Equal(got, wantDecisions) {
		t.Fatalf("decisions:\n got %q\nwant %q", got, wantDecisions)
	}
	if !regexp.MustCompile(`mqtt_outbound +3 +1 +2 +1 +\+0\.000s`).MatchString(r.rawOut) {
		t.Fatalf("no summary row in %q", r.rawOut)
	}
}
