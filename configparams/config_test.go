package configparams

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/internal/badurl"
)

// writeConfig writes content to dir/agenthost.yaml and returns its path.
func writeConfig(t *testing.T, dir, content string) string {
	t.Helper()
	p := filepath.Join(dir, DefaultFileName)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// configErrors returns the *Error values in err (one, or several joined).
func configErrors(t *testing.T, err error) []*Error {
	t.Helper()
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	var out []*Error
	for _, e := range list {
		var ce *Error
		if !errors.As(e, &ce) {
			t.Fatalf("error %v (%T) is not an *Error", e, e)
		}
		out = append(out, ce)
	}
	return out
}

// mapEnv returns a getenv backed by m.
func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefault(t *testing.T) {
	c := Default()
	if c.Broker != "embedded" || c.Embedded.Listen != "127.0.0.1:0" || c.StateDir != ".agenthost" ||
		c.LogFormat != "text" || c.File != "" || c.TLS.CA != "" || c.Embedded.TLS != nil ||
		c.Embedded.Users != nil || c.Embedded.DenySubscribe != nil {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.ConfigParams == nil || len(c.ConfigParams) != 0 {
		t.Errorf("ConfigParams = %#v, want empty non-nil map", c.ConfigParams)
	}
	if c.Embedded.ConnectTimeout != 10*time.Second || c.Embedded.WriteTimeout != 30*time.Second || c.Embedded.MaxPacketSize != 0 || c.EmbeddedMaxPacketSize() != 327_688 || c.Embedded.MaxQueued != 8192 {
		t.Errorf("embedded limits: connect timeout %v, write timeout %v, max packet size %d (effective %d), max queued %d; want 10s, 30s, 0 (auto), 327688, 8192",
			c.Embedded.ConnectTimeout, c.Embedded.WriteTimeout, c.Embedded.MaxPacketSize, c.EmbeddedMaxPacketSize(), c.Embedded.MaxQueued)
	}
	want := []string{"configparams", "broker", "embedded.listen", "embedded.users", "embedded.deny_subscribe",
		"embedded.tls", "embedded.tls.cert", "embedded.tls.key", "embedded.tls.listen",
		"embedded.connect_timeout", "embedded.write_timeout", "embedded.max_packet_size", "embedded.max_queued", "tls.ca", "tls.insecure", "http.listen", "http.public_url", "state_dir", "log_format", "lib",
		"limits.log.rate", "limits.log.burst", "limits.mqtt_outbound.rate", "limits.mqtt_outbound.burst",
		"limits.mqtt_outbound.buffer", "limits.mqtt_inbound.rate", "limits.mqtt_inbound.burst", "limits.message_size", "limits.cpu_per_callback", "limits.memory", "limits.http.rate", "limits.http.burst"}
	if len(c.Sources) != len(want) {
		t.Errorf("Sources = %v, want exactly %v", c.Sources, want)
	}
	for _, f := range want {
		if c.Sources[f] != "default" {
			t.Errorf("Sources[%q] = %q, want default", f, c.Sources[f])
		}
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
	c.ConfigParams["x"] = 1
	if len(Default().ConfigParams) != 0 {
		t.Error("Default shares maps between calls")
	}
	l, err := Load("")
	if err != nil || !reflect.DeepEqual(l, Default()) {
		t.Errorf(`Load("") = %+v, %v; want defaults`, l, err)
	}
}

const fullExample = `configparams:            # becomes imp.configparams
  deviceid: 30000c2a690cd0e8
broker: embedded
embedded:
  listen: 127.0.0.1:1883
  users: {generalgrugger: gaztakh1ghc0mmand}
  deny_subscribe: ["private/#"]
  tls: {cert: server.crt, key: server.key, listen: 127.0.0.1:8883}
  connect_timeout: 2.5s
  write_timeout: 45s
  max_packet_size: 64KiB
  max_queued: 1024
tls:
  ca: ca.crt
state_dir: .agenthost
log_format: text
`

func TestLoadFullExample(t *testing.T) {
	dir := t.TempDir()
	p := writeConfig(t, dir, fullExample)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	at := func(line string) string { return p + ":" + line }
	want := Config{
		File:         p,
		ConfigParams: map[string]any{"deviceid": "30000c2a690cd0e8"},
		Broker:       "embedded",
		Embedded: Embedded{
			Listen:        "127.0.0.1:1883",
			Users:         map[string]string{"generalgrugger": "gaztakh1ghc0mmand"},
			DenySubscribe: []string{"private/#"},
			TLS: &ServerTLS{
				Cert:   filepath.Join(dir, "server.crt"),
				Key:    filepath.Join(dir, "server.key"),
				Listen: "127.0.0.1:8883",
			},
			ConnectTimeout: 2500 * time.Millisecond,
			WriteTimeout:   45 * time.Second,
			MaxPacketSize:  64 << 10,
			MaxQueued:      1024,
		},
		TLS:       ClientTLS{CA: filepath.Join(dir, "ca.crt")},
		StateDir:  filepath.Join(dir, ".agenthost"),
		LogFormat: "text",
		Limits:    defaultLimits(),
		HTTP:      HTTP{Listen: DefaultHTTPListen},
		Sources: map[string]string{
			"configparams":             at("1"),
			"broker":                   at("3"),
			"embedded.listen":          at("5"),
			"embedded.users":           at("6"),
			"embedded.deny_subscribe":  at("7"),
			"embedded.tls":             at("8"),
			"embedded.tls.cert":        at("8"),
			"embedded.tls.key":         at("8"),
			"embedded.tls.listen":      at("8"),
			"embedded.connect_timeout": at("9"),
			"embedded.write_timeout":   at("10"),
			"embedded.max_packet_size": at("11"),
			"embedded.max_queued":      at("12"),
			"tls.ca":                   at("14"),
			"tls.insecure":             "default",
			"http.listen":              "default",
			"http.public_url":          "default",
			"state_dir":                at("15"),
			"log_format":               at("16"),
			"lib":                      "default",
		},
	}
	for _, f := range trackedFields(limitsKeys, "limits") {
		want.Sources[f] = "default"
	}
	got := *c
	got.origins = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load:\n got %+v\n     %+v\nwant %+v\n     %+v", got, *got.Embedded.TLS, want, *want.Embedded.TLS)
	}
}

func TestRelativePaths(t *testing.T) {
	dir := t.TempDir()
	abs := filepath.Join(t.TempDir(), "abs.crt")
	sub := filepath.Join(dir, "conf")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	writeConfig(t, sub, "state_dir: state\nlib: ../libs\ntls: {ca: ../certs/ca.pem}\nembedded:\n  tls:\n    cert: "+abs+"\n    key: k/server.key\n")
	t.Chdir(dir)

	// A relative config path keeps the results relative to the working directory.
	c, err := Load(filepath.Join("conf", DefaultFileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ field, got, want string }{
		{"state_dir", c.StateDir, filepath.Join("conf", "state")},
		{"lib", c.Lib, "libs"},
		{"tls.ca", c.TLS.CA, filepath.Join("certs", "ca.pem")},
		{"embedded.tls.cert", c.Embedded.TLS.Cert, abs},
		{"embedded.tls.key", c.Embedded.TLS.Key, filepath.Join("conf", "k", "server.key")},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.field, tc.got, tc.want)
		}
	}

	// Environment and flag paths stay relative to the working directory.
	if err := c.ApplyEnv(mapEnv(map[string]string{"AGENTHOST_STATE_DIR": "envstate"})); err != nil {
		t.Fatal(err)
	}
	if c.StateDir != "envstate" {
		t.Errorf("state_dir from env = %q, want envstate", c.StateDir)
	}
	if err := c.Set("tls.ca", "flagca.pem", "flag --ca"); err != nil {
		t.Fatal(err)
	}
	if c.TLS.CA != "flagca.pem" {
		t.Errorf("tls.ca from flag = %q, want flagca.pem", c.TLS.CA)
	}
}

func TestEmptyFileGivesDefaults(t *testing.T) {
	for _, content := range []string{"", "# only comments\n\n", "---\n", "~\n", "configparams:\nembedded:\n"} {
		p := writeConfig(t, t.TempDir(), content)
		c, err := Load(p)
		if err != nil {
			t.Errorf("%q: %v", content, err)
			continue
		}
		if c.File != p || c.Broker != "embedded" || c.Embedded.Listen != DefaultListen || c.StateDir != DefaultStateDir ||
			c.ConfigParams == nil || len(c.ConfigParams) != 0 {
			t.Errorf("%q: got %+v, want defaults", content, c)
		}
	}
}

func TestMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.yaml")
	c, err := Load(p)
	if c != nil || err == nil {
		t.Fatalf("Load(missing) = %v, %v; want error", c, err)
	}
	errs := configErrors(t, err)
	if errs[0].File != p || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "not found") {
		t.Errorf("error %q does not name the missing file", err)
	}
}

