package tests

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/testpki"
	paho "github.com/eclipse/paho.mqtt.golang"
)

// mosquitto is a real mosquitto 2.x broker started for one test, with a
// password file and a TLS listener whose CA the test generated.
type mosquitto struct {
	port, tlsPort, wsPort int
	pki                   *testpki.PKI
	dir                   string
	proc                  *os.Process // to stop (SIGSTOP) or kill it
}

const (
	mqUser = "generalgrugger"
	mqPass = "gaztakh1ghc0mmand"
)

// findTool finds a mosquitto program. Without it the test fails in CI
// (CI=true), where .ci/run installs it, and is skipped elsewhere.
func findTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/usr/bin"} {
		if p := filepath.Join(dir, name); fileExists(p) {
			return p
		}
	}
	msg := name + " is not installed (apt-get install mosquitto mosquitto-clients)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func startMosquitto(t *testing.T) *mosquitto {
	t.Helper()
	bin := findTool(t, "mosquitto")
	passwd := findTool(t, "mosquitto_passwd")
	dir := t.TempDir()
	pki, err := testpki.New(filepath.Join(dir, "pki"))
	if err != nil {
		t.Fatal(err)
	}
	m := &mosquitto{port: freePort(t), tlsPort: freePort(t), wsPort: freePort(t), pki: pki, dir: dir}
	pwFile := filepath.Join(dir, "passwd")
	if out, err := exec.Command(passwd, "-c", "-b", pwFile, mqUser, mqPass).CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v: %s", err, out)
	}
	conf := fmt.Sprintf(`user root
persistence false
allow_anonymous false
password_file %s
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
listener %d 127.0.0.1
listener %d 127.0.0.1
protocol websockets
listener %d 127.0.0.1
cafile %s
certfile %s
keyfile %s
`, pwFile, m.port, m.wsPort, m.tlsPort, pki.CAFile, pki.CertFile, pki.KeyFile)
	confFile := writeFile(t, filepath.Join(dir, "mosquitto.conf"), conf)

	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-c", confFile)
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m.proc = cmd.Process
	exited := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	// mosquitto says "... running" once both listeners are open.
	ready := make(chan struct{})
	var seen []string
	go func() {
		sc := bufio.NewScanner(logs)
		signalled := false
		for sc.Scan() {
			seen = append(seen, sc.Text())
			if !signalled && strings.Contains(sc.Text(), " running") {
				close(ready)
				signalled = true
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case <-ready:
	case <-exited:
		t.Fatalf("mosquitto exited: %q", seen)
	case <-time.After(waitLimit):
		t.Fatalf("mosquitto did not start: %q", seen)
	}
	return m
}

// mqAgent connects to the URL in configparams and logs the result code;
// on 0 it subscribes to e2e/in, publishes a retained e2e/out, and logs
// every inbound message.
const mqAgent = `
const p = imp.configparams;
const c = mqtt.createclient();
c.onmessage(function (m) { server.log("message " + m.topic + " '" + m.message + "' qos " + m.qos); });
c.onconnect(function (rc) {
	server.log("rc " + rc);
	if (rc != 0) return;
	c.subscribe("e2e/in", 1, function (rc, q) {
		server.log("subscribed " + rc + " " + q);
		c.createmessage("e2e/out", "from agent", {qos: 1, retain: true}).sendasync(function (rc) {
			server.log("published " + rc);
		});
	});
});
c.connect(p.url, "agent-" + p.deviceid, {username: p.user, password: p.pass});
`

// mqRun runs mqAgent (until idle when it cannot connect, else started in
// the background) with configparams and tls.ca as given.
func (m *mosquitto) config(t *testing.T, dir, url, pass, ca string) {
	t.Helper()
	cfg := fmt.Sprintf("broker: script\nconfigparams: {url: %q, user: %q, pass: %q}\n", url, mqUser, pass)
	if ca != "" {
		cfg += "tls: {ca: " + ca + "}\n"
	}
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), cfg)
	writeFile(t, filepath.Join(dir, "agent.js"), mqAgent)
}

func TestMosquittoConnectAndBadPassword(t *testing.T) {
	m := startMosquitto(t)
	url := fmt.Sprintf("tcp://127.0.0.1:%d", m.port)

	dir := t.TempDir()
	m.config(t, dir, url, "wrong", "")
	r := runBin(t, dir, "run", "agent.js", "--until-idle")
	if r.code != 0 || !slices.Equal(r.agent(), []string{"rc 5"}) {
		t.Fatalf("bad password: exit %d agent %q stderr %q (mosquitto answers 5)", r.code, r.agent(), r.stderr)
	}

	m.config(t, dir, url, mqPass, "")
	p := startBin(t, dir, "run", "agent.js")
	p.waitExact("[Agent] rc 0")
	p.waitExact("[Agent] subscribed 0 1")
}

