package configparams

import (
	"github.com/agenthost/agenthost/ratelimit"

	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"
)

// Limits holds the platform's rate and size limits (the limits: section).
type Limits struct {
	// Each limiter's settings. Text is the rate as written ("100/min");
	// when it does not match Rate (Rate assigned directly), Rate is shown
	// as N/s. Off limiters keep their Burst and Buffer, which Validate
	// still checks.
	Log          ratelimit.Spec // server.log lines; Buffer unused
	MQTTOutbound ratelimit.Spec // MQTT requests sent by the agent
	MQTTInbound  ratelimit.Spec // MQTT messages delivered to the agent; Buffer unused
	// MessageSize is the largest MQTT message in bytes, 1 to
	// [MaxMessageSize]; 0 means off (no limit).
	MessageSize int64
	// CPUPerCallback is the longest one script callback (or the top
	// level) may run before the host interrupts it; 0 means off.
	CPUPerCallback time.Duration
	// Memory bounds the agent process's Go heap while script code runs, in
	// bytes; 0 means off.
	Memory int64
	// HTTP limits the agent's outbound HTTP requests (the imp's 40
	// credits regenerating at 2 per second); Buffer unused: a request
	// without a credit fails at once with statuscode 429.
	HTTP ratelimit.Spec
}

// MaxMessageSize is the largest limits.message_size accepted: 256 MiB.
const MaxMessageSize = 256 << 20

// defaultLimits returns the defaults of the limits: section.
func defaultLimits() Limits {
	return Limits{
		Log:            ratelimit.Spec{Rate: 100.0 / 60, Burst: 6000, Text: "100/min"},
		MQTTOutbound:   ratelimit.Spec{Rate: 10, Burst: 100, Buffer: 100, Text: "10/s"},
		MQTTInbound:    ratelimit.Spec{Rate: 100, Burst: 1000, Text: "100/s"},
		MessageSize:    256 << 10,
		CPUPerCallback: 10 * time.Second,
		Memory:         256 << 20,
		HTTP:           ratelimit.Spec{Rate: 2, Burst: 40, Text: "2/s"},
	}
}

// rateUnits maps the unit of a rate to its length in seconds.
var rateUnits = map[string]float64{"s": 1, "min": 60, "h": 3600}

// rateUnitHints maps plausible misspellings of rate units to the unit.
var rateUnitHints = map[string]string{
	"sec": "s", "second": "s", "seconds": "s", "S": "s",
	"m": "min", "mins": "min", "minute": "min", "minutes": "min",
	"hr": "h", "hour": "h", "hours": "h", "H": "h",
}