// TestLoadErrors checks each kind of problem is reported at the exact
// line (and column where given) and field.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, yaml   string
		line, column int // column 0: not checked
		field        string
		msg          string // substring of Msg
	}{
		{"broker scheme", "log_format: text\nbroker: tcpp://x\n", 2, 9, "broker",
			`"tcpp://x" is not embedded, script or a tcp://, ssl://, ws://, wss:// URL (did you mean tcp://?)`},
		{"broker word", "broker: embeded\n", 1, 9, "broker", `(did you mean "embedded"?)`},
		{"broker no host", "broker: tcp://:1883\n", 1, 9, "broker", `"tcp://:1883" has no host`},
		{"broker port", "broker: ssl://h:99999\n", 1, 9, "broker", `invalid port "99999" (want 1-65535)`},
		{"broker bad url", "broker: ws://h:x/\n", 1, 9, "broker", "is not a valid URL"},
		{"broker tcp path", "broker: tcp://h/x\n", 1, 9, "broker", "tcp:// URLs take none"},
		{"broker password redacted", "broker: tcp://u:hunter22@h:99999\n", 1, 9, "broker", `"tcp://u:xxxxx@h:99999" has an invalid port`},
		{"unknown top key", "broker: embedded\n\nbrokr: x\n", 3, 1, "", `unknown key "brokr" (did you mean "broker"?)`},
		{"unknown embedded key", "embedded:\n  listn: 1.2.3.4:5\n", 2, 3, "embedded", `unknown key "listn" (did you mean "listen"?)`},
		{"unknown embedded.tls key", "embedded:\n  tls:\n    cert: a\n    key: b\n    crt: c\n", 5, 5, "embedded.tls",
			`unknown key "crt" (did you mean "cert"?)`},
		{"unknown tls key", "tls:\n  caa: x\n", 2, 3, "tls", `unknown key "caa" (did you mean "ca"?)`},
		{"dash for underscore", "state-dir: x\n", 1, 1, "", `(did you mean "state_dir"?)`},
		{"nothing close", "log_format: json\nverbosity: 3\n", 2, 1, "",
			`unknown key "verbosity" (valid keys: broker, configparams, embedded, http, lib, limits, log_format, state_dir, tls)`},
		{"misplaced key", "listen: 127.0.0.1:1\n", 1, 1, "", `(did you mean "embedded.listen"?)`},
		{"misplaced deviceid", "deviceid: abc\n", 1, 1, "", `(did you mean "configparams.deviceid"?)`},
		{"users list", "embedded:\n  users: [a, b]\n", 2, 10, "embedded.users",
			"expected a mapping of user name to password, got a list"},
		{"user password number", "embedded:\n  users:\n    bob: 1234\n", 3, 10, "embedded.users.bob",
			"the password must be a string, got an integer (not shown); quote it to use it as a string"},
		{"deny_subscribe string", "embedded:\n  deny_subscribe: \"x\"\n", 2, 19, "embedded.deny_subscribe",
			`expected a list of topic filters, got the string "x"`},
		{"listen number", "embedded:\n  listen: 5\n", 2, 11, "embedded.listen", "expected a string, got the integer 5"},
		{"listen no port", "embedded:\n  listen: localhost\n", 2, 11, "embedded.listen", `"localhost" is not host:port`},
		{"listen port range", "embedded:\n  listen: \":65536\"\n", 2, 11, "embedded.listen", `invalid port "65536" (want 0-65535)`},
		{"tls listen", "embedded:\n  tls: {cert: a, key: b, listen: x}\n", 2, 34, "embedded.tls.listen", `"x" is not host:port`},
		{"section not mapping", "embedded: on\n", 1, 11, "embedded", "expected a mapping, got the string \"on\""},
		{"log_format", "log_format: xml\n", 1, 13, "log_format", `"xml" is not text or json`},
		{"state_dir empty", "state_dir: \"\"\n", 1, 12, "state_dir", "must not be empty"},
		{"filter hash not last", "embedded:\n  deny_subscribe:\n    - ok/#\n    - a/#/b\n", 4, 7, "embedded.deny_subscribe[1]",
			"'#' must be a whole level, and the last"},
		{"filter hash in level", "embedded:\n  deny_subscribe: [a/b#]\n", 2, 20, "embedded.deny_subscribe[0]", "'#' must be a whole level"},
		{"filter plus", "embedded:\n  deny_subscribe: [\"+/x\", \"a/b+\"]\n", 2, 27, "embedded.deny_subscribe[1]", "'+' must be a whole level"},
		{"filter empty", "embedded:\n  deny_subscribe:\n    - \"\"\n", 3, 7, "embedded.deny_subscribe[0]", "must not be empty"},
		{"tls without key", "embedded:\n  tls:\n    cert: s.crt\n", 3, 5, "embedded.tls", "needs both cert and key (missing key)"},
		{"tls empty", "embedded:\n  tls: {}\n", 2, 8, "embedded.tls", "missing cert and key"},
		{"deviceid number", "configparams:\n  deviceid: 12345\n", 2, 13, "configparams.deviceid",
			`12345 is read as a number, but device ids are strings; quote it: deviceid: "12345"`},
		{"deviceid octal-looking", "configparams:\n  deviceid: 0123\n", 2, 13, "configparams.deviceid", `quote it: deviceid: "0123"`},
		{"deviceid empty", "configparams:\n  a: 1\n  deviceid: ''\n", 3, 13, "configparams.deviceid", "must not be empty"},
		{"deviceid bool", "configparams:\n  deviceid: true\n", 2, 13, "configparams.deviceid", "must be a non-empty string"},
		{"configparams list", "configparams: [1]\n", 1, 15, "configparams", "expected a mapping, got a list"},
		{"non-string key", "configparams:\n  nested:\n    1: one\n", 3, 5, "configparams.nested", `key 1 is not a string; quote it ("1")`},
		{"null key", "configparams:\n  ~: x\n", 2, 3, "configparams", "key ~ is not a string"},
		{"duplicate key", "broker: embedded\nstate_dir: a\nbroker: script\n", 3, 1, "", `duplicate key "broker" (first on line 1)`},
		{"merge key", "configparams:\n  base: &b {x: 1}\n  <<: *b\n", 3, 3, "configparams", "merge keys (<<) are not supported"},
		{"infinity", "configparams:\n  rate: .inf\n", 2, 9, "configparams.rate", "not a finite number"},
		{"int overflow", "configparams:\n  n: [1, 18446744073709551615]\n", 2, 10, "configparams.n[1]", "does not fit in 64 bits"},
		{"alias loop", "configparams:\n  a: &a\n    b: *a\n", 3, 8, "configparams.a.b", "refers to a value that contains it"},
		{"alias to configparams", "configparams: &c\n  a: [*c]\n", 2, 7, "configparams.a[0]", "refers to a value that contains it"},
		{"unsupported tag", "configparams:\n  x: !custom 1\n", 2, 6, "configparams.x", "unsupported tag !custom"},
		{"syntax error", "broker: embedded\nembedded:\n  listen: [\n", 3, 0, "", "invalid YAML"},
		{"bad indentation", "embedded:\n  listen: a:1\n bad: x\n", 2, 0, "", "invalid YAML"},
		{"top level list", "- broker\n", 1, 1, "", "must be a mapping of settings"},
		{"two documents", "broker: embedded\n---\nbroker: script\n", 3, 1, "", "single YAML document"},
		{"connect_timeout unit", "embedded:\n  connect_timeout: 10\n", 2, 20, "embedded.connect_timeout",
			`"10" is not a duration from 10ms to 1h (e.g. 10s, 500ms)`},
		{"connect_timeout zero", "embedded:\n  connect_timeout: 0s\n", 2, 20, "embedded.connect_timeout", "is not a duration from 10ms to 1h"},
		{"connect_timeout off", "embedded:\n  connect_timeout: off\n", 2, 20, "embedded.connect_timeout", "is not a duration from 10ms to 1h"},
		{"connect_timeout list", "embedded:\n  connect_timeout: [1s]\n", 2, 20, "embedded.connect_timeout", "expected a duration (e.g. 10s), got a list"},
		{"write_timeout unit", "embedded:\n  write_timeout: 30\n", 2, 18, "embedded.write_timeout",
			`"30" is not a duration from 10ms to 1h (e.g. 30s, 2m)`},
		{"write_timeout zero", "embedded:\n  write_timeout: 0s\n", 2, 18, "embedded.write_timeout", "is not a duration from 10ms to 1h"},
		{"write_timeout short", "embedded:\n  write_timeout: 5ms\n", 2, 18, "embedded.write_timeout", "is not a duration from 10ms to 1h"},
		{"write_timeout long", "embedded:\n  write_timeout: 61m\n", 2, 18, "embedded.write_timeout", "is not a duration from 10ms to 1h"},
		{"write_timeout off", "embedded:\n  write_timeout: off\n", 2, 18, "embedded.write_timeout", "is not a duration from 10ms to 1h"},
		{"write_timeout list", "embedded:\n  write_timeout: [1s]\n", 2, 18, "embedded.write_timeout", "expected a duration (e.g. 30s), got a list"},
		{"max_packet_size small", "embedded:\n  max_packet_size: 127\n", 2, 20, "embedded.max_packet_size",
			`"127" is not a size from 128 bytes to 268435460 (MQTT's maximum), e.g. 320KiB, or auto`},
		{"max_packet_size large", "embedded:\n  max_packet_size: 257MiB\n", 2, 20, "embedded.max_packet_size", "is not a size from 128 bytes"},
		{"max_packet_size off", "embedded:\n  max_packet_size: off\n", 2, 20, "embedded.max_packet_size", "is not a size from 128 bytes"},
		{"max_packet_size unit", "embedded:\n  max_packet_size: 300kb\n", 2, 20, "embedded.max_packet_size", "is not a size from 128 bytes"},
		{"max_queued zero", "embedded:\n  max_queued: 0\n", 2, 15, "embedded.max_queued",
			`"0" is not a whole number from 1 to 1048576 (messages queued per client; default 8192)`},
		{"max_queued negative", "embedded:\n  max_queued: -5\n", 2, 15, "embedded.max_queued", `"-5" is not a whole number from 1 to 1048576`},
		{"max_queued too big", "embedded:\n  max_queued: 1048577\n", 2, 15, "embedded.max_queued", `"1048577" is not a whole number from 1 to 1048576`},
		{"max_queued huge", "embedded:\n  max_queued: 99999999999999999999\n", 2, 15, "embedded.max_queued", `"99999999999999999999" is not a whole number from 1 to 1048576`},
		{"max_queued not a number", "embedded:\n  max_queued: lots\n", 2, 15, "embedded.max_queued", `"lots" is not a whole number from 1 to 1048576`},
		{"max_queued size", "embedded:\n  max_queued: 8KiB\n", 2, 15, "embedded.max_queued", `"8KiB" is not a whole number`},
		{"max_queued fraction", "embedded:\n  max_queued: 1.5\n", 2, 15, "embedded.max_queued", `"1.5" is not a whole number`},
		{"max_queued list", "embedded:\n  max_queued: [1]\n", 2, 15, "embedded.max_queued", "expected a whole number (e.g. 8192), got a list"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeConfig(t, t.TempDir(), tc.yaml)
			c, err := Load(p)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", c)
			}
			if c != nil {
				t.Errorf("Load returned a Config with the error")
			}
			errs := configErrors(t, err)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), err)
			}
			e := errs[0]
			if e.File != p || e.Line != tc.line || e.Field != tc.field || (tc.column != 0 && e.Column != tc.column) {
				t.Errorf("error at %s:%d:%d field %q, want %s:%d:%d field %q (%v)",
					e.File, e.Line, e.Column, e.Field, p, tc.line, tc.column, tc.field, err)
			}
			if !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("Msg = %q, want it to contain %q", e.Msg, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), p+":") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeConfig(t, dir, "\n\nstate_dir: s\n  \nbroker: tcpp://x\nlog_format: text\nbrokr: 1\n")
	_, err := Load(DefaultFileName)
	// Unknown keys are reported before values are checked.
	if got, want := err.Error(), `agenthost.yaml:7:1: unknown key "brokr" (did you mean "broker"?)`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	e := configErrors(t, err)[0]
	if e.Value != "brokr" || e.Field != "" {
		t.Errorf("Value, Field = %q, %q; want brokr, empty", e.Value, e.Field)
	}

	writeConfig(t, dir, "\n\nstate_dir: s\nbroker: tcpp://x\n")
	_, err = Load(DefaultFileName)
	if got, want := err.Error(), `agenthost.yaml:4:9: broker: "tcpp://x" is not embedded, script or a tcp://, ssl://, ws://, wss:// URL (did you mean tcp://?)`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if e := configErrors(t, err)[0]; e.Value != "tcpp://x" {
		t.Errorf("Value = %q", e.Value)
	}

	err = Default().Set("log_format", "xml", "flag --log-format")
	if got, want := err.Error(), `flag --log-format: log_format: "xml" is not text or json`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestAllErrorsReported(t *testing.T) {
	p := writeConfig(t, t.TempDir(), "brokr: x\nembedded:\n  users: [a]\n  listn: x\ntls: {ca: [x]}\n")
	_, err := Load(p)
	errs := configErrors(t, err)
	var got []string
	for _, e := range errs {
		got = append(got, e.Field+"@"+string(rune('0'+e.Line)))
	}
	want := []string{"@1", "embedded.users@3", "embedded@4", "tls.ca@5"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors %v, want %v\n%v", got, want, err)
	}

	// Validation problems are all reported too, each at its own line.
	p = writeConfig(t, t.TempDir(), "broker: x\nlog_format: y\nembedded:\n  deny_subscribe: [a, '#/a', b+]\n")
	_, err = Load(p)
	got = nil
	for _, e := range configErrors(t, err) {
		got = append(got, e.Field+"@"+string(rune('0'+e.Line)))
	}
	want = []string{"broker@1", "log_format@2", "embedded.deny_subscribe[1]@4", "embedded.deny_subscribe[2]@4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors %v, want %v\n%v", got, want, err)
	}
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	p := writeConfig(t, dir, `broker: tcp://file.example:1883
embedded:
  listen: 127.0.0.1:1000
state_dir: /file/state
log_format: json
`)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"AGENTHOST_BROKER":          "ssl://env.example:8883",
		"AGENTHOST_STATE_DIR":       "/env/state",
		"AGENTHOST_EMBEDDED_LISTEN": "",
		"AGENTHOST_UNRELATED":       "x",
	}
	if err := c.ApplyEnv(mapEnv(env)); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("broker", "wss://flag.example/mqtt", "flag --broker"); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ field, got, want, source string }{
		{"broker", c.Broker, "wss://flag.example/mqtt", "flag --broker"},
		{"state_dir", c.StateDir, "/env/state", "env AGENTHOST_STATE_DIR"},
		{"embedded.listen", c.Embedded.Listen, "127.0.0.1:1000", p + ":3"},
		{"log_format", c.LogFormat, "json", p + ":5"},
		{"tls.ca", c.TLS.CA, "", "default"},
	}
	for _, tc := range tests {
		if tc.got != tc.want || c.Sources[tc.field] != tc.source {
			t.Errorf("%s = %q from %q, want %q from %q", tc.field, tc.got, c.Sources[tc.field], tc.want, tc.source)
		}
	}

	// Defaults < env too, for every variable.
	c = Default()
	env = map[string]string{
		"AGENTHOST_BROKER":                   "script",
		"AGENTHOST_STATE_DIR":                "st",
		"AGENTHOST_LOG_FORMAT":               "json",
		"AGENTHOST_EMBEDDED_LISTEN":          "[::1]:1883",
		"AGENTHOST_EMBEDDED_CONNECT_TIMEOUT": "750ms",
		"AGENTHOST_EMBEDDED_WRITE_TIMEOUT":   "2m",
		"AGENTHOST_EMBEDDED_MAX_PACKET_SIZE": "1 MiB",
		"AGENTHOST_EMBEDDED_MAX_QUEUED":      "1048576",
		"AGENTHOST_HTTP_LISTEN":              "off",
		"AGENTHOST_LIB":                      "envlibs",
	}
	if err := c.ApplyEnv(mapEnv(env)); err != nil {
		t.Fatal(err)
	}
	if c.Lib != "envlibs" || c.Broker != "script" || c.StateDir != "st" || c.LogFormat != "json" || c.Embedded.Listen != "[::1]:1883" || c.HTTP.Listen != "off" ||
		c.Embedded.ConnectTimeout != 750*time.Millisecond || c.Embedded.WriteTimeout != 2*time.Minute || c.EmbeddedMaxPacketSize() != 1<<20 || c.Embedded.MaxQueued != 1<<20 {
		t.Errorf("env not applied: %+v", c)
	}
	for _, v := range envVars {
		if c.Sources[v.field] != "env "+v.name {
			t.Errorf("Sources[%q] = %q", v.field, c.Sources[v.field])
		}
	}
	if err := c.ApplyEnv(nil); err != nil {
		t.Errorf("ApplyEnv(nil) = %v", err)
	}
}

