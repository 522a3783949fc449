package configparams

import (
	"github.com/agenthost/agenthost/ratelimit"

	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// limitFieldNames are the Sources entries of the limits: section.
var limitFieldNames = []string{
	"limits.log.rate", "limits.log.burst",
	"limits.mqtt_outbound.rate", "limits.mqtt_outbound.burst", "limits.mqtt_outbound.buffer",
	"limits.mqtt_inbound.rate", "limits.mqtt_inbound.burst",
	"limits.message_size",
}

// loadLimits loads content, failing the test on error.
func loadLimits(t *testing.T, content string) (*Config, string) {
	t.Helper()
	p := writeConfig(t, t.TempDir(), content)
	c, err := Load(p)
	if err != nil {
		t.Fatalf("Load(%q): %v", content, err)
	}
	return c, p
}

// approx reports whether a and b agree to within rounding.
func approx(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

func TestLimitsDefaults(t *testing.T) {
	c := Default()
	want := Limits{
		Log:            ratelimit.Spec{Rate: 100.0 / 60, Burst: 6000, Text: "100/min"},
		MQTTOutbound:   ratelimit.Spec{Rate: 10, Burst: 100, Buffer: 100, Text: "10/s"},
		MQTTInbound:    ratelimit.Spec{Rate: 100, Burst: 1000, Text: "100/s"},
		MessageSize:    262144,
		CPUPerCallback: 10 * time.Second,
		Memory:         256 << 20,
		HTTP:           ratelimit.Spec{Rate: 2, Burst: 40, Text: "2/s"},
	}
	if c.Limits != want {
		t.Errorf("Limits = %+v, want %+v", c.Limits, want)
	}
	for _, f := range limitFieldNames {
		if c.Sources[f] != "default" {
			t.Errorf("Sources[%q] = %q, want default", f, c.Sources[f])
		}
	}
	// An empty or null limits section, and empty limiters, keep the defaults.
	for _, content := range []string{"limits:\n", "limits: {}\n", "limits:\n  log:\n  mqtt_outbound: {}\n"} {
		l, _ := loadLimits(t, content)
		if l.Limits != want {
			t.Errorf("%q: Limits = %+v, want defaults", content, l.Limits)
		}
		for _, f := range limitFieldNames {
			if l.Sources[f] != "default" {
				t.Errorf("%q: Sources[%q] = %q, want default", content, f, l.Sources[f])
			}
		}
	}
}

func TestLimitsFullSection(t *testing.T) {
	c, p := loadLimits(t, `broker: embedded
limits:
  log:            {rate: 50/min, burst: 600}
  mqtt_outbound:
    rate: 20/s
    burst: 200
    buffer: 0
  mqtt_inbound:   {rate: 1000/h, burst: 10}
  message_size:   1MiB
`)
	want := Limits{
		Log:            ratelimit.Spec{Rate: 50.0 / 60, Burst: 600, Text: "50/min"},
		MQTTOutbound:   ratelimit.Spec{Rate: 20, Burst: 200, Buffer: 0, Text: "20/s"},
		MQTTInbound:    ratelimit.Spec{Rate: 1000.0 / 3600, Burst: 10, Text: "1000/h"},
		MessageSize:    1 << 20,
		CPUPerCallback: 10 * time.Second,
		Memory:         256 << 20,
		HTTP:           ratelimit.Spec{Rate: 2, Burst: 40, Text: "2/s"},
	}
	if c.Limits != want {
		t.Errorf("Limits = %+v\nwant %+v", c.Limits, want)
	}
	wantSources := map[string]string{
		"limits.log.rate": "3", "limits.log.burst": "3",
		"limits.mqtt_outbound.rate": "5", "limits.mqtt_outbound.burst": "6", "limits.mqtt_outbound.buffer": "7",
		"limits.mqtt_inbound.rate": "8", "limits.mqtt_inbound.burst": "8",
		"limits.message_size": "9",
	}
	for f, line := range wantSources {
		if c.Sources[f] != p+":"+line {
			t.Errorf("Sources[%q] = %q, want %s:%s", f, c.Sources[f], p, line)
		}
	}
}

func TestLimitsRateUnits(t *testing.T) {
	for _, tc := range []struct {
		text string
		want float64
	}{
		{"10/s", 10},
		{"120/min", 2},
		{"7200/h", 2},
		{"0.5/s", 0.5},
		{"2/min", 2.0 / 60},
		{"1.5/h", 1.5 / 3600},
		{".25/s", 0.25},
		{"3./min", 3.0 / 60},
		{"+4/s", 4},
		{"007/s", 7},
		{"1000000/s", 1e6},
	} {
		got, err := ParseRate(tc.text)
		if err != nil || !approx(got, tc.want) {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", tc.text, got, err, tc.want)
		}
		c, _ := loadLimits(t, "limits:\n  mqtt_inbound:\n    rate: "+tc.text+"\n")
		if b := c.Limits.MQTTInbound; b.Off || !approx(b.Rate, tc.want) || b.Text != tc.text || b.Burst != 1000 {
			t.Errorf("rate: %s loaded as %+v, want Rate %v", tc.text, b, tc.want)
		}
	}
}

func TestLimitsOff(t *testing.T) {
	// rate: off switches the limiter off but keeps (and checks) its other values.
	c, p := loadLimits(t, "limits:\n  log:\n    rate: off\n    burst: 7\n")
	if b := c.Limits.Log; !b.Off || b.Rate != 0 || b.Text != "off" || b.Burst != 7 {
		t.Errorf("log = %+v, want off with burst 7", b)
	}
	if c.Sources["limits.log.rate"] != p+":3" || c.Sources["limits.log.burst"] != p+":4" {
		t.Errorf("Sources = %v", c.Sources)
	}

	// off in place of a whole limiter: every field's source is that line.
	c, p = loadLimits(t, "limits:\n  log: off\n  mqtt_outbound: off\n  mqtt_inbound: off\n  http: off\n  message_size: off\n")
	for i, l := range limiters {
		b := l.bucket(c)
		if !b.Off || b.Rate != 0 || b.Text != "off" {
			t.Errorf("%s = %+v, want off", l.name, *b)
		}
		line := p + ":" + string(rune('2'+i))
		for _, f := range limitFieldNames {
			if strings.HasPrefix(f, "limits."+l.name+".") && c.Sources[f] != line {
				t.Errorf("Sources[%q] = %q, want %s", f, c.Sources[f], line)
			}
		}
	}
	if c.Limits.MessageSize != 0 || c.Sources["limits.message_size"] != p+":6" {
		t.Errorf("message_size = %d from %q, want 0 (off) from line 6", c.Limits.MessageSize, c.Sources["limits.message_size"])
	}
	if d := defaultLimits(); c.Limits.MQTTOutbound.Burst != d.MQTTOutbound.Burst || c.Limits.MQTTOutbound.Buffer != d.MQTTOutbound.Buffer {
		t.Errorf("mqtt_outbound: off changed burst or buffer: %+v", c.Limits.MQTTOutbound)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate with limiters off: %v", err)
	}

	// off through an alias, and ParseRate/ParseSize of off.
	c, _ = loadLimits(t, "limits:\n  log: &o off\n  mqtt_inbound: *o\n")
	if !c.Limits.Log.Off || !c.Limits.MQTTInbound.Off || c.Limits.MQTTOutbound.Off {
		t.Errorf("aliased off: %+v", c.Limits)
	}
	if r, err := ParseRate("off"); r != 0 || err != nil {
		t.Errorf("ParseRate(off) = %v, %v", r, err)
	}
	if n, err := ParseSize("off"); n != 0 || err != nil {
		t.Errorf("ParseSize(off) = %v, %v", n, err)
	}
}

func TestLimitsMessageSize(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int64
	}{
		{"256KiB", 262144},
		{"1MiB", 1 << 20},
		{"262144", 262144},
		{"100B", 100},
		{"1 KiB", 1024},
		{"1", 1},
		{"256MiB", 256 << 20},
		{"268435456", 256 << 20},
		{"'2048'", 2048},
	} {
		c, _ := loadLimits(t, "limits:\n  message_size: "+tc.text+"\n")
		if c.Limits.MessageSize != tc.want {
			t.Errorf("message_size: %s = %d, want %d", tc.text, c.Limits.MessageSize, tc.want)
		}
		if n, err := ParseSize(strings.Trim(tc.text, "'")); n != tc.want || err != nil {
			t.Errorf("ParseSize(%s) = %d, %v; want %d", tc.text, n, err, tc.want)
		}
	}
	if n, err := ParseSize("1024MiB"); n != 1<<30 || err != nil {
		t.Errorf("ParseSize(1024MiB) = %d, %v; ParseSize applies no maximum", n, err)
	}
}

// TestLimitsErrors checks every invalid value and key is reported at the
// exact line, column and field.
func TestLimitsErrors(t *testing.T) {
	tests := []struct {
		name, yaml   string
		line, column int
		field        string
		msg          string // the whole Msg
	}{
		{"rate per day", "limits:\n  log: {rate: 100/day}\n", 2, 15, "limits.log.rate",
			`"100/day" is not a rate: use N/s, N/min or N/h, or off`},
		{"rate without unit", "limits:\n  log:\n    rate: 100\n", 3, 11, "limits.log.rate",
			`"100" is not a rate: use N/s, N/min or N/h, or off`},
		{"rate not a number", "limits:\n  mqtt_inbound: {rate: abc/s}\n", 2, 24, "limits.mqtt_inbound.rate",
			`"abc/s" is not a rate: use N/s, N/min or N/h, or off`},
		{"rate exponent", "limits:\n  mqtt_inbound: {rate: 1e3/s}\n", 2, 24, "limits.mqtt_inbound.rate",
			`"1e3/s" is not a rate: use N/s, N/min or N/h, or off`},
		{"rate sec", "limits:\n  mqtt_outbound: {rate: 5/sec}\n", 2, 25, "limits.mqtt_outbound.rate",
			`"5/sec" is not a rate: use N/s, N/min or N/h, or off (did you mean 5/s?)`},
		{"rate minute", "limits:\n  log: {rate: 5/m}\n", 2, 15, "limits.log.rate",
			`"5/m" is not a rate: use N/s, N/min or N/h, or off (did you mean 5/min?)`},
		{"rate zero", "limits:\n  log: {rate: 0/s}\n", 2, 15, "limits.log.rate",
			`"0/s" is not a rate: N must be positive (use off to switch the limiter off)`},
		{"rate negative", "limits:\n  log: {rate: -2/min}\n", 2, 15, "limits.log.rate",
			`"-2/min" is not a rate: N must be positive (use off to switch the limiter off)`},
		{"rate empty", "limits:\n  log: {rate: ''}\n", 2, 15, "limits.log.rate",
			`"" is not a rate: use N/s, N/min or N/h, or off`},
		{"rate bool", "limits:\n  log: {rate: false}\n", 2, 15, "limits.log.rate",
			`"false" is not a rate: use N/s, N/min or N/h, or off`},
		{"rate null", "limits:\n  log:\n    rate:\n", 3, 10, "limits.log.rate",
			"expected a rate (N/s, N/min or N/h) or off, got no value (null)"},
		{"rate list", "limits:\n  log: {rate: [1/s]}\n", 2, 15, "limits.log.rate",
			"expected a rate (N/s, N/min or N/h) or off, got a list"},
		{"rate too large", "limits:\n  log: {rate: " + strings.Repeat("9", 400) + "/s}\n", 2, 15, "limits.log.rate",
			`"` + strings.Repeat("9", 400) + `/s" is not a rate: ` + strings.Repeat("9", 400) + " is too large"},
		{"burst zero", "limits:\n  log: {burst: 0}\n", 2, 16, "limits.log.burst", `"0" is not a whole number >= 1`},
		{"burst negative", "limits:\n  mqtt_inbound:\n    burst: -5\n", 3, 12, "limits.mqtt_inbound.burst", `"-5" is not a whole number >= 1`},
		{"burst decimal", "limits:\n  mqtt_outbound: {burst: 1.5}\n", 2, 26, "limits.mqtt_outbound.burst", `"1.5" is not a whole number >= 1`},
		{"burst word", "limits:\n  log: {burst: ten}\n", 2, 16, "limits.log.burst", `"ten" is not a whole number >= 1`},
		{"burst too large", "limits:\n  log: {burst: 99999999999999999999}\n", 2, 16, "limits.log.burst", `"99999999999999999999" is too large`},
		{"burst mapping", "limits:\n  log:\n    burst: {n: 1}\n", 3, 12, "limits.log.burst", "expected a whole number, got a mapping"},
		{"buffer negative", "limits:\n  mqtt_outbound: {buffer: -1}\n", 2, 27, "limits.mqtt_outbound.buffer", `"-1" is not a whole number >= 0`},
		{"buffer decimal", "limits:\n  mqtt_outbound:\n    buffer: 0.5\n", 3, 13, "limits.mqtt_outbound.buffer", `"0.5" is not a whole number >= 0`},
		{"size zero", "limits:\n  message_size: 0\n", 2, 17, "limits.message_size", `"0" is too small: at least 1 byte (or off)`},
		{"size zero KiB", "limits:\n  message_size: 0KiB\n", 2, 17, "limits.message_size", `"0KiB" is too small: at least 1 byte (or off)`},
		{"size too large", "limits:\n  message_size: 257MiB\n", 2, 17, "limits.message_size", `"257MiB" is more than the maximum, 256MiB`},
		{"size one over", "limits:\n  message_size: 268435457\n", 2, 17, "limits.message_size", `"268435457" is more than the maximum, 256MiB`},
		{"size overflow", "limits:\n  message_size: 9223372036854775807MiB\n", 2, 17, "limits.message_size", `"9223372036854775807MiB" is too large`},
		{"size KB", "limits:\n  message_size: 256KB\n", 2, 17, "limits.message_size",
			`"256KB" is not a size: the suffix must be B, KiB, MiB or GiB (did you mean 256KiB?)`},
		{"size GiB", "limits:\n  message_size: 1GiB\n", 2, 17, "limits.message_size", `"1GiB" is more than the maximum, 256MiB`},
		{"size GB", "limits:\n  memory: 2GB\n", 2, 11, "limits.memory", `"2GB" is not a size from 16MiB to 64GiB (e.g. 256MiB) or off`},
		{"memory over", "limits:\n  memory: 65GiB\n", 2, 11, "limits.memory", `"65GiB" is not a size from 16MiB to 64GiB (e.g. 256MiB) or off`},
		{"size decimal", "limits:\n  message_size: 1.5MiB\n", 2, 17, "limits.message_size",
			`"1.5MiB" is not a size: use bytes (e.g. 262144) or B, KiB, MiB or GiB (e.g. 256KiB), or off`},
		{"size negative", "limits:\n  message_size: -1\n", 2, 17, "limits.message_size",
			`"-1" is not a size: use bytes (e.g. 262144) or B, KiB, MiB or GiB (e.g. 256KiB), or off`},
		{"size list", "limits:\n  message_size: [1]\n", 2, 17, "limits.message_size", "expected a size (e.g. 256KiB) or off, got a list"},
		{"limiter on", "limits:\n  log: on\n", 2, 8, "limits.log", `expected a mapping or off, got the string "on"`},
		{"limiter number", "limits:\n  mqtt_outbound: 10\n", 2, 18, "limits.mqtt_outbound", "expected a mapping or off, got the integer 10"},
		{"limiter Off", "limits:\n  mqtt_inbound: Off\n", 2, 17, "limits.mqtt_inbound", `expected a mapping or off, got the string "Off"`},
		{"limits off", "limits: off\n", 1, 9, "limits", `expected a mapping, got the string "off"`},
		{"unknown limiter", "limits:\n  mqtt_outbond: {rate: 1/s}\n", 2, 3, "limits", `unknown key "mqtt_outbond" (did you mean "mqtt_outbound"?)`},
		{"unknown inbound", "limits:\n  mqtt_inbond: off\n", 2, 3, "limits", `unknown key "mqtt_inbond" (did you mean "mqtt_inbound"?)`},
		{"unknown size key", "limits:\n  message-size: 1\n", 2, 3, "limits", `unknown key "message-size" (did you mean "message_size"?)`},
		{"unknown rate key", "limits:\n  log: {rte: 1/s}\n", 2, 9, "limits.log", `unknown key "rte" (did you mean "rate"?)`},
		{"unknown burst key", "limits:\n  mqtt_inbound:\n    brust: 3\n", 3, 5, "limits.mqtt_inbound", `unknown key "brust" (did you mean "burst"?)`},
		{"unknown buffer key", "limits:\n  mqtt_outbound: {bufer: 3}\n", 2, 19, "limits.mqtt_outbound", `unknown key "bufer" (did you mean "buffer"?)`},
		{"buffer without buffer", "limits:\n  log: {buffer: 3}\n", 2, 9, "limits.log",
			`unknown key "buffer" (did you mean "limits.mqtt_outbound.buffer"?)`},
		{"nothing close", "limits:\n  cpu: 1\n", 2, 3, "limits",
			`unknown key "cpu" (valid keys: cpu_per_callback, http, log, memory, message_size, mqtt_inbound, mqtt_outbound)`},
		{"misplaced rate", "rate: 1/s\n", 1, 1, "", `unknown key "rate" (did you mean "limits.log.rate"?)`},
		{"misplaced limiter", "log: off\n", 1, 1, "", `unknown key "log" (did you mean "limits.log"?)`},
		{"unknown top key", "limit:\n  log: off\n", 1, 1, "", `unknown key "limit" (did you mean "limits"?)`},
		{"duplicate key", "limits:\n  log: {rate: 1/s, rate: 2/s}\n", 2, 20, "limits.log", `duplicate key "rate" (first on line 2)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeConfig(t, t.TempDir(), tc.yaml)
			c, err := Load(p)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", c.Limits)
			}
			errs := configErrors(t, err)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), err)
			}
			e := errs[0]
			if e.File != p || e.Line != tc.line || e.Column != tc.column || e.Field != tc.field {
				t.Errorf("error at %s:%d:%d field %q, want %s:%d:%d field %q (%v)",
					e.File, e.Line, e.Column, e.Field, p, tc.line, tc.column, tc.field, err)
			}
			if e.Msg != tc.msg {
				t.Errorf("Msg = %q\n want %q", e.Msg, tc.msg)
			}
		})
	}
}

func TestLimitsErrorFormat(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeConfig(t, dir, "# limits\nlimits:\n  log:       {rate: 100/day, burst: 6000}\n")
	_, err := Load(DefaultFileName)
	if got, want := err.Error(), `agenthost.yaml:3:21: limits.log.rate: "100/day" is not a rate: use N/s, N/min or N/h, or off`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// Every problem is reported, each at its own position.
	writeConfig(t, dir, "limits:\n  log: {rate: 1/day, burst: 0}\n  mqtt_outbond: off\n  message_size: 1GiB\n")
	_, err = Load(DefaultFileName)
	var got []string
	for _, e := range configErrors(t, err) {
		got = append(got, e.Error()[:strings.Index(e.Error(), ": ")+1]+" "+e.Field)
	}
	want := []string{
		"agenthost.yaml:2:15: limits.log.rate",
		"agenthost.yaml:2:29: limits.log.burst",
		"agenthost.yaml:3:3: limits",
		"agenthost.yaml:4:17: limits.message_size",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors %q\nwant %q\n%v", got, want, err)
	}
}

func TestLimitsSet(t *testing.T) {
	c, p := loadLimits(t, "limits:\n  log: {rate: 1/s, burst: 5}\n  mqtt_inbound: off\n")
	for _, name := range limitFieldNames {
		if !slices.Contains(SettableFields(), name) {
			t.Errorf("SettableFields lacks %s", name)
		}
	}
	sets := []struct{ field, value string }{
		{"limits.log.rate", "30/min"},
		{"limits.mqtt_outbound.buffer", "0"},
		{"limits.mqtt_inbound.rate", "2.5/s"},
		{"limits.mqtt_outbound.rate", "off"},
		{"limits.message_size", "64KiB"},
	}
	for _, s := range sets {
		if err := c.Set(s.field, s.value, "flag --limit"); err != nil {
			t.Fatalf("Set(%s, %s): %v", s.field, s.value, err)
		}
	}
	want := Limits{
		Log:            ratelimit.Spec{Rate: 0.5, Burst: 5, Text: "30/min"},
		MQTTOutbound:   ratelimit.Spec{Off: true, Burst: 100, Buffer: 0, Text: "off"},
		MQTTInbound:    ratelimit.Spec{Rate: 2.5, Burst: 1000, Text: "2.5/s"},
		MessageSize:    64 << 10,
		CPUPerCallback: 10 * time.Second,
		Memory:         256 << 20,
		HTTP:           ratelimit.Spec{Rate: 2, Burst: 40, Text: "2/s"},
	}
	if c.Limits != want {
		t.Errorf("Limits = %+v\nwant %+v", c.Limits, want)
	}
	for _, s := range sets {
		if c.Sources[s.field] != "flag --limit" {
			t.Errorf("Sources[%q] = %q", s.field, c.Sources[s.field])
		}
	}
	if c.Sources["limits.log.burst"] != p+":2" || c.Sources["limits.mqtt_inbound.burst"] != p+":3" {
		t.Errorf("Sources = %v", c.Sources)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}

	// Invalid values are errors naming the source and field, and change nothing.
	before := c.Limits
	for _, s := range []struct{ field, value, msg string }{
		{"limits.log.rate", "5/day", `flag --limit: limits.log.rate: "5/day" is not a rate: use N/s, N/min or N/h, or off`},
		{"limits.log.burst", "0", `flag --limit: limits.log.burst: "0" is not a whole number >= 1`},
		{"limits.message_size", "512MiB", `flag --limit: limits.message_size: "512MiB" is more than the maximum, 256MiB`},
		{"limits.log.rat", "1/s", `flag --limit: limits.log.rat: unknown field (did you mean "limits.log.rate"?)`},
		{"limits.log", "off", ""}, // whole limiters are not settable; rate is
	} {
		err := c.Set(s.field, s.value, "flag --limit")
		if err == nil || (s.msg != "" && err.Error() != s.msg) {
			t.Errorf("Set(%s, %s) = %v\n want %s", s.field, s.value, err, s.msg)
		}
	}
	if c.Limits != before {
		t.Errorf("failed Set changed Limits: %+v", c.Limits)
	}
}

func TestLimitsValidateProgrammatic(t *testing.T) {
	c := Default()
	c.Limits.Log.Rate = 0
	c.Limits.MQTTOutbound.Burst = 0
	c.Limits.MQTTOutbound.Buffer = -1
	c.Limits.MQTTInbound.Rate = math.NaN()
	c.Limits.MessageSize = MaxMessageSize + 1
	var got []string
	for _, e := range configErrors(t, c.Validate()) {
		got = append(got, e.Error())
	}
	want := []string{
		`default: limits.log.rate: "0/s" is not a rate: N must be positive (use off to switch the limiter off)`,
		`default: limits.mqtt_outbound.burst: "0" is not a whole number >= 1`,
		`default: limits.mqtt_outbound.buffer: "-1" is not a whole number >= 0`,
		`default: limits.mqtt_inbound.rate: "NaN/s" is not a rate: use N/s, N/min or N/h, or off`,
		`default: limits.message_size: "268435457" is more than the maximum, 256MiB`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Validate:\n got %q\nwant %q", got, want)
	}

	// A rate assigned without Text is valid and shown per second.
	c = Default()
	c.Limits.Log = ratelimit.Spec{Rate: 2.5, Burst: 3}
	c.Limits.MQTTInbound = ratelimit.Spec{Off: true, Burst: 1}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if out := c.FormatLimits(); !strings.Contains(out, "rate 2.5/s ") || !strings.Contains(out, "burst 3 ") {
		t.Errorf("FormatLimits:\n%s", out)
	}
}

// TestMemoryAcceptsItsWholeRange: every size the error text promises is
// accepted, GiB included.
func TestMemoryAcceptsItsWholeRange(t *testing.T) {
	for v, want := range map[string]int64{"16MiB": 16 << 20, "2GiB": 2 << 30, "64GiB": 64 << 30, "1 GiB": 1 << 30} {
		path := filepath.Join(t.TempDir(), "agenthost.yaml")
		if err := os.WriteFile(path, []byte("limits:\n  memory: "+v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil || c.Limits.Memory != want {
			t.Errorf("memory %s: %v, %+v", v, err, c)
		}
	}
}

func TestParseRateAndSizeErrors(t *testing.T) {
	for _, s := range []string{"", "off ", "OFF", "1", "/s", "1/", "1/S", "1/d", "1 /s", "1/ s", "x/s", "1e2/s", "1/s/s", "0/h", "-1/s", "0.0/min", "1,5/s"} {
		if r, err := ParseRate(s); err == nil {
			t.Errorf("ParseRate(%q) = %v, want error", s, r)
		}
	}
	for _, s := range []string{"", "Off", "0", "0B", "-1", "1.0", "1  KiB", " 1", "1KiB ", "1kiB", "1TiB", "KiB", "1e3", "9223372036854775808", "8796093022208MiB"} {
		if n, err := ParseSize(s); err == nil {
			t.Errorf("ParseSize(%q) = %v, want error", s, n)
		}
	}
}

func TestFormatLimitsDefaults(t *testing.T) {
	got := Default().FormatLimits()
	want := "" +
		"log               rate 100/min (1.667/s)     burst 6000              default\n" +
		"mqtt_outbound     rate 10/s                  burst 100   buffer 100  default\n" +
		"mqtt_inbound      rate 100/s                 burst 1000              default\n" +
		"http              rate 2/s                   burst 40                default\n" +
		"message_size      256 KiB (262144 bytes)                             default\n" +
		"cpu_per_callback  10s per callback                                   default\n" +
		"memory            256 MiB (268435456 bytes)                          default\n"
	if got != want {
		t.Errorf("FormatLimits:\n%s\nwant:\n%s", got, want)
	}
}

func TestFormatLimitsFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeConfig(t, dir, `limits:
  log:
    rate: 2/min
  mqtt_outbound: {rate: 0.5/s, burst: 5, buffer: 0}
  mqtt_inbound: off
  message_size: 1000
`)
	c, err := Load(DefaultFileName)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set("limits.log.burst", "20", "flag --limit"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(c.FormatLimits(), "\n"), "\n")
	want := [][]string{
		{"log ", "rate 2/min (0.03333/s)", "burst 20 ", "rate: agenthost.yaml:3, burst: flag --limit"},
		{"mqtt_outbound ", "rate 0.5/s ", "burst 5 ", "buffer 0 ", "agenthost.yaml:4"},
		{"mqtt_inbound ", "off ", "agenthost.yaml:5"},
		{"http ", "rate 2/s ", "burst 40 ", "default"},
		{"message_size ", "1000 bytes ", "agenthost.yaml:6"},
		{"cpu_per_callback ", "10s per callback ", "default"},
		{"memory ", "256 MiB (268435456 bytes) ", "default"},
	}
	if len(lines) != len(want) {
		t.Fatalf("FormatLimits has %d lines, want %d:\n%s", len(lines), len(want), c.FormatLimits())
	}
	for i, parts := range want {
		if !strings.HasPrefix(lines[i], parts[0]) || !strings.HasSuffix(lines[i], parts[len(parts)-1]) {
			t.Errorf("line %q does not start with %q and end with %q", lines[i], parts[0], parts[len(parts)-1])
		}
		for _, p := range parts {
			if !strings.Contains(lines[i], p) {
				t.Errorf("line %q lacks %q", lines[i], p)
			}
		}
		if strings.Contains(lines[i], "off") && strings.Contains(lines[i], "burst") {
			t.Errorf("line %q shows a burst for a limiter that is off", lines[i])
		}
	}
	// The columns line up: values start at the same offset on every line,
	// and so do the bursts.
	col := strings.Index(lines[0], "rate")
	for _, l := range lines {
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("line %q: value does not start at column %d", l, col)
		}
	}
	if strings.Index(lines[0], "burst") != strings.Index(lines[1], "burst") {
		t.Errorf("bursts not aligned:\n%s\n%s", lines[0], lines[1])
	}

	// Sizes are shown in the largest whole unit, with the byte count.
	for n, want := range map[int64]string{0: "off", 1: "1 byte", 1000: "1000 bytes", 2048: "2 KiB (2048 bytes)", 3 << 20: "3 MiB (3145728 bytes)"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCPUPerCallback(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		yaml string
		want time.Duration
		err  string
	}{
		{"limits:\n  cpu_per_callback: 2s\n", 2 * time.Second, ""},
		{"limits:\n  cpu_per_callback: 250ms\n", 250 * time.Millisecond, ""},
		{"limits:\n  cpu_per_callback: off\n", 0, ""},
		{"limits:\n  cpu_per_callback: 5\n", 0, `agenthost.yaml:2:21: limits.cpu_per_callback: "5" is not a duration from 10ms to 24h`},
		{"limits:\n  cpu_per_callback: 1ms\n", 0, `agenthost.yaml:2:21: limits.cpu_per_callback: "1ms" is not a duration`},
	} {
		path := filepath.Join(dir, DefaultFileName)
		if err := os.WriteFile(path, []byte(c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.yaml, err, c.err)
			}
			continue
		}
		if err != nil || cfg.Limits.CPUPerCallback != c.want || cfg.Sources["limits.cpu_per_callback"] != path+":2" {
			t.Errorf("%q: %v %v %q", c.yaml, err, cfg.Limits.CPUPerCallback, cfg.Sources["limits.cpu_per_callback"])
		}
	}
}

func TestTLSInsecure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultFileName)
	for yaml, want := range map[string]string{
		"tls: {insecure: true}\n":  "true",
		"tls: {insecure: false}\n": "false",
		"tls: {insecure: yes}\n":   `agenthost.yaml:1:17: tls.insecure: "yes" is not true or false`,
	} {
		if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		switch {
		case strings.Contains(want, "not true"):
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: %v", yaml, err)
			}
		case err != nil || strconv.FormatBool(c.TLS.Insecure) != want || c.Sources["tls.insecure"] != path+":1":
			t.Errorf("%q: %v %v %q", yaml, err, c.TLS.Insecure, c.Sources["tls.insecure"])
		}
	}
}