// rateNumberRE matches the N of a rate: a decimal number, sign allowed so
// that negative rates get their own message.
var rateNumberRE = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// ParseRate parses a rate written N/s, N/min or N/h, where N is a positive
// integer or decimal number (e.g. "100/min", "0.5/s"), into tokens per
// second. "off" yields 0 and no error.
func ParseRate(s string) (perSecond float64, err error) {
	if s == "off" {
		return 0, nil
	}
	bad := fmt.Sprintf("%q is not a rate: use N/s, N/min or N/h, or off", s)
	num, unit, ok := strings.Cut(s, "/")
	if !ok || !rateNumberRE.MatchString(num) {
		return 0, errors.New(bad)
	}
	per, known := rateUnits[unit]
	if !known {
		if u, ok := rateUnitHints[unit]; ok {
			bad += fmt.Sprintf(" (did you mean %s/%s?)", num, u)
		}
		return 0, errors.New(bad)
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(n, 0) {
		return 0, fmt.Errorf("%q is not a rate: %s is too large", s, num)
	}
	if n <= 0 {
		return 0, fmt.Errorf("%q is not a rate: N must be positive (use off to switch the limiter off)", s)
	}
	r := n / per
	if r == 0 {
		return 0, fmt.Errorf("%q is not a rate: %s is too small", s, num)
	}
	return r, nil
}

// sizeUnits maps the suffixes of a size to their number of bytes.
var sizeUnits = map[string]int64{"": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}

// sizeUnitHints maps plausible misspellings of size suffixes to the suffix.
var sizeUnitHints = map[string]string{
	"b": "B", "k": "KiB", "K": "KiB", "kB": "KiB", "KB": "KiB", "kb": "KiB", "Kb": "KiB", "kib": "KiB", "KIB": "KiB", "Ki": "KiB",
	"m": "MiB", "M": "MiB", "MB": "MiB", "mb": "MiB", "Mb": "MiB", "mib": "MiB", "MIB": "MiB", "Mi": "MiB",
	"g": "GiB", "G": "GiB", "GB": "GiB", "gb": "GiB", "Gb": "GiB", "gib": "GiB", "GIB": "GiB", "Gi": "GiB",
}

// sizeRE splits a size into its number and suffix, allowing one space
// between them as in "256 KiB".
var sizeRE = regexp.MustCompile(`^([0-9]+) ?([A-Za-z]*)$`)

// ParseSize parses a size in bytes written as an integer ("262144") or an
// integer with the suffix B, KiB, MiB or GiB ("256KiB", "1 MiB"). The size must
// be at least 1 byte; "off" yields 0 and no error. ParseSize does not apply
// message_size's maximum, [MaxMessageSize].
func ParseSize(s string) (int64, error) {
	if s == "off" {
		return 0, nil
	}
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a size: use bytes (e.g. 262144) or B, KiB, MiB or GiB (e.g. 256KiB), or off", s)
	}
	mult, ok := sizeUnits[m[2]]
	if !ok {
		msg := fmt.Sprintf("%q is not a size: the suffix must be B, KiB, MiB or GiB", s)
		if u, ok := sizeUnitHints[m[2]]; ok {
			msg += fmt.Sprintf(" (did you mean %s%s?)", m[1], u)
		}
		return 0, errors.New(msg)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is too large", s)
	}
	if n == 0 {
		return 0, fmt.Errorf("%q is too small: at least 1 byte (or off)", s)
	}
	return n * mult, nil
}

// checkRate describes what is wrong with a rate, "" if nothing.
func checkRate(v string) string {
	if _, err := ParseRate(v); err != nil {
		return err.Error()
	}
	return ""
}

// checkCount returns a check accepting whole numbers of at least lo.
func checkCount(lo int) func(string) string {
	return func(v string) string {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil && errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v, "-"):
			return fmt.Sprintf("%q is too large", v)
		case err != nil || n < lo:
			return fmt.Sprintf("%q is not a whole number >= %d", v, lo)
		}
		return ""
	}
}

// checkMessageSize describes what is wrong with a message_size value.
func checkMessageSize(v string) string {
	n, err := ParseSize(v)
	if err != nil {
		return err.Error()
	}
	if n > MaxMessageSize {
		return fmt.Sprintf("%q is more than the maximum, 256MiB", v)
	}
	return ""
}

// rateString returns b's rate as text that ParseRate accepts: "off", the
// text as written, or Rate as N/s when Text does not match it.
func rateString(b *ratelimit.Spec) string {
	if b.Off {
		return "off"
	}
	if r, err := ParseRate(b.Text); err == nil && b.Text != "off" && r == b.Rate {
		return b.Text
	}
	return strconv.FormatFloat(b.Rate, 'f', -1, 64) + "/s"
}

// setRate sets b's rate from text already checked by checkRate.
func setRate(b *ratelimit.Spec, v string) {
	r, err := ParseRate(v)
	if err != nil {
		return
	}
	b.Off, b.Rate, b.Text = v == "off", r, v
}

// limiters lists the limiters of the limits: section, in display order.
var limiters = []struct {
	name   string // key under limits
	bucket func(*Config) *ratelimit.Spec
	buffer bool // whether Buffer is used
}{
	{"log", func(c *Config) *ratelimit.Spec { return &c.Limits.Log }, false},
	{"mqtt_outbound", func(c *Config) *ratelimit.Spec { return &c.Limits.MQTTOutbound }, true},
	{"mqtt_inbound", func(c *Config) *ratelimit.Spec { return &c.Limits.MQTTInbound }, false},
	{"http", func(c *Config) *ratelimit.Spec { return &c.Limits.HTTP }, false},
}