func TestEnvAndFlagErrors(t *testing.T) {
	c := Default()
	err := c.ApplyEnv(mapEnv(map[string]string{"AGENTHOST_BROKER": "mqtt://x", "AGENTHOST_LOG_FORMAT": "xml"}))
	errs := configErrors(t, err)
	if len(errs) != 2 || errs[0].Source != "env AGENTHOST_BROKER" || errs[0].Field != "broker" ||
		errs[1].Source != "env AGENTHOST_LOG_FORMAT" || errs[1].Field != "log_format" || errs[0].File != "" {
		t.Errorf("unexpected errors: %v", err)
	}
	if c.Broker != "embedded" || c.LogFormat != "text" || c.Sources["broker"] != "default" {
		t.Errorf("invalid env values were applied: %+v", c)
	}

	err = c.Set("embedded.listen", "1.2.3.4", "flag --listen")
	if e := configErrors(t, err)[0]; e.Source != "flag --listen" || e.Field != "embedded.listen" || e.Value != "1.2.3.4" {
		t.Errorf("Set error = %+v", e)
	}
	err = c.Set("brokr", "script", "flag --brokr")
	if e := configErrors(t, err)[0]; e.Field != "brokr" || !strings.Contains(e.Msg, `did you mean "broker"?`) {
		t.Errorf("Set unknown field error = %v", err)
	}
	err = c.Set("zzz", "1", "flag --zzz")
	if !strings.Contains(err.Error(), "settable: broker, embedded.listen,") {
		t.Errorf("Set unknown field error = %v", err)
	}
}

