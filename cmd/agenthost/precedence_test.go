package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
)

// layered is one setting as each layer of the config sets it.
type layered struct {
	field         string // dotted config field
	file          string // YAML line setting it in agenthost.yaml
	fileValue     string // the value the file gives (after path resolution)
	env, envValue string // AGENTHOST_* variable and its value
	flag, flagVal string // run's flag and its value; "" when run has none
	def           string // the default
}

// settings are the fields that more than the file can set, each given a
// distinct value by every layer.
func settings(dir string) []layered {
	return []layered{
		{"broker", "broker: tcp://file.example:1883", "tcp://file.example:1883",
			"AGENTHOST_BROKER", "ssl://env.example:8883", "broker", "wss://flag.example/mqtt", "embedded"},
		{"log_format", "log_format: json", "json",
			"AGENTHOST_LOG_FORMAT", "text", "log-format", "json", "text"},
		{"state_dir", "state_dir: file-state", dir + "/file-state",
			"AGENTHOST_STATE_DIR", "env-state", "state-dir", "flag-state", dir + "/.agenthost"},
		{"embedded.listen", "embedded: {listen: 127.0.0.1:1001}", "127.0.0.1:1001",
			"AGENTHOST_EMBEDDED_LISTEN", "127.0.0.1:1002", "", "", "127.0.0.1:0"},
	}
}

// TestPrecedenceWithEveryLayerSet: for each setting of run, with the
// layers set one after another (defaults, then the file, then the
// environment, then the flag), the highest layer set wins and Sources
// names it: defaults < file < environment < flags.
func TestPrecedenceWithEveryLayerSet(t *testing.T) {
	t.Parallel()
	for _, s := range settings("{dir}") {
		for depth := 0; depth <= 3; depth++ {
			if depth == 3 && s.flag == "" {
				continue
			}
			c := newCLI(t)
			script := c.write("a.js", "")
			var args []string
			want, source := strings.ReplaceAll(s.def, "{dir}", c.dir), "default"
			if depth >= 1 {
				p := c.write("agenthost.yaml", s.file+"\n")
				want, source = strings.ReplaceAll(s.fileValue, "{dir}", c.dir), p+":1"
			}
			if depth >= 2 {
				c.env[s.env] = s.envValue
				want, source = s.envValue, "env "+s.env
				if s.field == "state_dir" {
					want = c.path(s.envValue)
				}
			}
			if depth >= 3 {
				args = []string{"--" + s.flag, s.flagVal}
				want, source = s.flagVal, "flag --"+s.flag
				if s.field == "state_dir" {
					want = c.path(s.flagVal)
				}
			}
			f := newFlags("run", runUsage)
			var cf configFlags
			cf.register(f, true, "the script")
			if _, _, err := f.parse(c.state(nil), args); err != nil {
				t.Fatal(err)
			}
			cfg, _, err := cf.load(c.state(nil), f, script)
			if err != nil {
				t.Fatalf("%s with %d layers: %v", s.field, depth, err)
			}
			got := map[string]string{"broker": cfg.Broker, "log_format": cfg.LogFormat, "state_dir": cfg.StateDir,
				"embedded.listen": cfg.Embedded.Listen}[s.field]
			if got != want || cfg.Sources[s.field] != source {
				t.Errorf("%s with %d layer(s) set: %q from %q, want %q from %q", s.field, depth, got, cfg.Sources[s.field], want, source)
			}
		}
	}
}

// TestRunPrecedenceAsTheUserSeesIt: a run with the file, the environment
// and the flags all set behaves as the highest layer says: the log format
// of the environment over the file's, the state directory and broker of
// the flags over both.
func TestRunPrecedenceAsTheUserSeesIt(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `
const c = mqtt.createclient();
c.onconnect(function (rc) { server.log("rc " + rc); if (rc == 0) c.disconnect(); });
c.connect("tcp://127.0.0.1:1", "precedence");
`)
	// Each losing layer names a broker or state directory that would fail
	// visibly: a port nobody listens on, a file where a directory should be.
	c.write("agenthost.yaml", "broker: tcp://127.0.0.1:1\nstate_dir: file-state\nlog_format: text\n")
	for _, f := range []string{"file-state", "env-state"} {
		c.write(f, "a file, not a directory")
	}
	c.env["AGENTHOST_BROKER"] = "script"
	c.env["AGENTHOST_STATE_DIR"] = "env-state"
	c.env["AGENTHOST_LOG_FORMAT"] = "json"
	code := c.run("run", "a.js", "--until-idle", "--broker", "embedded", "--state-dir", "flag-state")
	c.expect(code, exitcode.OK, []string{`{"level":"INFO","msg":"rc 0","source":"Agent",`}, nil)
	if _, err := os.Stat(c.path("flag-state/deviceid")); err != nil {
		t.Errorf("the --state-dir directory was not used: %v", err)
	}
	if strings.Contains(c.stdout.String(), "[Agent]") {
		t.Errorf("text log lines although AGENTHOST_LOG_FORMAT=json is above the file:\n%s", c.stdout.String())
	}

	// Without the flags, the environment's broker and state directory win.
	c = newCLI(t)
	c.write("a.js", `server.log("x");`)
	c.write("agenthost.yaml", "state_dir: file-state\n")
	c.write("env-state", "a file, not a directory")
	c.env["AGENTHOST_STATE_DIR"] = "env-state"
	code = c.run("run", "a.js", "--until-idle")
	c.expect(code, exitcode.Host, nil, []string{fmt.Sprintf("agenthost: state_dir: mkdir %s: not a directory\n", c.path("env-state"))})
}

// TestBrokerListenPrecedence: the broker command listens where --listen
// says, over AGENTHOST_EMBEDDED_LISTEN, over the file; each losing layer
// names an address that is busy, so using it would fail.
func TestBrokerListenPrecedence(t *testing.T) {
	t.Parallel()
	fileAddr, envAddr, flagAddr := busyAddr(t), busyAddr(t), busyAddr(t)
	for _, tc := range []struct {
		name string
		env  string
		args []string
		want string
	}{
		{"file", "", nil, fileAddr},
		{"env over file", envAddr, nil, envAddr},
		{"flag over env and file", envAddr, []string{"--listen", flagAddr}, flagAddr},
	} {
		c := newCLI(t)
		c.write("agenthost.yaml", "embedded: {listen: "+fileAddr+"}\n")
		if tc.env != "" {
			c.env["AGENTHOST_EMBEDDED_LISTEN"] = tc.env
		}
		code := c.run(append([]string{"broker"}, tc.args...)...)
		c.expect(code, exitcode.Host, nil, []string{tc.want, "address already in use"})
		for _, other := range []string{fileAddr, envAddr, flagAddr} {
			if other != tc.want && strings.Contains(c.stderr.String(), other) {
				t.Errorf("%s: the error names %s, a lower layer's address:\n%s", tc.name, other, c.stderr.String())
			}
		}
	}
}
