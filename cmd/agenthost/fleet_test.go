package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/fleet"
)

func TestFleetUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no script", []string{"fleet", "--agents", "2"}, "agenthost fleet: want exactly one SCRIPT, got 0 argument(s)\n\nUsage: agenthost fleet SCRIPT"},
		{"no agents", []string{"fleet", "a.js"}, "agenthost fleet: --agents N is required (or --params FILE, one agent per row)\n\nUsage: agenthost fleet SCRIPT"},
		{"zero agents", []string{"fleet", "a.js", "--agents", "0"}, "agenthost fleet: --agents must be from 1 to 10000000, got 0\n"},
		{"bad shard", []string{"fleet", "a.js", "--agents", "4", "--shard", "2/2"}, "agenthost fleet: --shard: shard \"2/2\": I must be from 0 to 1 (N-1; I counts from 0)\n"},
		{"shard without a slash", []string{"fleet", "a.js", "--agents", "4", "--shard", "2"}, "agenthost fleet: --shard: \"2\" is not a shard: write I/N"},
		{"bad ramp", []string{"fleet", "a.js", "--agents", "4", "--ramp", "fast"}, "agenthost fleet: --ramp: \"fast\" is not a rate: use N/s, N/min or N/h, or off\n"},
		{"bad status", []string{"fleet", "a.js", "--agents", "4", "--status-every", "0s"}, "agenthost fleet: --status-every must be auto, off or a positive duration such as 5s, got \"0s\"\n"},
		{"negative for", []string{"fleet", "a.js", "--agents", "4", "--for", "-1s"}, "agenthost fleet: --for must not be negative, got -1s\n"},
		{"missing script", []string{"fleet", "missing.js", "--agents", "2"}, "agenthost fleet: script: open {dir}/missing.js: no such file or directory\n"},
		{"params not found", []string{"fleet", "a.js", "--params", "nope.csv"}, "agenthost fleet: {dir}/nope.csv: parameters file not found\n"},
		{"params without rows", []string{"fleet", "a.js", "--params", "empty.csv"}, "agenthost fleet: --params empty.csv has no rows: no agents to run\n"},
		{"more agents than rows", []string{"fleet", "a.js", "--params", "two.csv", "--agents", "3"}, "agenthost fleet: 3 agents but the parameters file has 2 rows (one per agent)\n"},
		{"unknown placeholder", []string{"fleet", "a.js", "--agents", "2", "--config", "ph.yaml"}, "agenthost fleet: configparams: topic: unknown placeholder {{agent}} in \"t/{{agent}}\" (use {{index}} or {{deviceid}})\n"},
		{"shards on the embedded broker", []string{"fleet", "a.js", "--agents", "4", "--shard", "1/2"},
			"agenthost fleet: --shard 1/2: the shards of a fleet run in separate processes and cannot share an embedded broker\nTry: point every shard at one broker with --broker URL"},
		{"bad broker", []string{"fleet", "a.js", "--agents", "2", "--broker", "http://x"}, "agenthost: flag --broker: broker: "},
	} {
		c := newCLI(t)
		c.write("a.js", `server.log("x");`)
		c.write("empty.csv", "deviceid\n")
		c.write("two.csv", "deviceid\na\nb\n")
		c.write("ph.yaml", "configparams: {topic: \"t/{{agent}}\"}\n")
		code := c.run(tc.args...)
		c.expect(code, exitcode.Usage, nil, []string{strings.ReplaceAll(tc.want, "{dir}", c.dir)})
		if t.Failed() {
			t.Fatalf("case %q", tc.name)
		}
	}
}

// fleetScript logs its parameters and ends (the fleet runs --until-idle).
const fleetScript = `server.log(imp.configparams.deviceid + " " + imp.configparams.site + " " + imp.configparams.n);`

