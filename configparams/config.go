// Package configparams loads, overlays and validates the agenthost
// configuration file (conventionally agenthost.yaml next to the agent script).
//
// A configuration is built in layers of increasing precedence:
//
//	defaults < file < environment < flags
//
// which callers apply in that order with [Load], [Config.ApplyEnv] and
// [Config.Set]. Every setting remembers where its value came from (see
// Config.Sources), and every problem is reported as an [*Error] naming the
// file, line and field (or the environment variable or flag) at fault.
//
// The file format, every key optional:
//
//	configparams:            # imp.configparams in scripts; any keys, any YAML values
//	  deviceid: 30000c2a690cd0e8
//	broker: embedded         # embedded | script | tcp://, ssl://, ws://, wss:// URL
//	embedded:                # the in-process broker
//	  listen: 127.0.0.1:1883 # host:port; default 127.0.0.1:0 (a free port)
//	  users: {name: password}
//	  deny_subscribe: ["private/#"]
//	  tls: {cert: server.crt, key: server.key, listen: 127.0.0.1:8883}
//	  connect_timeout: 10s   # to deliver CONNECT after connecting, TLS handshake included
//	  write_timeout: 30s     # a client that reads nothing for this long while the broker
//	                         # has data for it is disconnected (its will is published)
//	  max_packet_size: auto  # largest packet a client may send, in bytes (or B, KiB, MiB);
//	                         # auto: limits.message_size + 65544, 327688 by default
//	  max_queued: 8192       # messages queued per client before deliveries to it are
//	                         # dropped; 1 to 1048576, 8 bytes each, allocated per client
//	tls:                     # client side of ssl:// and wss:// connections
//	  ca: ca.crt             # PEM CA bundle; default: system roots
//	state_dir: .agenthost
//	log_format: text         # text | json
//	limits:                  # rates are N/s, N/min or N/h (N may be a decimal)
//	  log: {rate: 100/min, burst: 6000}
//	  mqtt_outbound: {rate: 10/s, burst: 100, buffer: 100}  # buffer 0: fail at once
//	  mqtt_inbound: {rate: 100/s, burst: 1000}
//	  message_size: 256KiB   # bytes, or with B, KiB, MiB; 1 byte to 256MiB
//
// A limiter or its rate may be off (log: off, or rate: off), and so may
// message_size.
//
//	http:                    # the agent URL
//	  listen: 127.0.0.1:0    # host:port, or off; run's default is a free port
//	  public_url: https://x.example.com  # what http.agenturl() returns
//
// Unknown keys are errors at every level, so typos do not silently fall back
// to defaults.
package configparams

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// DefaultFileName is the name [FindDefault] looks for next to the script.
const DefaultFileName = "agenthost.yaml"

// Default values, also reported as Sources "default".
const (
	DefaultBroker    = "embedded"
	DefaultListen    = "127.0.0.1:0"
	DefaultStateDir  = ".agenthost"
	DefaultLogFormat = "text"

	DefaultConnectTimeout = 10 * time.Second

	// DefaultWriteTimeout is embedded.write_timeout's default, as the
	// broker's (see broker.DefaultWriteTimeout for why 30 s).
	DefaultWriteTimeout = 30 * time.Second

	// DefaultMaxQueued is embedded.max_queued's default, as the broker's
	// (64 KiB of queue per connected client).
	DefaultMaxQueued = 8192
	// MaxQueuedLimit is the largest embedded.max_queued (8 MiB of queue
	// per client).
	MaxQueuedLimit = 1 << 20
)

// Embedded broker packet sizes, as in package broker (which configparams
// does not import).
const (
	// PacketOverhead is what embedded.max_packet_size "auto" adds to
	// limits.message_size: the largest MQTT 3.1.1 PUBLISH header, with a
	// 65,535-byte topic, its length, a packet id and a fixed header with 4
	// length bytes.
	PacketOverhead = 65_544
	// MaxPacketSizeLimit is the largest packet MQTT can express, and the
	// largest embedded.max_packet_size.
	MaxPacketSizeLimit = 1 + 4 + 268_435_455
	// MinPacketSize is the smallest embedded.max_packet_size accepted.
	MinPacketSize = 128
)