// limitFields returns the stringFields of the limits: section. Their
// values are the text accepted in the file ("10/s", "off", "256KiB").
func limitFields() []stringField {
	var fields []stringField
	for _, l := range limiters {
		p := "limits." + l.name + "."
		bucket := l.bucket
		fields = append(fields,
			stringField{
				name:  p + "rate",
				get:   func(c *Config) string { return rateString(bucket(c)) },
				set:   func(c *Config, v string) { setRate(bucket(c), v) },
				check: checkRate,
			},
			stringField{
				name:  p + "burst",
				get:   func(c *Config) string { return strconv.Itoa(bucket(c).Burst) },
				set:   func(c *Config, v string) { bucket(c).Burst, _ = strconv.Atoi(v) },
				check: checkCount(1),
			})
		if l.buffer {
			fields = append(fields, stringField{
				name:  p + "buffer",
				get:   func(c *Config) string { return strconv.Itoa(bucket(c).Buffer) },
				set:   func(c *Config, v string) { bucket(c).Buffer, _ = strconv.Atoi(v) },
				check: checkCount(0),
			})
		}
	}
	return append(fields,
		sizeField("limits.message_size", func(c *Config) *int64 { return &c.Limits.MessageSize }, checkMessageSize),
		stringField{
			name: "limits.cpu_per_callback",
			get: func(c *Config) string {
				if c.Limits.CPUPerCallback == 0 {
					return "off"
				}
				return c.Limits.CPUPerCallback.String()
			},
			set: func(c *Config, v string) {
				if v == "off" {
					c.Limits.CPUPerCallback = 0
					return
				}
				c.Limits.CPUPerCallback, _ = time.ParseDuration(v)
			},
			check: checkCallbackBudget,
		},
		sizeField("limits.memory", func(c *Config) *int64 { return &c.Limits.Memory }, checkMemory))
}

// sizeField is a byte size that may be off (0), such as message_size.
func sizeField(name string, field func(*Config) *int64, check func(string) string) stringField {
	return stringField{
		name: name,
		get: func(c *Config) string {
			if *field(c) == 0 {
				return "off"
			}
			return strconv.FormatInt(*field(c), 10)
		},
		set:   func(c *Config, v string) { *field(c), _ = ParseSize(v) },
		check: check,
	}
}

// checkMemory describes what is wrong with a limits.memory value.
func checkMemory(v string) string {
	if v == "off" {
		return ""
	}
	n, err := ParseSize(v)
	if err != nil || n < 16<<20 || n > 64<<30 {
		return fmt.Sprintf("%q is not a size from 16MiB to 64GiB (e.g. 256MiB) or off", v)
	}
	return ""
}

// checkCallbackBudget describes what is wrong with a cpu_per_callback value.
func checkCallbackBudget(v string) string {
	if v == "off" {
		return ""
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 10*time.Millisecond || d > 24*time.Hour {
		return fmt.Sprintf("%q is not a duration from 10ms to 24h (e.g. 10s, 500ms) or off", v)
	}
	return ""
}

// scalarValue decodes a field described in stringFields whose value in
// the file may be any scalar (numbers included). Its Config field is not a
// string, so the value is checked here, where its position is known.
func (d *decoder) scalarValue(path string, k, v *yaml.Node) {
	f := lookupString(path)
	if f == nil {
		panic("configparams: no stringFields entry for " + path)
	}
	n := deref(v)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorAt(n, path, n.Value, fmt.Sprintf("expected %s, got %s", limitWant[lastSegment(path)], describe(n)))
		return
	}
	if msg := f.check(n.Value); msg != "" {
		d.errorAt(n, path, n.Value, msg)
		return
	}
	f.set(d.cfg, n.Value)
	d.note(path, k, v)
}