// TestMosquittoWebsocket: ws:// (a host extension) reaches a websocket
// listener.
func TestMosquittoWebsocket(t *testing.T) {
	m := startMosquitto(t)
	dir := t.TempDir()
	m.config(t, dir, fmt.Sprintf("ws://127.0.0.1:%d", m.wsPort), mqPass, "")
	p := startBin(t, dir, "run", "agent.js")
	p.waitExact("[Agent] rc 0")
	p.waitExact("[Agent] published 0")
}

func TestMosquittoClosedPort(t *testing.T) {
	findTool(t, "mosquitto")
	dir := t.TempDir()
	(&mosquitto{}).config(t, dir, fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)), mqPass, "")
	r := runBin(t, dir, "run", "agent.js", "--until-idle")
	if r.code != 0 || !slices.Equal(r.agent(), []string{"rc -1"}) {
		t.Fatalf("exit %d agent %q", r.code, r.agent())
	}
}

func TestMosquittoTLS(t *testing.T) {
	m := startMosquitto(t)
	url := fmt.Sprintf("ssl://localhost:%d", m.tlsPort)
	other, err := testpki.New(filepath.Join(t.TempDir(), "other"))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	m.config(t, dir, url, mqPass, other.CAFile)
	r := runBin(t, dir, "run", "agent.js", "--until-idle")
	if r.code != 0 || !slices.Equal(r.agent(), []string{"rc -1"}) {
		t.Fatalf("unknown CA: exit %d agent %q", r.code, r.agent())
	}

	m.config(t, dir, url, mqPass, m.pki.CAFile)
	p := startBin(t, dir, "run", "agent.js")
	p.waitExact("[Agent] rc 0")
	p.waitExact("[Agent] published 0")

	// tls.insecure must be explicit, and every run says it is on.
	insecureDir := t.TempDir()
	m.config(t, insecureDir, url, mqPass, other.CAFile)
	cfg := filepath.Join(insecureDir, "agenthost.yaml")
	data, _ := os.ReadFile(cfg)
	insecure := strings.Replace(string(data), "tls: {ca: ", "tls: {insecure: true, ca: ", 1)
	writeFile(t, cfg, insecure)
	line := 1 + strings.Count(insecure[:strings.Index(insecure, "insecure: true")], "\n")
	q := startBin(t, insecureDir, "run", "agent.js")
	// The warning names where the setting came from.
	q.waitExact(fmt.Sprintf("[Status] WARNING: tls.insecure is true (agenthost.yaml:%d): the certificates of ssl:// and wss:// brokers are NOT verified", line))
	q.waitExact("[Agent] rc 0")
}

// TestMosquittoMessagesBothWays: mosquitto_pub reaches onmessage, and the
// agent's publish reaches mosquitto_sub.
func TestMosquittoMessagesBothWays(t *testing.T) {
	m := startMosquitto(t)
	pub := findTool(t, "mosquitto_pub")
	sub := findTool(t, "mosquitto_sub")
	dir := t.TempDir()
	m.config(t, dir, fmt.Sprintf("tcp://127.0.0.1:%d", m.port), mqPass, "")
	p := startBin(t, dir, "run", "agent.js")
	p.waitExact("[Agent] published 0")

	auth := []string{"-h", "127.0.0.1", "-p", fmt.Sprint(m.port), "-u", mqUser, "-P", mqPass}
	out, err := exec.Command(pub, append(auth, "-t", "e2e/in", "-q", "1", "-m", "from mosquitto_pub")...).CombinedOutput()
	if err != nil {
		t.Fatalf("mosquitto_pub: %v %s", err, out)
	}
	p.waitExact("[Agent] message e2e/in 'from mosquitto_pub' qos 1")

	// The agent's message is retained, so a subscriber started now gets it.
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	out, err = exec.CommandContext(ctx, sub, append(auth, "-t", "e2e/out", "-C", "1", "-v")...).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "e2e/out from agent" {
		t.Fatalf("mosquitto_sub: %v %q", err, out)
	}
}

// TestMosquittoSeedExampleInSquirrel runs the documentation's onconnect
// example exactly as written for the imp, in Squirrel, against a real
// mosquitto: its credentials are the broker's user, --broker sends its
// connect there, and a ping another client publishes is logged.
func TestMosquittoSeedExampleInSquirrel(t *testing.T) {
	m := startMosquitto(t)
	url := fmt.Sprintf("tcp://127.0.0.1:%d", m.port)
	p := startBin(t, t.TempDir(), "run", example("onconnect/onconnect.nut"), "--broker", url)
	p.waitExact("[Agent] Connected to tcp://test.mosquitto.org:1883")
	pub := connectPaho(t, url, "pinger", func(o *paho.ClientOptions) { o.SetUsername(mqUser).SetPassword(mqPass) })
	// the subscription is made after the connect line: ping until it lands
	got := make(chan struct{})
	go func() {
		for {
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