// SourceDefault is the Sources entry of a value nobody overrode.
const SourceDefault = "default"

// Config is the host configuration. Values set through [Load],
// [Config.ApplyEnv] and [Config.Set] have their origin tracked in Sources;
// fields assigned directly are validated by [Config.Validate] but their
// Sources entries are not updated.
type Config struct {
	// File is the path of the loaded configuration file as given to Load,
	// "" when no file was loaded.
	File string

	// ConfigParams is exposed read-only to scripts as imp.configparams.
	// It is never nil after Default or Load, and holds JSON-compatible
	// values only: map[string]any, []any, string, bool, int64, float64 and
	// nil. YAML timestamps are kept as their text.
	ConfigParams map[string]any

	// Broker is "embedded" (the in-process broker, the default), "script"
	// (the script provides the broker) or a tcp://, ssl://, ws:// or wss://
	// URL with a host and optional port.
	Broker string

	// Embedded configures the in-process broker.
	Embedded Embedded

	// TLS configures the client side of ssl:// and wss:// connections
	// and of the agent's https:// requests.
	TLS ClientTLS

	// HTTP configures the agent URL.
	HTTP HTTP

	// StateDir holds server.save data and the generated device id.
	// Default ".agenthost", relative to the working directory; a relative
	// path in the file is relative to the file's directory.
	StateDir string

	// LogFormat is "text" (the default) or "json".
	LogFormat string

	// Lib is the local library directory a Squirrel agent's #require
	// reads libraries from; "" (the default) for none. A relative path in
	// the file is relative to the file's directory.
	Lib string

	// Limits holds the rate limiters and the message size limit; see
	// [Config.FormatLimits] for a description of the effective values.
	Limits Limits

	// Sources maps each dotted field name ("broker", "embedded.listen",
	// "embedded.tls", "configparams", "limits.log.rate", ...) to where its
	// value came from:
	// "default", "FILE:LINE", "env AGENTHOST_BROKER" or e.g. "flag --broker".
	Sources map[string]string

	// origins holds the precise position of each value (and of list
	// elements and user names, keyed "embedded.deny_subscribe[2]",
	// "embedded.users.NAME") so that Validate can point at it.
	origins map[string]origin
}

// Embedded configures the in-process MQTT broker.
type Embedded struct {
	// Listen is the host:port of the plain TCP listener; port 0 picks a
	// free port. Default "127.0.0.1:0".
	Listen string
	// Users maps user name to password; nil when none are configured.
	Users map[string]string
	// DenySubscribe lists MQTT topic filters whose subscriptions the broker
	// refuses with reason code 0x80.
	DenySubscribe []string
	// TLS, when non-nil, enables a TLS listener; Cert and Key are then
	// both required.
	TLS *ServerTLS
	// ConnectTimeout is how long a connection may take, from being
	// accepted, to deliver its whole CONNECT (TLS handshake included)
	// before the broker closes it; 10ms to 1h. Default 10 s.
	ConnectTimeout time.Duration
	// WriteTimeout is how long a write to a client may be blocked, the
	// client reading nothing, before the broker closes the connection
	// (and publishes the client's will); 10ms to 1h. It bounds how long a
	// subscriber that stops reading can hold up the deliveries of the
	// clients publishing to it. Default DefaultWriteTimeout.
	WriteTimeout time.Duration
	// MaxPacketSize is the largest packet a client may send, in bytes
	// (the whole packet), MinPacketSize to MaxPacketSizeLimit; 0 means
	// auto, the default. Use [Config.EmbeddedMaxPacketSize] for the
	// effective value.
	MaxPacketSize int64
	// MaxQueued is how many messages may wait to be written to one
	// client before further deliveries to it are dropped (and counted),
	// 1 to MaxQueuedLimit. Each client's queue is allocated up front at 8
	// bytes an entry. Default DefaultMaxQueued.
	MaxQueued int
}