// TestBrokerErrorsNeverShowThePassword: a refused broker URL with a
// password, from the file, AGENTHOST_BROKER or a flag, gives an error that
// names where it came from and shows the URL with its password replaced,
// for every way brokerurl can refuse it.
func TestBrokerErrorsNeverShowThePassword(t *testing.T) {
	const secret = "S3cr3tPW"
	for _, c := range badurl.WithPassword(secret) {
		p := writeConfig(t, t.TempDir(), "log_format: text\nbroker: '"+c.URL+"'\n")
		_, fileErr := Load(p)
		envErr := Default().ApplyEnv(mapEnv(map[string]string{"AGENTHOST_BROKER": c.URL}))
		flagErr := Default().Set("broker", c.URL, "flag --broker")
		for _, e := range []struct {
			from, where string
			err         error
		}{
			{"file", p + ":2:9: broker: ", fileErr},
			{"env", "env AGENTHOST_BROKER: broker: ", envErr},
			{"flag", "flag --broker: broker: ", flagErr},
		} {
			if e.err == nil {
				t.Errorf("%s: %s: %q accepted", c.Name, e.from, c.URL)
				continue
			}
			msg := e.err.Error()
			if !strings.HasPrefix(msg, e.where) || strings.Contains(msg, secret) || !strings.Contains(msg, badurl.User+":xxxxx@") {
				t.Errorf("%s: %s: error %q: want it to start %q and show %q with its password replaced", c.Name, e.from, msg, e.where, c.URL)
			}
			// Nor does any field of the error hold it.
			for _, ce := range configErrors(t, e.err) {
				if all := fmt.Sprintf("%+v", *ce); strings.Contains(all, secret) {
					t.Errorf("%s: %s: the error's fields hold the password: %s", c.Name, e.from, all)
				}
			}
		}
	}
}