// limitWant describes the values of the limits keys, by key, for messages.
var limitWant = map[string]string{
	"rate":             "a rate (N/s, N/min or N/h) or off",
	"burst":            "a whole number",
	"buffer":           "a whole number",
	"message_size":     "a size (e.g. 256KiB) or off",
	"cpu_per_callback": "a duration (e.g. 10s) or off",
	"memory":           "a size (e.g. 256MiB) or off",
	"insecure":         "true or false",
	"connect_timeout":  "a duration (e.g. 10s)",
	"write_timeout":    "a duration (e.g. 30s)",
	"max_packet_size":  "a size (e.g. 320KiB) or auto",
	"max_queued":       "a whole number (e.g. 8192)",
}

// isOff reports whether n is the plain string off.
func isOff(n *yaml.Node) bool {
	n = deref(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value == "off"
}

// switchOff handles off written in place of section e (at key k, value
// v): it sets e.off to off and records every field of the section as set
// there.
func (d *decoder) switchOff(path string, k, v *yaml.Node, e *entry) {
	lookupString(joinPath(path, e.off)).set(d.cfg, "off")
	for _, f := range trackedFields(e.keys, path) {
		d.note(f, k, v)
	}
}

// FormatLimits describes the effective limits, one aligned line per
// limiter and one for message_size, each ending with where its values came
// from (one source, or one per field when they differ), e.g.
//
//	log            rate 100/min (1.667/s)  burst 6000               default
//	mqtt_outbound  rate 10/s               burst 100   buffer 100   agenthost.yaml:4
//	mqtt_inbound   off                                              agenthost.yaml:5
//	message_size   256 KiB (262144 bytes)                           default
func (c *Config) FormatLimits() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, l := range limiters {
		bk := l.bucket(c)
		p := "limits." + l.name + "."
		if bk.Off {
			fmt.Fprintf(tw, "%s\toff\t\t\t%s\n", l.name, c.sourceText(p+"rate"))
			continue
		}
		rate := "rate " + rateString(bk)
		if !strings.HasSuffix(rate, "/s") {
			rate += " (" + formatPerSecond(bk.Rate) + "/s)"
		}
		fields := []string{"rate", "burst"}
		buffer := ""
		if l.buffer {
			fields = append(fields, "buffer")
			buffer = fmt.Sprintf("buffer %d", bk.Buffer)
		}
		fmt.Fprintf(tw, "%s\t%s\tburst %d\t%s\t%s\n", l.name, rate, bk.Burst, buffer, c.sourcesText(p, fields))
	}
	fmt.Fprintf(tw, "message_size\t%s\t\t\t%s\n", formatSize(c.Limits.MessageSize), c.sourceText("limits.message_size"))
	budget := "off"
	if c.Limits.CPUPerCallback > 0 {
		budget = c.Limits.CPUPerCallback.String() + " per callback"
	}
	fmt.Fprintf(tw, "cpu_per_callback\t%s\t\t\t%s\n", budget, c.sourceText("limits.cpu_per_callback"))
	fmt.Fprintf(tw, "memory\t%s\t\t\t%s\n", formatSize(c.Limits.Memory), c.sourceText("limits.memory"))
	tw.Flush()
	return b.String()
}

// sourceText returns Sources[field] for display.
func (c *Config) sourceText(field string) string {
	if s := c.Sources[field]; s != "" {
		return s
	}
	return "unknown"
}

// sourcesText returns the common source of the fields under prefix or,
// when they differ, "field: source" for each.
func (c *Config) sourcesText(prefix string, fields []string) string {
	first := c.sourceText(prefix + fields[0])
	same := true
	parts := make([]string, len(fields))
	for i, f := range fields {
		s := c.sourceText(prefix + f)
		same = same && s == first
		parts[i] = f + ": " + s
	}
	if same {
		return first
	}
	return strings.Join(parts, ", ")
}

// formatPerSecond formats a rate per second for display.
func formatPerSecond(r float64) string {
	if r >= 1000 {
		return strconv.FormatFloat(r, 'f', 0, 64)
	}
	return strconv.FormatFloat(r, 'g', 4, 64)
}

// formatSize formats a message size for display: "off", "N bytes", or
// "N KiB (M bytes)" / "N MiB (M bytes)" when a whole multiple.
func formatSize(n int64) string {
	switch {
	case n == 0:
		return "off"
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB (%d bytes)", n>>20, n)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB (%d bytes)", n>>10, n)
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
