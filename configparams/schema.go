package configparams

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/agenthost/agenthost/brokerurl"
	"gopkg.in/yaml.v3"
)

// entry describes one key accepted in a YAML mapping of the file. The
// tables below are the whole file schema; adding a section means adding an
// entry (with a decode method, or keys for a nested mapping) and the
// Config field it fills. They are never modified at run time.
type entry struct {
	name string
	// decode stores the value v of key k, whose dotted name is path, into
	// d.cfg, reporting problems through d. Entries whose value is recorded
	// in Config.Sources have one. Nil for plain sections.
	decode func(d *decoder, path string, k, v *yaml.Node)
	// keys, when non-nil, makes the entry a section: its value must be a
	// mapping of these keys, walked after decode (if any) has run.
	keys []entry
	// off, when set for a section, also accepts the value off in place of
	// the mapping: the key named off (a stringFields entry) is set to off,
	// and every field of the section is recorded as set on that line.
	off string
}

var rootKeys = []entry{
	{name: "configparams", decode: (*decoder).configParams},
	{name: "broker", decode: (*decoder).stringValue},
	{name: "embedded", keys: embeddedKeys},
	{name: "tls", keys: clientTLSKeys},
	{name: "http", keys: httpKeys},
	{name: "state_dir", decode: (*decoder).stringValue},
	{name: "log_format", decode: (*decoder).stringValue},
	{name: "lib", decode: (*decoder).stringValue},
	{name: "limits", keys: limitsKeys},
}

var embeddedKeys = []entry{
	{name: "listen", decode: (*decoder).stringValue},
	{name: "users", decode: (*decoder).users},
	{name: "deny_subscribe", decode: (*decoder).denySubscribe},
	{name: "tls", decode: (*decoder).openServerTLS, keys: serverTLSKeys},
	{name: "connect_timeout", decode: (*decoder).scalarValue},
	{name: "write_timeout", decode: (*decoder).scalarValue},
	{name: "max_packet_size", decode: (*decoder).scalarValue},
	{name: "max_queued", decode: (*decoder).scalarValue},
}

var serverTLSKeys = []entry{
	{name: "cert", decode: (*decoder).stringValue},
	{name: "key", decode: (*decoder).stringValue},
	{name: "listen", decode: (*decoder).stringValue},
}

var clientTLSKeys = []entry{
	{name: "ca", decode: (*decoder).stringValue},
	{name: "insecure", decode: (*decoder).scalarValue},
}

// limitsKeys is the limits: section; its values are checked as decoded
// (see scalarValue) and described in stringFields by limitFields.
var limitsKeys = []entry{
	{name: "log", keys: bucketKeys(false), off: "rate"},
	{name: "mqtt_outbound", keys: bucketKeys(true), off: "rate"},
	{name: "mqtt_inbound", keys: bucketKeys(false), off: "rate"},
	{name: "message_size", decode: (*decoder).scalarValue},
	{name: "cpu_per_callback", decode: (*decoder).scalarValue},
	{name: "memory", decode: (*decoder).scalarValue},
	{name: "http", keys: bucketKeys(false), off: "rate"},
}

// bucketKeys returns the keys of a limiter, with buffer when it has one.
func bucketKeys(buffer bool) []entry {
	keys := []entry{
		{name: "rate", decode: (*decoder).scalarValue},
		{name: "burst", decode: (*decoder).scalarValue},
	}
	if buffer {
		keys = append(keys, entry{name: "buffer", decode: (*decoder).scalarValue})
	}
	return keys
}

// hintPaths are dotted names, beyond the schema's, worth suggesting when a
// key is misplaced (a top-level "deviceid" belongs under configparams).
var hintPaths = []string{"configparams.deviceid"}

// stringField describes a field settable from the file, the environment
// and flags as text. Every entry decoded by stringValue or scalarValue has
// one; for fields that are not strings (limits), get formats the value as
// text that check accepts and set parses it.
type stringField struct {
	name string // dotted name, as in Sources
	get  func(*Config) string
	set  func(*Config, string)
	// path marks file names: a relative value from the file is resolved
	// against the file's directory.
	path bool
	// check describes what is wrong with a value, "" if nothing; nil
	// accepts any value.
	check func(string) string
	// shown returns a value as an Error's Value may hold it (a broker
	// URL without its password); nil shows it as it is.
	shown func(string) string
}

// show returns v as f's errors may hold it.
func (f *stringField) show(v string) string {
	if f.shown == nil {
		return v
	}
	return f.shown(v)
}