// TestUserErrorsNeverShowThePassword: a password of the wrong type, or
// users written as something other than a mapping, is reported at its line
// and field without the value, which may be a password.
func TestUserErrorsNeverShowThePassword(t *testing.T) {
	const secret = "31415926"
	for _, tc := range []struct{ yaml, at, msg string }{
		{"users: {alice: " + secret + "}", ":2:18: embedded.users.alice: ", "the password must be a string, got an integer (not shown); quote it to use it as a string"},
		{"users: {alice: " + secret + ".5}", ":2:18: embedded.users.alice: ", "the password must be a string, got a number (not shown); quote it to use it as a string"},
		{"users: {alice: [" + secret + "]}", ":2:18: embedded.users.alice: ", "the password must be a string, got a list"},
		{"users: {alice: {" + secret + ": x}}", ":2:18: embedded.users.alice: ", "the password must be a string, got a mapping"},
		{"users: {alice: !!binary " + secret + "}", ":2:18: embedded.users.alice: ", "the password must be a string, got a value tagged !!binary"},
		{"users: alice:" + secret, ":2:10: embedded.users: ", "expected a mapping of user name to password, got a string (not shown: it may hold a password)"},
		{"users: " + secret, ":2:10: embedded.users: ", "expected a mapping of user name to password, got an integer (not shown: it may hold a password)"},
	} {
		p := writeConfig(t, t.TempDir(), "embedded:\n  "+tc.yaml+"\n")
		_, err := Load(p)
		errs := configErrors(t, err)
		if len(errs) != 1 || errs[0].Error() != p+tc.at+tc.msg || errs[0].Value != "" {
			t.Errorf("%s: errors %v (value %q), want %s", tc.yaml, err, errs[0].Value, p+tc.at+tc.msg)
		}
	}
}

