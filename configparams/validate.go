package configparams

import (
	"github.com/agenthost/agenthost/brokerurl"

	"github.com/agenthost/agenthost/mqtttopic"

	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Validate checks every field and returns nil, one *Error, or an
// errors.Join of them, each located where the value came from (file
// position, environment variable or flag). It checks: broker is embedded,
// script or a tcp/ssl/ws/wss URL with a host and a valid port; listen
// addresses are host:port with a port in 0-65535; log_format is text or
// json; state_dir is not empty; user names are not empty; deny_subscribe
// entries are valid MQTT topic filters; embedded.tls, when present, has
// both cert and key; configparams.deviceid, when present, is a non-empty
// string; limits rates are positive (or the limiter off), bursts at least
// 1, buffers at least 0 and message_size 0 (off) or 1 byte to 256MiB;
// embedded.connect_timeout and embedded.write_timeout are 10ms to 1h,
// embedded.max_packet_size auto
// or MinPacketSize to MaxPacketSizeLimit bytes and embedded.max_queued 1
// to MaxQueuedLimit.
// Files named by the configuration are not opened.
func (c *Config) Validate() error {
	var errs []error
	add := func(field, base, value, msg string) {
		errs = append(errs, c.errorFor(field, base, value, msg))
	}
	for _, f := range stringFields {
		if v := f.get(c); f.check != nil {
			if msg := f.check(v); msg != "" {
				add(f.name, f.name, f.show(v), msg)
			}
		}
	}
	names := make([]string, 0, len(c.Embedded.Users))
	for name := range c.Embedded.Users {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if name == "" {
			add("embedded.users.", "embedded.users", name, "user name must not be empty")
		}
	}
	for i, f := range c.Embedded.DenySubscribe {
		if msg := checkTopicFilter(f); msg != "" {
			add(fmt.Sprintf("embedded.deny_subscribe[%d]", i), "embedded.deny_subscribe", f, msg)
		}
	}
	if t := c.Embedded.TLS; t != nil && (t.Cert == "" || t.Key == "") {
		var missing []string
		if t.Cert == "" {
			missing = append(missing, "cert")
		}
		if t.Key == "" {
			missing = append(missing, "key")
		}
		add("embedded.tls", "embedded.tls", "", "the TLS listener needs both cert and key (missing "+strings.Join(missing, " and ")+")")
	}
	if id, ok := c.ConfigParams["deviceid"]; ok {
		const field = "configparams.deviceid"
		switch v := id.(type) {
		case string:
			if v == "" {
				add(field, "configparams", v, "must not be empty")
			}
		case int64, float64:
			add(field, "configparams", fmt.Sprint(v), fmt.Sprintf(
				"%v is a number, but device ids are strings; quote it: deviceid: \"%v\"", v, v))
		default:
			add(field, "configparams", fmt.Sprint(v), fmt.Sprintf("must be a non-empty string, not %T %v", v, v))
		}
	}
	return joinErrors(errs)
}

// checkBroker describes what is wrong with a broker value, "" if nothing.
// URLs follow brokerurl's rules (the same as a script's connect()), and a
// URL is shown with its password redacted.
func checkBroker(v string) string {
	if v == "embedded" || v == "script" {
		return ""
	}
	_, err := brokerurl.Parse(v)
	if err == nil {
		return ""
	}
	var be *brokerurl.Error
	if !errors.As(err, &be) {
		return err.Error()
	}
	scheme, _, hasScheme := strings.Cut(v, "://")
	if hasScheme && be.Scheme == "" {
		return err.Error() // the scheme is fine; the rest is not
	}
	bad := fmt.Sprintf("%q is not embedded, script or a tcp://, ssl://, ws://, wss:// URL", be.URL)
	if !hasScheme {
		if s := suggest(v, []string{"embedded", "script"}); s != "" {
			bad += fmt.Sprintf(" (did you mean %q?)", s)
		}
	} else if s := suggest(strings.ToLower(scheme), brokerurl.Schemes); s != "" {
		bad += fmt.Sprintf(" (did you mean %s://?)", s)
	}
	return bad
}

// checkListen describes what is wrong with a host:port listen address.
func checkListen(v string) string {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Sprintf("%q is not host:port (e.g. 127.0.0.1:1883)", v)
	}
	if !brokerurl.ValidPort(port, 0) {
		return fmt.Sprintf("%q has an invalid port %q (want 0-65535)", v, port)
	}
	if strings.ContainsAny(host, " \t/") {
		return fmt.Sprintf("%q has an invalid host %q", v, host)
	}
	return ""
}

// checkConnectTimeout describes what is wrong with embedded.connect_timeout.
func checkConnectTimeout(v string) string {
	d, err := time.ParseDuration(v)
	if err != nil || d < 10*time.Millisecond || d > time.Hour {
		return fmt.Sprintf("%q is not a duration from 10ms to 1h (e.g. 10s, 500ms)", v)
	}
	return ""
}

// checkWriteTimeout describes what is wrong with embedded.write_timeout.
func checkWriteTimeout(v string) string {
	d, err := time.ParseDuration(v)
	if err != nil || d < 10*time.Millisecond || d > time.Hour {
		return fmt.Sprintf("%q is not a duration from 10ms to 1h (e.g. 30s, 2m)", v)
	}
	return ""
}

// checkMaxPacketSize describes what is wrong with embedded.max_packet_size.
func checkMaxPacketSize(v string) string {
	if v == "auto" {
		return ""
	}
	n, err := ParseSize(v)
	if err != nil || v == "off" || n < MinPacketSize || n > MaxPacketSizeLimit {
		return fmt.Sprintf("%q is not a size from %d bytes to %d (MQTT's maximum), e.g. 320KiB, or auto", v, MinPacketSize, MaxPacketSizeLimit)
	}
	return ""
}

// checkMaxQueued describes what is wrong with embedded.max_queued.
func checkMaxQueued(v string) string {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxQueuedLimit {
		return fmt.Sprintf("%q is not a whole number from 1 to %d (messages queued per client; default %d)", v, MaxQueuedLimit, DefaultMaxQueued)
	}
	return ""
}

// checkOptionalListen is checkListen, also accepting "".
func checkOptionalListen(v string) string {
	if v == "" {
		return ""
	}
	return checkListen(v)
}

// checkNonEmpty rejects "".
func checkNonEmpty(v string) string {
	if v == "" {
		return "must not be empty"
	}
	return ""
}

// checkLogFormat accepts text and json.
func checkLogFormat(v string) string {
	if v != "text" && v != "json" {
		return fmt.Sprintf("%q is not text or json", v)
	}
	return ""
}

// checkTopicFilter describes what makes f an invalid MQTT topic filter,
// "" when it is valid.
func checkTopicFilter(f string) string {
	if err := mqtttopic.CheckFilter(f); err != nil {
		return err.Error()
	}
	return ""
}
