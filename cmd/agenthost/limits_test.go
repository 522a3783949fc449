package main

import (
	"strings"
	"testing"

	"github.com/agenthost/agenthost/exitcode"
)

func TestLimitsDefaults(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	code := c.run("limits")
	c.expect(code, exitcode.OK, []string{"log               rate 100/min (1.667/s)", "http              rate 2/s                   burst 40", "memory            256 MiB"}, nil)
	lines := c.stdout.lines()
	if len(lines) != 7 {
		t.Fatalf("%d lines, want 7 (one per limit):\n%s", len(lines), c.stdout.String())
	}
	for _, l := range lines {
		if !strings.HasSuffix(l, " default") {
			t.Errorf("line %q does not say the value is the default", l)
		}
	}
}

// TestLimitsConfigDiscovery: the config is --config (relative to the
// working directory), else AGENTHOST_CONFIG, else agenthost.yaml in the
// working directory; each value names FILE:LINE.
func TestLimitsConfigDiscovery(t *testing.T) {
	t.Parallel()
	const yaml = "limits:\n  log:\n    rate: %s\n"
	for _, tc := range []struct {
		name, file, rate string
		args             []string
		env              string
	}{
		{"working directory", "agenthost.yaml", "5/s", nil, ""},
		{"--config", "conf/a.yaml", "6/s", []string{"--config", "conf/a.yaml"}, ""},
		{"AGENTHOST_CONFIG", "conf/b.yaml", "7/s", nil, "conf/b.yaml"},
	} {
		c := newCLI(t)
		c.write(tc.file, strings.Replace(yaml, "%s", tc.rate, 1))
		if tc.name != "working directory" {
			// A decoy the chosen file must win over.
			c.write("agenthost.yaml", strings.Replace(yaml, "%s", "1/s", 1))
		}
		if tc.env != "" {
			c.env["AGENTHOST_CONFIG"] = tc.env
		}
		code := c.run(append([]string{"limits"}, tc.args...)...)
		c.expect(code, exitcode.OK, []string{"rate " + tc.rate, c.path(tc.file) + ":3"}, nil)
	}
}

func TestLimitsErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.write("agenthost.yaml", "limits:\n  log:\n    rate: fast\n")
	code := c.run("limits")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost: " + c.path("agenthost.yaml") + ":3:11: limits.log.rate: "})

	c = newCLI(t)
	code = c.run("limits", "--config", "nope.yaml")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost: " + c.path("nope.yaml") + ": config file not found\n"})

	c = newCLI(t)
	code = c.run("limits", "extra")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost limits: unexpected argument \"extra\"\n"})
}