// EmbeddedMaxPacketSize returns the embedded broker's maximum packet size:
// embedded.max_packet_size, or for auto limits.message_size plus
// PacketOverhead (327,688 bytes with the default message_size), so that
// every message the agent may send or receive fits; MaxPacketSizeLimit
// when message_size is off.
func (c *Config) EmbeddedMaxPacketSize() int64 {
	switch {
	case c.Embedded.MaxPacketSize > 0:
		return c.Embedded.MaxPacketSize
	case c.Limits.MessageSize == 0:
		return MaxPacketSizeLimit
	}
	return min(c.Limits.MessageSize+PacketOverhead, MaxPacketSizeLimit)
}

// ServerTLS configures the embedded broker's TLS listener. Relative paths
// from the file are resolved against the file's directory.
type ServerTLS struct {
	Cert   string // PEM certificate (chain) file
	Key    string // PEM private key file
	Listen string // host:port; "" lets the broker choose
}

// ClientTLS configures TLS for outgoing ssl:// and wss:// connections.
type ClientTLS struct {
	// CA is a PEM CA bundle file; "" means the system roots.
	CA string
	// Insecure turns certificate verification off (must be explicit;
	// every run warns about it).
	Insecure bool
}

// origin is where a value came from: a file position or a named source.
type origin struct {
	file         string
	line, column int
	source       string // used when file is ""
}

// Default returns a new Config holding the defaults, with every Sources
// entry set to "default". Each call returns independent maps.
func Default() *Config {
	c := &Config{
		ConfigParams: map[string]any{},
		Broker:       DefaultBroker,
		Embedded:     Embedded{Listen: DefaultListen, ConnectTimeout: DefaultConnectTimeout, WriteTimeout: DefaultWriteTimeout, MaxQueued: DefaultMaxQueued},
		HTTP:         HTTP{Listen: DefaultHTTPListen},
		StateDir:     DefaultStateDir,
		LogFormat:    DefaultLogFormat,
		Limits:       defaultLimits(),
	}
	for _, p := range trackedFields(rootKeys, "") {
		c.record(p, origin{source: SourceDefault}, SourceDefault)
	}
	return c
}

// Load returns Default() overlaid with the YAML file at path, validated.
// Relative paths inside the file (state_dir, embedded.tls.cert and .key,
// tls.ca) are resolved against the file's directory. An empty path returns
// the defaults; a missing or unreadable file is an error naming it; an empty
// file yields the defaults. On error the Config is nil and the error is an
// *Error or, when there are several problems, an errors.Join of them.
func Load(path string) (*Config, error) {
	c := Default()
	if path == "" {
		return c, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		msg := "cannot read config file"
		var pe *os.PathError
		if errors.Is(err, os.ErrNotExist) {
			msg = "config file not found"
		} else if errors.As(err, &pe) {
			msg += ": " + pe.Err.Error()
		} else {
			msg += ": " + err.Error()
		}
		return nil, &Error{File: path, Msg: msg}
	}
	c.File = path
	d := &decoder{cfg: c, file: path, dir: filepath.Dir(path), root: rootKeys}
	d.parse(data)
	if err := joinErrors(d.errs); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// FindDefault returns the path of agenthost.yaml in the directory of
// scriptPath if that is an existing regular file (or a link to one), else "".
// The result is relative exactly when scriptPath is.
func FindDefault(scriptPath string) string {
	p := filepath.Join(filepath.Dir(scriptPath), DefaultFileName)
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return p
	}
	return ""
}