func TestSetServerTLS(t *testing.T) {
	c := Default()
	if err := c.Set("embedded.tls.cert", "s.crt", "flag --tls-cert"); err != nil {
		t.Fatal(err)
	}
	if c.Embedded.TLS == nil || c.Embedded.TLS.Cert != "s.crt" {
		t.Fatalf("TLS = %+v", c.Embedded.TLS)
	}
	err := c.Validate()
	if e := configErrors(t, err); len(e) != 1 || e[0].Field != "embedded.tls" || !strings.Contains(e[0].Msg, "missing key") {
		t.Errorf("Validate = %v", err)
	}
	if err := c.Set("embedded.tls.key", "s.key", "flag --tls-key"); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
}

func TestValidateProgrammatic(t *testing.T) {
	c := Default()
	c.ConfigParams["deviceid"] = int64(12345)
	c.Embedded.DenySubscribe = []string{"a/#", "a/#/b"}
	c.Embedded.Users = map[string]string{"": "pw"}
	var got []string
	for _, e := range configErrors(t, c.Validate()) {
		got = append(got, e.Field+": "+e.Msg)
	}
	want := []string{
		"embedded.users.: user name must not be empty",
		`embedded.deny_subscribe[1]: topic filter "a/#/b": '#' must be a whole level, and the last`,
		`configparams.deviceid: 12345 is a number, but device ids are strings; quote it: deviceid: "12345"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Validate:\n got %q\nwant %q", got, want)
	}
}

func TestFindDefault(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "agent.nut")
	if got := FindDefault(script); got != "" {
		t.Errorf("FindDefault without file = %q, want empty", got)
	}
	p := writeConfig(t, dir, "broker: script\n")
	if got := FindDefault(script); got != p {
		t.Errorf("FindDefault = %q, want %q", got, p)
	}

	other := t.TempDir()
	if err := os.Mkdir(filepath.Join(other, DefaultFileName), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := FindDefault(filepath.Join(other, "agent.nut")); got != "" {
		t.Errorf("FindDefault with a directory named %s = %q, want empty", DefaultFileName, got)
	}

	t.Chdir(dir)
	if got := FindDefault("agent.nut"); got != DefaultFileName {
		t.Errorf("FindDefault(relative) = %q, want %q", got, DefaultFileName)
	}
}

func TestConfigParamsValues(t *testing.T) {
	p := writeConfig(t, t.TempDir(), `configparams:
  deviceid: "12345"
  name: kitchen
  count: 42
  hex: 0x1F
  negative: -7
  ratio: 0.5
  big: 1e20
  on: true
  off: false
  yes: yes
  nothing: null
  tilde: ~
  empty:
  when: 2024-01-02
  stamp: 2024-01-02T03:04:05Z
  quoted: "true"
  list: [1, two, 3.0, false, null, [nested], {k: v}]
  map:
    inner:
      deep: [a, {b: 2}]
    emptymap: {}
    emptylist: []
  anchored: &base {x: 1}
  copy: *base
`)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"deviceid": "12345",
		"name":     "kitchen",
		"count":    int64(42),
		"hex":      int64(31),
		"negative": int64(-7),
		"ratio":    0.5,
		"big":      1e20,
		"on":       true,
		"off":      false,
		"yes":      "yes",
		"nothing":  nil,
		"tilde":    nil,
		"empty":    nil,
		"when":     "2024-01-02",
		"stamp":    "2024-01-02T03:04:05Z",
		"quoted":   "true",
		"list":     []any{int64(1), "two", 3.0, false, nil, []any{"nested"}, map[string]any{"k": "v"}},
		"map": map[string]any{
			"inner":     map[string]any{"deep": []any{"a", map[string]any{"b": int64(2)}}},
			"emptymap":  map[string]any{},
			"emptylist": []any{},
		},
		"anchored": map[string]any{"x": int64(1)},
		"copy":     map[string]any{"x": int64(1)},
	}
	if !reflect.DeepEqual(c.ConfigParams, want) {
		for k, v := range want {
			if !reflect.DeepEqual(c.ConfigParams[k], v) {
				t.Errorf("configparams.%s = %#v, want %#v", k, c.ConfigParams[k], v)
			}
		}
		if len(c.ConfigParams) != len(want) {
			t.Errorf("configparams has %d keys, want %d", len(c.ConfigParams), len(want))
		}
	}
	if c.Sources["configparams"] != p+":1" {
		t.Errorf(`Sources["configparams"] = %q`, c.Sources["configparams"])
	}
}

func TestAliasExpansionBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("configparams:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("  a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	_, err := Load(writeConfig(t, t.TempDir(), b.String()))
	if err == nil || !strings.Contains(err.Error(), "more than 100000 values") {
		t.Errorf("Load = %v, want expansion limit error", err)
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"broker", "configparams", "embedded", "log_format", "state_dir", "tls"}
	for _, tc := range []struct{ in, want string }{
		{"brokr", "broker"},
		{"Broker", "broker"},
		{"borker", "broker"},
		{"tsl", "tls"},
		{"logformat", "log_format"},
		{"log-format", "log_format"},
		{"config_params", "configparams"},
		{"embeded", "embedded"},
		{"brkr", "broker"}, // 4 letters may be 2 edits off
		{"tl", "tls"},      // 2 letters may be 1 edit off
		{"x", ""},
		{"verbosity", ""},
		{"statedirectory", ""},
	} {
		if got := suggest(tc.in, keys); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"ab", "ba", 1}, {"brokr", "broker", 1}} {
		if got := editDistance(tc.a, tc.b); got != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}

func TestChecksAcceptValidValues(t *testing.T) {
	for _, v := range []string{"embedded", "script", "tcp://localhost", "tcp://10.0.0.1:1883", "ssl://h:8883/",
		"ws://h/mqtt", "wss://user:pw@h:443/mqtt", "tcp://[::1]:1883", "TCP://h"} {
		if msg := checkBroker(v); msg != "" {
			t.Errorf("checkBroker(%q) = %q", v, msg)
		}
	}
	for _, v := range []string{"Embedded", "", "tcp://", "tcp://h:0", "mqtt://h", "tcp:h", "ws://h:"} {
		if msg := checkBroker(v); msg == "" {
			t.Errorf("checkBroker(%q) accepted", v)
		}
	}
	for _, v := range []string{"127.0.0.1:0", ":1883", "localhost:65535", "[::]:8883"} {
		if msg := checkListen(v); msg != "" {
			t.Errorf("checkListen(%q) = %q", v, msg)
		}
	}
	for _, v := range []string{"", "1883", "h:", "h:-1", "h:+5", "h:123456", "a b:1"} {
		if msg := checkListen(v); msg == "" {
			t.Errorf("checkListen(%q) accepted", v)
		}
	}
	for _, f := range []string{"#", "+", "a/b", "a/+/c", "a/#", "+/+/#", "/", "a//b", "$SYS/#", "private/#"} {
		if msg := checkTopicFilter(f); msg != "" {
			t.Errorf("checkTopicFilter(%q) = %q", f, msg)
		}
	}
	for _, f := range []string{"", "#/a", "a#", "a/b#", "a+", "+a/b", "a/#/#", "a\x00b"} {
		if msg := checkTopicFilter(f); msg == "" {
			t.Errorf("checkTopicFilter(%q) accepted", f)
		}
	}
}

// TestEmbeddedMaxPacketSize: auto follows limits.message_size, so every
// message the agent may send fits the embedded broker; an explicit value
// wins; the figures agree with package broker's.
func TestEmbeddedMaxPacketSize(t *testing.T) {
	if PacketOverhead+256<<10 != broker.DefaultMaxPacketSize || MaxPacketSizeLimit != broker.MaxPacketSizeLimit {
		t.Fatalf("configparams and broker disagree: %d+256KiB vs %d, %d vs %d",
			PacketOverhead, broker.DefaultMaxPacketSize, MaxPacketSizeLimit, broker.MaxPacketSizeLimit)
	}
	for _, tc := range []struct {
		yaml string
		want int64
	}{
		{"", 327_688},
		{"limits: {message_size: 1MiB}\n", 1<<20 + 65_544},
		{"limits: {message_size: 100}\n", 100 + 65_544},
		{"limits: {message_size: off}\n", 268_435_460},
		{"limits: {message_size: 256MiB}\n", 268_435_460},
		{"limits: {message_size: 1MiB}\nembedded: {max_packet_size: 2000}\n", 2000},
		{"embedded: {max_packet_size: auto}\n", 327_688},
		{"embedded: {max_packet_size: 268435460}\n", 268_435_460},
	} {
		c, err := Load(writeConfig(t, t.TempDir(), tc.yaml))
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if got := c.EmbeddedMaxPacketSize(); got != tc.want {
			t.Errorf("%q: EmbeddedMaxPacketSize() = %d, want %d", tc.yaml, got, tc.want)
		}
	}
	c := Default()
	if err := c.Set("embedded.max_packet_size", "4KiB", "flag"); err != nil || c.EmbeddedMaxPacketSize() != 4096 {
		t.Errorf("Set 4KiB: %v, %d", err, c.EmbeddedMaxPacketSize())
	}
	if err := c.Set("embedded.max_packet_size", "auto", "flag"); err != nil || c.Embedded.MaxPacketSize != 0 {
		t.Errorf("Set auto: %v, %d", err, c.Embedded.MaxPacketSize)
	}
	if err := c.Set("embedded.connect_timeout", "2h", "flag"); err == nil || c.Embedded.ConnectTimeout != 10*time.Second {
		t.Errorf("Set 2h: %v, %v; want an error and no change", err, c.Embedded.ConnectTimeout)
	}
	if err := c.Set("embedded.write_timeout", "2h", "flag"); err == nil || c.Embedded.WriteTimeout != 30*time.Second {
		t.Errorf("Set write_timeout 2h: %v, %v; want an error and no change", err, c.Embedded.WriteTimeout)
	}
	if err := c.Set("embedded.write_timeout", "500ms", "flag"); err != nil || c.Embedded.WriteTimeout != 500*time.Millisecond || c.Sources["embedded.write_timeout"] != "flag" {
		t.Errorf("Set write_timeout 500ms: %v, %v from %q", err, c.Embedded.WriteTimeout, c.Sources["embedded.write_timeout"])
	}
}

// TestMaxQueued: embedded.max_queued takes 1 to 1048576 from the file or
// AGENTHOST_EMBEDDED_MAX_QUEUED (which wins); a bad value in the
// environment is refused naming the variable, and leaves the file's.
func TestMaxQueued(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want int
	}{
		{"", 8192},
		{"embedded: {max_queued: 1}\n", 1},
		{"embedded: {max_queued: 64}\n", 64},
		{"embedded: {max_queued: \"16384\"}\n", 16384},
		{"embedded: {max_queued: 1048576}\n", 1 << 20},
	} {
		p := writeConfig(t, t.TempDir(), tc.yaml)
		c, err := Load(p)
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if c.Embedded.MaxQueued != tc.want {
			t.Errorf("%q: MaxQueued = %d, want %d", tc.yaml, c.Embedded.MaxQueued, tc.want)
		}
		if src := c.Sources["embedded.max_queued"]; (tc.yaml == "") != (src == "default") || (tc.yaml != "" && src != p+":1") {
			t.Errorf("%q: source %q", tc.yaml, src)
		}
	}
	p := writeConfig(t, t.TempDir(), "embedded: {max_queued: 64}\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyEnv(mapEnv(map[string]string{"AGENTHOST_EMBEDDED_MAX_QUEUED": "32768"})); err != nil {
		t.Fatal(err)
	}
	if c.Embedded.MaxQueued != 32768 || c.Sources["embedded.max_queued"] != "env AGENTHOST_EMBEDDED_MAX_QUEUED" {
		t.Errorf("env: MaxQueued %d from %q, want 32768 from the environment", c.Embedded.MaxQueued, c.Sources["embedded.max_queued"])
	}
	err = c.ApplyEnv(mapEnv(map[string]string{"AGENTHOST_EMBEDDED_MAX_QUEUED": "-1"}))
	want := `env AGENTHOST_EMBEDDED_MAX_QUEUED: embedded.max_queued: "-1" is not a whole number from 1 to 1048576 (messages queued per client; default 8192)`
	if err == nil || err.Error() != want {
		t.Errorf("env -1: error %v, want %q", err, want)
	}
	if c.Embedded.MaxQueued != 32768 {
		t.Errorf("a refused value was applied: %d", c.Embedded.MaxQueued)
	}
}
