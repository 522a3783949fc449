package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
)

// TestConfigLookupIsOneOrder: run and test pick their config file in the
// same documented order (--config, AGENTHOST_CONFIG, beside the script or
// test file, the working directory, none), and --verbose says which file
// and why; the file chosen is the one whose configparams the agent sees.
func TestConfigLookupIsOneOrder(t *testing.T) {
	t.Parallel()
	const agent = `function who() { return imp.configparams.who || "defaults"; }`
	const testFile = `class Who extends ImpTestCase { testWho() { server.log("config " + who()); } }`
	for _, tc := range []struct {
		name  string
		files []string // config files written, each naming itself in configparams.who
		args  []string
		env   string
		want  string // the file chosen, "" for none
		from  string
	}{
		{"flag", []string{"c/flag.yaml", "c/env.yaml", "s/agenthost.yaml", "agenthost.yaml"}, []string{"--config", "c/flag.yaml"}, "c/env.yaml", "c/flag.yaml", "flag --config"},
		{"env", []string{"c/env.yaml", "s/agenthost.yaml", "agenthost.yaml"}, nil, "c/env.yaml", "c/env.yaml", "env AGENTHOST_CONFIG"},
		{"beside", []string{"s/agenthost.yaml", "agenthost.yaml"}, nil, "", "s/agenthost.yaml", "beside "},
		{"working directory", []string{"agenthost.yaml"}, nil, "", "agenthost.yaml", "in the working directory"},
		{"none", nil, nil, "", "", ""},
	} {
		for _, cmd := range []string{"run", "test"} {
			c := newCLI(t)
			for _, f := range tc.files {
				c.write(f, "configparams: {who: "+f+"}\n")
			}
			if tc.env != "" {
				c.env["AGENTHOST_CONFIG"] = tc.env
			}
			c.write("s/a.js", agent+"\nserver.log(\"config \" + who());")
			c.write("s/a.test.js", testFile)
			var args []string
			from := tc.from
			if cmd == "run" {
				args = append([]string{"run", "s/a.js", "--until-idle", "--verbose"}, tc.args...)
				if from == "beside " {
					from += "a.js"
				}
			} else {
				args = append([]string{"test", "s", "--verbose"}, tc.args...)
				if from == "beside " {
					from += "a.test.js"
				}
			}
			code := c.run(args...)
			who, described := "defaults", "none (the defaults)"
			if tc.want != "" {
				who, described = tc.want, c.path(tc.want)+" ("+from+")"
			}
			if cmd == "run" {
				c.expect(code, exitcode.OK, []string{"[Status] config: " + described + "\n", "[Agent] config " + who + "\n"}, nil)
			} else {
				c.expect(code, exitcode.OK, []string{"  config: " + described + "\n", "       [Agent] config " + who + "\n"}, nil)
			}
			if t.Failed() {
				t.Fatalf("%s, %s", tc.name, cmd)
			}
		}
	}
}

// TestRunVerboseNamesSettingSources: --verbose lists the settings that are
// not at their defaults with where each came from, names only.
func TestRunVerboseNamesSettingSources(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `server.log("x");`)
	c.write("agenthost.yaml", "state_dir: st\nembedded:\n  users: {alice: s3cret}\n")
	c.env["AGENTHOST_LOG_FORMAT"] = "text"
	code := c.run("run", "a.js", "--until-idle", "--verbose", "--http", "off")
	c.expect(code, exitcode.OK, []string{"[Status] settings not at their defaults: embedded.users (" + c.path("agenthost.yaml") + ":3), " +
		"http.listen (flag --http), log_format (env AGENTHOST_LOG_FORMAT), state_dir (" + c.path("agenthost.yaml") + ":1)\n"}, nil)
	if strings.Contains(c.stdout.String(), "s3cret") {
		t.Fatalf("--verbose printed a password:\n%s", c.stdout.String())
	}

	// Without --verbose, neither line.
	c = newCLI(t)
	c.write("a.js", `server.log("x");`)
	code = c.run("run", "a.js", "--until-idle")
	c.expect(code, exitcode.OK, anything, nil)
	if out := c.stdout.String(); strings.Contains(out, "config:") || strings.Contains(out, "settings") {
		t.Fatalf("without --verbose:\n%s", out)
	}
}

// TestBrokerNoteNamesItsSource: the [Status] line that redirects a connect
// names where the broker setting came from: the flag, the environment or
// the file and line, never "config" for a flag.
func TestBrokerNoteNamesItsSource(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	const script = `const c = mqtt.createclient(); c.connect("tcp://broker.example.com:1883", "x");`
	for _, tc := range []struct {
		name, yaml, env string
		args            []string
		source          string
	}{
		{"flag", "broker: tcp://127.0.0.1:1\n", "", []string{"--broker", "tcp://" + addr}, "flag --broker"},
		{"env", "broker: tcp://127.0.0.1:1\n", "tcp://" + addr, nil, "env AGENTHOST_BROKER"},
		{"file", "state_dir: st\nbroker: tcp://" + addr + "\n", "", nil, "{dir}/agenthost.yaml:2"},
	} {
		c := newCLI(t)
		c.write("a.js", script)
		c.write("agenthost.yaml", tc.yaml)
		if tc.env != "" {
			c.env["AGENTHOST_BROKER"] = tc.env
		}
		code := c.run(append([]string{"run", "a.js", "--until-idle"}, tc.args...)...)
		want := "[Status] tcp://broker.example.com:1883 -> tcp://" + addr + " (broker from " + strings.ReplaceAll(tc.source, "{dir}", c.dir) + ")\n"
		c.expect(code, exitcode.OK, []string{want}, anything)
		if t.Failed() {
			t.Fatalf("case %s", tc.name)
		}
	}
}

// TestTestConfigInResults: the config file each test file ran with is in
// the JSON start event and the JUnit properties.
func TestTestConfigInResults(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("x/agenthost.yaml", "configparams: {n: 1}\n")
	c.write("x/a.test.js", `class A extends ImpTestCase { testN() { this.assertEqual(1, imp.configparams.n); } }`)
	c.write("b.test.js", `class B extends ImpTestCase { testN() { this.assertEqual(undefined, imp.configparams.n); } }`)
	code := c.run("test", "--json", "--junit", "j.xml")
	c.expect(code, exitcode.OK, anything, nil)
	starts := map[string][2]string{}
	for _, l := range strings.Split(strings.TrimSpace(c.stdout.String()), "\n") {
		var e struct{ Action, File, Config, Config_from string }
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		if e.Action == "start" {
			starts[e.File] = [2]string{e.Config, e.Config_from}
		}
	}
	want := map[string][2]string{c.path("x/a.test.js"): {c.path("x/agenthost.yaml"), "beside a.test.js"}, c.path("b.test.js"): {"", ""}}
	if len(starts) != 2 || starts[c.path("x/a.test.js")] != want[c.path("x/a.test.js")] || starts[c.path("b.test.js")] != want[c.path("b.test.js")] {
		t.Fatalf("start events: %v, want %v", starts, want)
	}
	suites := readJUnit(t, c.path("j.xml"))
	for _, s := range suites.Suites {
		props := map[string]string{}
		for _, p := range s.Properties {
			props[p.Name] = p.Value
		}
		w := want[s.Name]
		if len(props) != 3 || props["config"] != w[0] || props["config_from"] != w[1] || props["agent"] != "" {
			t.Errorf("suite %s: properties %v, want config %q from %q", s.Name, props, w[0], w[1])
		}
	}
}