// envVars lists the environment variables ApplyEnv reads, in the order
// they are applied, and the field each sets.
var envVars = []struct{ name, field string }{
	{"AGENTHOST_BROKER", "broker"},
	{"AGENTHOST_STATE_DIR", "state_dir"},
	{"AGENTHOST_LOG_FORMAT", "log_format"},
	{"AGENTHOST_EMBEDDED_LISTEN", "embedded.listen"},
	{"AGENTHOST_EMBEDDED_CONNECT_TIMEOUT", "embedded.connect_timeout"},
	{"AGENTHOST_EMBEDDED_WRITE_TIMEOUT", "embedded.write_timeout"},
	{"AGENTHOST_EMBEDDED_MAX_PACKET_SIZE", "embedded.max_packet_size"},
	{"AGENTHOST_EMBEDDED_MAX_QUEUED", "embedded.max_queued"},
	{"AGENTHOST_HTTP_LISTEN", "http.listen"},
	{"AGENTHOST_LIB", "lib"},
}

// ApplyEnv overlays AGENTHOST_BROKER, AGENTHOST_STATE_DIR,
// AGENTHOST_LOG_FORMAT, AGENTHOST_EMBEDDED_LISTEN,
// AGENTHOST_EMBEDDED_CONNECT_TIMEOUT, AGENTHOST_EMBEDDED_WRITE_TIMEOUT,
// AGENTHOST_EMBEDDED_MAX_PACKET_SIZE, AGENTHOST_EMBEDDED_MAX_QUEUED,
// AGENTHOST_HTTP_LISTEN and AGENTHOST_LIB
// as looked up with
// getenv (typically os.Getenv); empty values are ignored, and a nil getenv
// applies nothing. Each value is validated like the file's and recorded in
// Sources as "env NAME"; invalid values are not applied. Relative paths stay
// relative to the working directory.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	var errs []error
	for _, e := range envVars {
		if v := getenv(e.name); v != "" {
			if err := c.Set(e.field, v, "env "+e.name); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return joinErrors(errs)
}

// Set sets the string field named by its dotted name (see [SettableFields])
// to value, recording source (e.g. "flag --broker") in Sources. The value is
// checked like a value from the file; on error (an *Error naming source and
// field) the Config is unchanged. Setting an embedded.tls field enables the
// TLS listener; [Config.Validate] then requires both cert and key. Relative
// paths stay relative to the working directory. Limits take the text the
// file accepts: Set("limits.log.rate", "2/s", ...), "off", "256KiB".
func (c *Config) Set(field, value, source string) error {
	f := lookupString(field)
	if f == nil {
		names := SettableFields()
		msg := "unknown field"
		if s := suggest(field, names); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += fmt.Sprintf(" (settable: %s)", joinNames(names))
		}
		return &Error{Source: source, Field: field, Value: value, Msg: msg}
	}
	if f.check != nil {
		if msg := f.check(value); msg != "" {
			return &Error{Source: source, Field: field, Value: f.show(value), Msg: msg}
		}
	}
	f.set(c, value)
	c.record(field, origin{source: source}, source)
	return nil
}

// SettableFields returns the dotted names of the fields [Config.Set]
// accepts, in a stable order.
func SettableFields() []string {
	names := make([]string, len(stringFields))
	for i, f := range stringFields {
		names[i] = f.name
	}
	return names
}

// record notes where field's value came from.
func (c *Config) record(field string, o origin, source string) {
	if c.origins == nil {
		c.origins = map[string]origin{}
	}
	if c.Sources == nil {
		c.Sources = map[string]string{}
	}
	c.origins[field] = o
	if source != "" {
		c.Sources[field] = source
	}
}

// errorFor builds the error for field, located where its value came from.
// A field without a recorded origin of its own (a list element or user name
// set programmatically) is located at its enclosing field base.
func (c *Config) errorFor(field, base, value, msg string) *Error {
	o, ok := c.origins[field]
	if !ok {
		o, ok = c.origins[base]
	}
	if !ok && c.Sources[base] != "" {
		o = origin{source: c.Sources[base]}
	}
	e := &Error{Field: field, Value: value, Msg: msg, File: o.file, Line: o.line, Column: o.column}
	if o.file == "" {
		e.Source = o.source
	}
	return e
}
