package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agenthost/agenthost/internal/badurl"
	paho "github.com/eclipse/paho.mqtt.golang"
)

func TestVersionAndHelp(t *testing.T) {
	r := runBin(t, "", "version")
	if r.code != 0 || len(r.stdout) != 1 || !strings.HasPrefix(r.stdout[0], "agenthost ") {
		t.Fatalf("version: %d %q", r.code, r.stdout)
	}
	r = runBin(t, "", "help")
	if r.code != 0 || !strings.Contains(r.rawOut, "agenthost run SCRIPT") || !strings.Contains(r.rawOut, "agenthost broker") {
		t.Fatalf("help: %d %q", r.code, r.rawOut)
	}
	for _, args := range [][]string{{"run", "--help"}, {"help", "run"}} {
		r = runBin(t, "", args...)
		for _, flag := range []string{"-config", "-broker", "-for", "-until-idle", "-log-format", "-state-dir"} {
			if !strings.Contains(r.rawOut, flag) {
				t.Fatalf("%v: exit %d, no %s in %q", args, r.code, flag, r.rawOut)
			}
		}
		// Help goes to stdout, once.
		if r.code != 0 || len(r.stderr) != 0 || strings.Count(r.rawOut, "Usage: agenthost run") != 1 {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.rawOut, r.stderr)
		}
	}
	r = runBin(t, "", "broker", "--help")
	if r.code != 0 || !strings.Contains(r.rawOut, "-listen") || len(r.stderr) != 0 {
		t.Fatalf("broker --help: %d %q %q", r.code, r.rawOut, r.stderr)
	}
	r = runBin(t, "", "help", "bogus")
	if r.code != 2 || r.rawOut != "" || len(r.stderr) == 0 || r.stderr[0] != `agenthost help: unknown command "bogus"` {
		t.Fatalf("help bogus: %d %q %q", r.code, r.rawOut, r.stderr)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.js"), `server.log("x");`)
	writeFile(t, filepath.Join(dir, "bad.yaml"), "broker: embedded\nstate_dir: .st\nbrokr: x\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"run"}, "want exactly one SCRIPT"},
		{[]string{"run", "missing.js"}, "missing.js"},
		{[]string{"run", "a.js", "--for", "soon"}, `invalid value "soon" for flag -for`},
		{[]string{"run", "a.js", "--config", "bad.yaml"}, `bad.yaml:3:1: unknown key "brokr" (did you mean "broker"?)`},
		{[]string{"run", "a.js", "--config", "nope.yaml"}, "nope.yaml"},
		{[]string{"run", "a.js", "--log-format", "xml"}, "log_format"},
		{[]string{"run", "a.js", "--broker", "http://x"}, "broker"},
	} {
		r := runBin(t, dir, tc.args...)
		if r.code != 2 || !strings.Contains(strings.Join(r.stderr, "\n"), tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want code 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestBusyListenAddressExit3(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	b := startBin(t, dir, "broker", "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	b.waitLine(func(l string) bool { return strings.Contains(l, "embedded broker listening") }, "broker start")
	writeFile(t, filepath.Join(dir, "a.js"), `server.log("x");`)
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), fmt.Sprintf("embedded: {listen: 127.0.0.1:%d}\n", port))
	r := runBin(t, dir, "run", "a.js", "--until-idle")
	if r.code != 3 || !strings.Contains(strings.Join(r.stderr, "\n"), "address already in use") ||
		!strings.Contains(strings.Join(r.stderr, "\n"), "Try: ") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestLogLineFormatAndJSON(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.js"), `server.log("hello " + 5.1);`)
	r := runBin(t, dir, "run", "a.js", "--until-idle")
	re := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[Agent\] hello 5\.1$`)
	if r.code != 0 || !re.MatchString(r.rawOut) {
		t.Fatalf("exit %d output %q", r.code, r.rawOut)
	}
	r = runBin(t, dir, "run", "a.js", "--until-idle", "--log-format", "json")
	if r.code != 0 || !strings.Contains(r.rawOut, `"msg":"hello 5.1"`) || !strings.Contains(r.rawOut, `"source":"Agent"`) {
		t.Fatalf("json: exit %d output %q", r.code, r.rawOut)
	}
}

// TestEnvironmentAndFlagPrecedence: the binary reads its environment, and
// with the file, AGENTHOST_STATE_DIR and --state-dir each set, the highest
// layer names the state directory (where the deviceid is kept).
func TestEnvironmentAndFlagPrecedence(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.js"), `server.log(imp.configparams.deviceid);`)
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "state_dir: from-file\n")
	env := []string{"AGENTHOST_STATE_DIR=from-env"}
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, nil, "from-file"},
		{env, nil, "from-env"},
		{env, []string{"--state-dir", "from-flag"}, "from-flag"},
	} {
		r := runBinEnv(t, dir, tc.env, append([]string{"run", "a.js", "--until-idle"}, tc.args...)...)
		id, err := os.ReadFile(filepath.Join(dir, tc.want, "deviceid"))
		if r.code != 0 || err != nil || !slices.Equal(r.agent(), []string{strings.TrimSpace(string(id))}) {
			t.Fatalf("env %q args %q: exit %d, agent %q; want the deviceid kept in %s (%q, %v)", tc.env, tc.args, r.code, r.agent(), tc.want, id, err)
		}
		for _, d := range []string{"from-file", "from-env", "from-flag"} {
			if _, err := os.Stat(filepath.Join(dir, d)); d != tc.want && err == nil {
				t.Fatalf("env %q args %q: %s was created, but %s is the higher layer", tc.env, tc.args, d, tc.want)
			}
		}
		if err := os.RemoveAll(filepath.Join(dir, tc.want)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSignalDisconnectsCleanly checks that SIGTERM ends a connected agent
// with exit 0 and a clean DISCONNECT, so the broker does not publish its
// will; as a control, a SIGKILLed agent's will is published.
func TestSignalDisconnectsCleanly(t *testing.T) {
	dir := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	b := startBin(t, dir, "broker", "--listen", addr)
	b.waitLine(func(l string) bool { return strings.Contains(l, "embedded broker listening") }, "broker start")

	wills := make(chan string, 2)
	watcher := connectPaho(t, "tcp://"+addr, "watcher", nil)
	tok := watcher.Subscribe("wills/#", 1, func(_ paho.Client, m paho.Message) { wills <- string(m.Payload()) })
	if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	writeFile(t, filepath.Join(dir, "a.js"), `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("connected " + rc); });
c.connect("tcp://h", "will-" + imp.configparams.deviceid, {willtopic: "wills/agent", willmessage: "died"});
`)

	// Control: an agent killed without a chance to disconnect leaves a will.
	killed := startBin(t, dir, "run", "a.js", "--broker", "tcp://"+addr, "--state-dir", "k")
	killed.waitExact("[Agent] connected 0")
	_ = killed.cmd.Process.Kill()
	select {
	case w := <-wills:
		if w != "died" {
			t.Fatalf("will %q", w)
		}
	case <-time.After(waitLimit):
		t.Fatal("the control's will never arrived: the watcher cannot see wills")
	}

	p := startBin(t, dir, "run", "a.js", "--broker", "tcp://"+addr, "--state-dir", "s")
	p.waitExact("[Agent] connected 0")
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, p.stderr())
	}
	if out := p.output(); !slices.Contains(out, "[Status] agent stopped: interrupted") {
		t.Fatalf("output %q", out)
	}
	// The broker sends a will as soon as it sees a connection end without
	// DISCONNECT (as the control showed); a round trip through the broker
	// after the agent has exited proves it has processed that end.
	ping := make(chan struct{}, 1)
	watcher.Subscribe("ping", 1, func(paho.Client, paho.Message) { ping <- struct{}{} }).WaitTimeout(waitLimit)
	watcher.Publish("ping", 1, false, "x").WaitTimeout(waitLimit)
	select {
	case <-ping:
	case <-time.After(waitLimit):
		t.Fatal("no ping round trip")
	}
	select {
	case w := <-wills:
		t.Fatalf("the broker published the will %q: the agent did not disconnect cleanly", w)
	default:
	}
}

// connectPaho connects a plain paho client for a test to drive or watch a broker.
func connectPaho(t *testing.T, url, id string, tune func(*paho.ClientOptions)) paho.Client {
	t.Helper()
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetProtocolVersion(4).
		SetAutoReconnect(false).SetConnectRetry(false).SetConnectTimeout(waitLimit)
	if tune != nil {
		tune(o)
	}
	c := paho.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("connect %s: %v", url, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// TestSecretsNeverPrinted: passwords from the script (URL user info and
// options.password) and from the config never appear in any output: text
// or JSON logs, errors, or the report.
func TestSecretsNeverPrinted(t *testing.T) {
	const urlSecret, optSecret, cfgSecret = "urlpw-s3cr3t", "optpw-s3cr3t", "cfgpw-s3cr3t"
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "agenthost.yaml"), "embedded:\n  users: {alice: "+cfgSecret+"}\n")
	writeFile(t, filepath.Join(dir, "a.js"), `
const c = mqtt.createclient();
let tries = 0;
c.onconnect(function (rc) {
	server.log("rc " + rc);
	if (++tries == 1) c.connect("tcp://alice:`+urlSecret+`@h", "second", {username: "alice", password: "`+optSecret+`"});
});
try { c.connect("http://alice:`+urlSecret+`@h", "bad"); } catch (e) { server.error(e.message); }
c.connect("tcp://alice:`+urlSecret+`@h", "first", {username: "alice", password: "`+optSecret+`"});
`)
	for _, format := range []string{"text", "json"} {
		r := runBin(t, dir, "run", "a.js", "--until-idle", "--log-format", format, "--report", "r.json")
		all := r.rawOut + strings.Join(r.stderr, "\n")
		data, err := os.ReadFile(filepath.Join(dir, "r.json"))
		if err != nil {
			t.Fatal(err)
		}
		all += string(data)
		if !strings.Contains(all, "rc 4") || !strings.Contains(all, "xxxxx@h") {
			t.Fatalf("%s: the run did not do what the test needs: %q", format, all)
		}
		for _, secret := range []string{urlSecret, optSecret, cfgSecret} {
			if strings.Contains(all, secret) {
				t.Fatalf("%s output contains %q:\n%s", format, secret, all)
			}
		}
	}
}

// TestRefusedBrokerURLsNeverShowThePassword: a refused broker URL with a
// password, given as --broker, AGENTHOST_BROKER, the config file's broker or
// to connect(), ends in an error that shows the URL with its password
// replaced, for every way the URL rules refuse it, and the password
// appears in no output.
func TestRefusedBrokerURLsNeverShowThePassword(t *testing.T) {
	const secret = "S3cr3tPW"
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.js"), `server.log("ran");`)
	for _, c := range badurl.WithPassword(secret) {
		writeFile(t, filepath.Join(dir, "bad.yaml"), "broker: '"+c.URL+"'\n")
		writeFile(t, filepath.Join(dir, "connect.js"), `
try { mqtt.createclient().connect(`+strconv.Quote(c.URL)+`, "id"); } catch (e) { server.error(e.message); }`)
		for _, run := range []struct {
			from string
			env  []string
			args []string
			code int
			want string
		}{
			{"--broker", nil, []string{"run", "a.js", "--broker", c.URL}, 2, "agenthost: flag --broker: broker: "},
			{"AGENTHOST_BROKER", []string{"AGENTHOST_BROKER=" + c.URL}, []string{"run", "a.js"}, 2, "agenthost: env AGENTHOST_BROKER: broker: "},
			{"config file", nil, []string{"run", "a.js", "--config", "bad.yaml"}, 2, "agenthost: bad.yaml:1:9: broker: "},
			{"connect()", nil, []string{"run", "connect.js", "--until-idle"}, 0, "[Agent] ERROR: mqttclient.connect: argument 'url': "},
		} {
			r := runBinEnv(t, dir, run.env, run.args...)
			errText := strings.Join(r.stderr, "\n")
			if r.code != run.code || !strings.HasPrefix(errText, run.want) || !strings.Contains(errText, badurl.User+":xxxxx@") {
				t.Errorf("%s via %s: exit %d, stderr %q; want exit %d and an error starting %q with the URL redacted",
					c.Name, run.from, r.code, errText, run.code, run.want)
			}
			if strings.Contains(r.rawOut+errText, secret) {
				t.Errorf("%s via %s: the output shows the password:\n%s%s", c.Name, run.from, r.rawOut, errText)
			}
		}
	}
}

// TestSignalWritesReportsAndSecondSignalExits130: SIGTERM ends a run with
// its report written; when shutdown cannot finish (the report is a FIFO
// nobody reads), a second signal exits at once with 130.
func TestSignalWritesReportsAndSecondSignalExits130(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.js"), `server.log("up"); imp.wakeup(3600, function () {});`)
	p := startBin(t, dir, "run", "a.js", "--report", "r.json")
	p.waitExact("[Agent] up")
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "r.json")); err != nil || !strings.Contains(string(data), `"limiter": "log"`) && !strings.Contains(string(data), `"limiter":"log"`) {
		t.Fatalf("report after SIGTERM: %v %.200s", err, data)
	}

	// A report bigger than a pipe's buffer, written into a FIFO nobody
	// reads, never finishes: shutdown is stuck.
	fifo := filepath.Join(dir, "blocked.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	writeFile(t, filepath.Join(dir, "b.js"), `for (let i = 0; i < 3000; i++) server.log("line " + i); server.log("up");`)
	q := startBin(t, dir, "run", "b.js", "--report", "blocked.json", "--until-idle")
	q.waitExact("[Agent] up")
	// Keep pressing Ctrl-C, as a user would: two signals sent at once can
	// merge into one, so send them until the process is gone.
	stop := make(chan struct{})
	go func() {
		for {
			_ = q.cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	code := q.wait()
	close(stop)
	if code != 130 || !strings.Contains(q.stderr(), "second interrupt") {
		t.Fatalf("exit %d, stderr %q", code, q.stderr())
	}
}