func TestFleetRunsEveryAgentWithItsParams(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", fleetScript)
	c.write("agents.csv", "site,deviceid\nnorth,\"n-{{index}}\"\nsouth,s1\nwest,w2\n")
	c.write("agenthost.yaml", "configparams: {n: \"{{index}}\", site: none}\n")
	code := c.run("fleet", "a.js", "--params", "agents.csv", "--until-idle", "--ramp", "off", "--report", "r.json")
	c.expect(code, exitcode.OK, []string{
		"[Agent 0] n-0 north 0\n", "[Agent 1] s1 south 1\n", "[Agent 2] w2 west 2\n",
		"[Fleet] fleet \"a\": 3 agents of " + c.path("a.js") + ", ramp off\n",
		"[Fleet] fleet stopped: every agent has ended\n",
		"[Fleet] 3 agents: 3 started, 0 connected, 0 connects, 0 lost, 0 messages in, 0 out, 0 refused, 0 errors, 0 failed\n",
		"[Fleet] report written to " + c.path("r.json") + "\n",
	}, nil)
	var rep struct {
		Fleet struct {
			Name   string
			Agents int
		}
		Agents []struct {
			Index    int
			DeviceID string
			End      string
		}
	}
	data, err := os.ReadFile(c.path("r.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Fleet.Name != "a" || rep.Fleet.Agents != 3 || len(rep.Agents) != 3 || rep.Agents[1].DeviceID != "s1" || rep.Agents[2].End != "idle" {
		t.Errorf("report %+v", rep)
	}
}

func TestFleetAgentLogDestinations(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", fleetScript)
	code := c.run("fleet", "a.js", "--agents", "2", "--name", "plant", "--until-idle", "--log", "agents.log")
	if code != exitcode.OK || strings.Contains(c.stdout.String(), "[Agent") {
		t.Fatalf("exit %d, stdout:\n%s", code, c.stdout.String())
	}
	data, err := os.ReadFile(c.path("agents.log"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^\S+ \S+ \S+ \[Agent (\d)\] (\w+) undefined undefined$`)
	m := re.FindAllStringSubmatch(string(data), -1)
	if len(m) != 2 || m[0][2] != fleet.DeviceID("plant", atoi(m[0][1])) || m[1][2] != fleet.DeviceID("plant", atoi(m[1][1])) {
		t.Errorf("agents.log:\n%s", data)
	}

	c = newCLI(t)
	c.write("a.js", fleetScript)
	code = c.run("fleet", "a.js", "--agents", "2", "--until-idle", "--log", "off")
	c.expect(code, exitcode.OK, []string{"[Fleet] 2 agents: 2 started"}, nil)
	if strings.Contains(c.stdout.String(), "[Agent") {
		t.Errorf("--log off printed agent lines:\n%s", c.stdout.String())
	}
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

func TestFleetStopsCleanlyOnInterrupt(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `
const client = mqtt.createclient();
client.onconnect(function (rc) { server.log("up " + rc); });
client.connect("tcp://x.invalid:1883", "c-" + imp.configparams.deviceid);
`)
	r := c.start("fleet", "a.js", "--agents", "3", "--ramp", "off")
	c.stdout.await(t, "all connected", func(s string) bool { return strings.Contains(s, "[Fleet] all 3 agents connected, ") })
	if n := c.signals.send(syscall.SIGTERM); n != 1 {
		t.Fatalf("signal reached %d watchers", n)
	}
	code := r.wait()
	c.expect(code, exitcode.OK, []string{"[Agent 0] up 0", "[Agent 2] up 0", "[Fleet] fleet stopped: interrupted\n",
		"[Fleet] 3 agents: 3 started, 3 connected, 3 connects, 0 lost"}, nil)
}

func TestFleetHostErrorsExit3(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", `server.log("x");`)
	busy := busyAddr(t)
	c.write("agenthost.yaml", "embedded: {listen: "+busy+"}\n")
	code := c.run("fleet", "a.js", "--agents", "2", "--until-idle")
	c.expect(code, exitcode.Host, nil, []string{"agenthost fleet: ", "address already in use", "\nTry: set embedded.listen to a free address"})

	c = newCLI(t)
	c.write("a.js", `server.log("ran");`)
	code = c.run("fleet", "a.js", "--agents", "2", "--until-idle", "--report", "/dev/full")
	c.expect(code, exitcode.Host, []string{"[Agent 1] ran"}, []string{"agenthost fleet: --report: ", "/dev/full", "Try: check that the report's directory exists and is writable"})
}

// TestFleetOutputPathsAreCheckedFirst: an unwritable --report,
// --cpuprofile or --memprofile is a bad argument found before any agent
// starts, not after the run.
func TestFleetOutputPathsAreCheckedFirst(t *testing.T) {
	t.Parallel()
	for _, flag := range []string{"--report", "--cpuprofile", "--memprofile"} {
		c := newCLI(t)
		c.write("a.js", `server.log("ran");`)
		code := c.run("fleet", "a.js", "--agents", "2", "--until-idle", flag, "no/such/dir/out")
		c.expect(code, exitcode.Usage, nil, []string{"agenthost fleet: " + flag + ": ", "no/such/dir/out"})
		if strings.Contains(c.stdout.String(), "ran") {
			t.Errorf("%s: agents ran before the path was checked:\n%s", flag, c.stdout.String())
		}
	}
}

func TestFleetScriptErrorsExit1(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("a.js", "let = ;")
	code := c.run("fleet", "a.js", "--agents", "2")
	c.expect(code, exitcode.ScriptError, nil, []string{"[Agent] ERROR: a.js:1:7: SyntaxError: Unexpected token ;\n"})
	if n := count(c.stderr.String(), "SyntaxError"); n != 1 {
		t.Errorf("the syntax error is printed %d times", n)
	}

	c = newCLI(t)
	c.write("a.js", `if (imp.configparams.n == 1) throw new Error("no"); server.log("fine");`)
	c.write("agenthost.yaml", "configparams: {n: \"{{index}}\"}\n")
	code = c.run("fleet", "a.js", "--agents", "3", "--until-idle")
	c.expect(code, exitcode.ScriptError, []string{"[Agent 0] fine", "[Agent 2] fine"},
		[]string{"[Agent 1] ERROR: a.js:1:36: Error: no\n", "agenthost fleet: 1 of 3 agents stopped with a script error (logged above)\n"})
}