// stringFields is in validation order.
var stringFields = append([]stringField{
	{
		name:  "broker",
		get:   func(c *Config) string { return c.Broker },
		set:   func(c *Config, v string) { c.Broker = v },
		check: checkBroker,
		shown: brokerurl.Redact,
	},
	{
		name:  "embedded.listen",
		get:   func(c *Config) string { return c.Embedded.Listen },
		set:   func(c *Config, v string) { c.Embedded.Listen = v },
		check: checkListen,
	},
	{
		name:  "embedded.connect_timeout",
		get:   func(c *Config) string { return c.Embedded.ConnectTimeout.String() },
		set:   func(c *Config, v string) { c.Embedded.ConnectTimeout, _ = time.ParseDuration(v) },
		check: checkConnectTimeout,
	},
	{
		name:  "embedded.write_timeout",
		get:   func(c *Config) string { return c.Embedded.WriteTimeout.String() },
		set:   func(c *Config, v string) { c.Embedded.WriteTimeout, _ = time.ParseDuration(v) },
		check: checkWriteTimeout,
	},
	{
		name: "embedded.max_packet_size",
		get: func(c *Config) string {
			if c.Embedded.MaxPacketSize == 0 {
				return "auto"
			}
			return strconv.FormatInt(c.Embedded.MaxPacketSize, 10)
		},
		set: func(c *Config, v string) {
			if v == "auto" {
				c.Embedded.MaxPacketSize = 0
				return
			}
			c.Embedded.MaxPacketSize, _ = ParseSize(v)
		},
		check: checkMaxPacketSize,
	},
	{
		name:  "embedded.max_queued",
		get:   func(c *Config) string { return strconv.Itoa(c.Embedded.MaxQueued) },
		set:   func(c *Config, v string) { c.Embedded.MaxQueued, _ = strconv.Atoi(v) },
		check: checkMaxQueued,
	},
	{
		name: "embedded.tls.cert",
		get:  func(c *Config) string { return c.serverTLSOrZero().Cert },
		set:  func(c *Config, v string) { c.serverTLS().Cert = v },
		path: true,
	},
	{
		name: "embedded.tls.key",
		get:  func(c *Config) string { return c.serverTLSOrZero().Key },
		set:  func(c *Config, v string) { c.serverTLS().Key = v },
		path: true,
	},
	{
		name:  "embedded.tls.listen",
		get:   func(c *Config) string { return c.serverTLSOrZero().Listen },
		set:   func(c *Config, v string) { c.serverTLS().Listen = v },
		check: checkOptionalListen,
	},
	{
		name: "tls.ca",
		get:  func(c *Config) string { return c.TLS.CA },
		set:  func(c *Config, v string) { c.TLS.CA = v },
		path: true,
	},
	{
		name: "tls.insecure",
		get:  func(c *Config) string { return strconv.FormatBool(c.TLS.Insecure) },
		set:  func(c *Config, v string) { c.TLS.Insecure = v == "true" },
		check: func(v string) string {
			if v != "true" && v != "false" {
				return fmt.Sprintf("%q is not true or false", v)
			}
			return ""
		},
	},
	{
		name:  "state_dir",
		get:   func(c *Config) string { return c.StateDir },
		set:   func(c *Config, v string) { c.StateDir = v },
		path:  true,
		check: checkNonEmpty,
	},
	{
		name: "lib",
		get:  func(c *Config) string { return c.Lib },
		set:  func(c *Config, v string) { c.Lib = v },
		path: true,
	},
	{
		name:  "log_format",
		get:   func(c *Config) string { return c.LogFormat },
		set:   func(c *Config, v string) { c.LogFormat = v },
		check: checkLogFormat,
	},
}, append(httpFields, limitFields()...)...)

// lookupString returns the string field with the dotted name, or nil.
func lookupString(name string) *stringField {
	for i := range stringFields {
		if stringFields[i].name == name {
			return &stringFields[i]
		}
	}
	return nil
}

// serverTLS returns c.Embedded.TLS, creating it if needed.
func (c *Config) serverTLS() *ServerTLS {
	if c.Embedded.TLS == nil {
		c.Embedded.TLS = &ServerTLS{}
	}
	return c.Embedded.TLS
}

// serverTLSOrZero returns c.Embedded.TLS or, when nil, a zero value.
func (c *Config) serverTLSOrZero() ServerTLS {
	if c.Embedded.TLS == nil {
		return ServerTLS{}
	}
	return *c.Embedded.TLS
}

// trackedFields returns the dotted names of the entries under keys that
// have a decode function, i.e. those recorded in Config.Sources.
func trackedFields(keys []entry, prefix string) []string {
	var out []string
	for _, e := range keys {
		p := joinPath(prefix, e.name)
		if e.decode != nil {
			out = append(out, p)
		}
		out = append(out, trackedFields(e.keys, p)...)
	}
	return out
}

// allPaths returns the dotted names of every key under keys.
func allPaths(keys []entry, prefix string) []string {
	var out []string
	for _, e := range keys {
		p := joinPath(prefix, e.name)
		out = append(out, p)
		out = append(out, allPaths(e.keys, p)...)
	}
	return out
}

// joinPath appends name to the dotted prefix.
func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// entryNames returns the names of keys, in table order.
func entryNames(keys []entry) []string {
	names := make([]string, len(keys))
	for i, e := range keys {
		names[i] = e.name
	}
	return names
}

// findEntry returns the entry named name, or nil.
func findEntry(keys []entry, name string) *entry {
	for i := range keys {
		if keys[i].name == name {
			return &keys[i]
		}
	}
	return nil
}

// lastSegment returns the part of a dotted name after its last dot.
func lastSegment(path string) string {
	return path[strings.LastIndexByte(path, '.')+1:]
}
