// Package host runs one agent script end to end: it loads the script,
// starts the embedded broker when the config asks for it, installs the agent
// API on a scriptvm loop, runs it until it stops, and shuts everything down
// cleanly. The CLI is a thin layer over Run.
package host

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/device"
	"github.com/agenthost/agenthost/agentapi/devicesim"
	"github.com/agenthost/agenthost/agentapi/httpapi"
	"github.com/agenthost/agenthost/agentapi/mqtt"
	"github.com/agenthost/agenthost/broker"
	"github.com/agenthost/agenthost/brokerurl"
	"github.com/agenthost/agenthost/configparams"
	"github.com/agenthost/agenthost/exitcode"
	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/ratelimit"
	"github.com/agenthost/agenthost/report"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/agenthost/agenthost/sqagent"
	"github.com/agenthost/agenthost/squirrel"
	"github.com/dop251/goja"
)

// usageErr and hostErr give err its exit code (2 and 3) and a "Try:" hint,
// which may be empty.
func usageErr(err error, hint string) error { return exitcode.New(exitcode.Usage, err, hint) }
func hostErr(err error, hint string) error  { return exitcode.New(exitcode.Host, err, hint) }

// Options describe one run.
type Options struct {
	Script    string               // path of the agent script
	Device    string               // path of the device script; "" for none (the device stays disconnected)
	Config    *configparams.Config // effective config (file, env and flags applied)
	For       time.Duration        // stop after this long on the host clock; 0: no limit
	UntilIdle bool                 // stop when nothing is pending
	Stdout    io.Writer            // agent and status lines
	Stderr    io.Writer            // error lines
	Clock     scriptvm.Clock       // nil: the real clock; a *scriptvm.VirtualClock runs on virtual time
	// Report, when set, is where the limiter decisions are written: JSON,
	// or CSV when it ends in ".csv". ReportSVG is where their chart goes.
	Report, ReportSVG string
	// Summary, when set, gets the limiter summary table at exit if any
	// limiter queued or refused something, or a report was asked for.
	Summary io.Writer
	// ConnectTimeout bounds a connect attempt; 0 means 10 s.
	ConnectTimeout time.Duration
	// Notes are [Status] lines printed before anything else (run
	// --verbose: the config file used, the settings and their sources).
	Notes []string
	// FailOn selects the conditions that fail a run that ended normally.
	FailOn FailOn
}

// Result tells how a run ended: set when the run went to its end, even
// when FailOn then failed it.
type Result struct {
	Reason scriptvm.StopReason
	Tally  Tally // what FailOn looks at
}

// Run runs the agent until ctx is cancelled, opts.For elapses or, with
// UntilIdle, nothing is pending. Errors carry their exit code
// (exitcode.Of): *exitcode.Error, or *scriptvm.ScriptError for code 1. A
// script error has already been logged when Run returns, and so has a
// FailOn condition that fired (exitcode.FailOn, marked shown).
// Run returns only after every goroutine it started has ended.
func Run(ctx context.Context, opts Options) (Result, error) {
	cfg := opts.Config
	if cfg == nil {
		cfg = configparams.Default()
	}
	clock := opts.Clock
	if clock == nil {
		clock = scriptvm.RealClock{}
	}
	handler := hostlog.NewHandler(opts.Stdout, opts.Stderr, cfg.LogFormat == "json", nil)
	log := hostlog.NewClocked(handler, clock.Now)
	for _, n := range opts.Notes {
		log.Status(n)
	}

	var prg *goja.Program
	var nut *squirrel.Program
	if sqagent.IsSquirrel(opts.Script) {
		var err error
		nut, err = sqagent.Compile(opts.Script, sqagent.LoadOptions{LibDir: cfg.Lib})
		var sre *sqagent.SourceError
		var se *scriptvm.ScriptError
		switch {
		case errors.As(err, &sre):
			return Result{}, usageErr(err, sre.Hint)
		case errors.As(err, &se):
			logScriptError(log, err)
			return Result{}, err
		case err != nil:
			return Result{}, usageErr(fmt.Errorf("script: %w", err), "")
		}
	} else {
		src, err := os.ReadFile(opts.Script)
		if err != nil {
			return Result{}, usageErr(fmt.Errorf("script: %w", err), "")
		}
		prg, err = scriptvm.Compile(filepath.Base(opts.Script), string(src))
		if err != nil {
			logScriptError(log, err)
			return Result{}, err
		}
	}
	var devicePrg *goja.Program
	var prepare devicesim.Prepare
	if opts.Device != "" {
		var err error
		devicePrg, prepare, err = compileDevice(opts.Device, cfg.Lib)
		var se *scriptvm.ScriptError
		if errors.As(err, &se) {
			for _, line := range se.Lines() {
				log.Log(hostlog.SourceDevice, slog.LevelError, line)
			}
		}
		if err != nil {
			return Result{}, err
		}
	}
	keep := 0
	if opts.Report != "" || opts.ReportSVG != "" {
		keep = report.DefaultMaxDecisions
	}
	sess, err := NewSession(SessionOptions{Config: cfg, Clock: clock, Handler: handler,
		ConnectTimeout: opts.ConnectTimeout, KeepDecisions: keep, Device: devicePrg, DevicePrepare: prepare})
	if err != nil {
		return Result{}, err
	}
	defer sess.closeBroker()
	loop, env, rec := sess.Loop, sess.Env, sess.Recorder
	if nut != nil {
		agent, err := sqagent.Install(env, loop)
		if err == nil {
			prg, err = agent.Script(nut)
		}
		if err != nil {
			env.Close()
			return Result{}, hostErr(fmt.Errorf("squirrel: %w", err), "")
		}
	}

	ro := scriptvm.RunOptions{UntilIdle: opts.UntilIdle}
	if opts.For > 0 {
		ro.Deadline = clock.Now().Add(opts.For)
	}
	reason, err := loop.Run(ctx, prg, ro)
	env.Close()
	rec.Finish(clock.Now())
	tally := sess.Tally()

	if rerr := writeReports(rec, opts); rerr != nil {
		log.StatusError(rerr.Error())
		if err == nil {
			err = hostErr(rerr, "check that the report's directory exists and is writable")
		}
	}
	if err != nil {
		var se *scriptvm.ScriptError
		if errors.As(err, &se) {
			logScriptError(log, err)
		}
		return Result{}, err
	}
	log.Status("agent stopped: " + map[scriptvm.StopReason]string{
		scriptvm.StoppedByContext:  "interrupted",
		scriptvm.StoppedIdle:       "idle, nothing left to do",
		scriptvm.StoppedAtDeadline: "--for " + opts.For.String() + " elapsed",
	}[reason])
	if opts.Summary != nil && (opts.Report != "" || opts.ReportSVG != "" || eventful(rec)) {
		fmt.Fprint(opts.Summary, rec.SummaryTable())
	}
	res := Result{Reason: reason, Tally: tally}
	return res, opts.FailOn.judge(tally, log)
}

// SessionOptions configure NewSession.
type SessionOptions struct {
	Config         *configparams.Config // effective config; must be validated
	Clock          scriptvm.Clock       // nil: the real clock
	Handler        slog.Handler         // where agent and status lines go (a hostlog.Handler, or a test's collector)
	ConnectTimeout time.Duration        // 0: 10 s
	KeepDecisions  int                  // limiter decisions kept in detail for reports; 0 keeps only the counts
	// Device, when set, is the device script run beside the agent (see
	// devicesim); otherwise the device stays disconnected unless a test
	// runner plays it through Session.Device. DevicePrepare, when set,
	// prepares its runtime (see devicesim.Prepare).
	Device        *goja.Program
	DevicePrepare devicesim.Prepare
	// Broker, when set, is a running embedded broker (see StartBroker)
	// that this session uses, when the config's broker is embedded,
	// instead of starting one of its own: several sessions in one process
	// (a fleet) share it. The session never closes it.
	Broker *broker.Broker
	// Watchdog, when set, enforces this session's limits.cpu_per_callback
	// and limits.memory together with other sessions' (a fleet's: one
	// goroutine for all, asleep while no callback runs); nil gives the
	// session's loop its own.
	Watchdog *scriptvm.Watchdog
}

// Session is one agent's wiring, ready to run: the embedded broker (when
// the config's broker is "embedded"), the loop and the API modules
// installed on it. Create it, run programs on Loop from one goroutine, then
// Close.
type Session struct {
	Config   *configparams.Config
	Clock    scriptvm.Clock
	Log      *hostlog.Clocked
	Loop     *scriptvm.Loop
	Env      *agentapi.Env  // the modules' shared services
	Broker   *broker.Broker // nil unless the broker is embedded
	Recorder *report.Recorder
	// HTTP is the http module: its agent URL, and Deliver for requests
	// the test runner makes in-process.
	HTTP *httpapi.Module
	// Device is the agent-device link; its Device side is the device
	// script's, or free for a test runner to play.
	Device *device.Link
	// Routes send connects to the addresses of a test's fake brokers.
	Routes *Routes

	errors int // uncaught exceptions in the agent's callbacks (loop only)

	// sharedBroker: Broker came from SessionOptions.Broker and is not
	// the session's to close.
	sharedBroker bool
}

// NewSession starts the broker (if embedded), creates the loop and installs
// the API. Errors are *exitcode.Error.
func NewSession(o SessionOptions) (*Session, error) {
	cfg, clock := o.Config, o.Clock
	if clock == nil {
		clock = scriptvm.RealClock{}
	}
	s := &Session{Config: cfg, Clock: clock, Log: hostlog.NewClocked(o.Handler, clock.Now), Routes: &Routes{}}
	log := s.Log
	params, err := configParams(cfg)
	if err != nil {
		return nil, err
	}
	clientTLS, err := clientTLSConfig(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.TLS.Insecure {
		clientTLS.InsecureSkipVerify = true
		log.StatusWarn("tls.insecure is true (" + sourceOf(cfg, "tls.insecure") + "): the certificates of ssl:// and wss:// brokers are NOT verified")
	}

	var resolve mqtt.Resolver
	switch cfg.Broker {
	case "", "embedded":
		b := o.Broker
		if b == nil {
			if b, err = StartBroker(cfg, o.Handler); err != nil {
				return nil, err
			}
			log.Status("embedded broker listening on " + b.Addr() + tlsNote(b))
		}
		s.Broker, s.sharedBroker = b, o.Broker != nil
		resolve = embeddedResolver(b, cfg, clientTLS, brokerNote(cfg))
	case "script":
		resolve = func(u *url.URL) (mqtt.Target, error) {
			return mqtt.Target{URL: u.String(), TLS: tlsFor(clientTLS, u.Hostname())}, nil
		}
	default:
		fixed, err := brokerurl.Parse(cfg.Broker)
		if err != nil {
			return nil, usageErr(fmt.Errorf("broker: %v", err), "")
		}
		resolve = func(u *url.URL) (mqtt.Target, error) {
			t := mqtt.Target{URL: fixed.String(), TLS: tlsFor(clientTLS, fixed.Hostname())}
			if u.String() != fixed.String() {
				t.Note = u.Redacted() + " -> " + fixed.Redacted() + brokerNote(cfg)
			}
			return t, nil
		}
	}

	_, virtual := clock.(*scriptvm.VirtualClock)
	s.Recorder = report.NewRecorder(reportLimits(cfg.Limits), virtual, clock.Now())
	s.Recorder.SetMaxDecisions(o.KeepDecisions)
	s.Loop = scriptvm.New(scriptvm.Options{
		Clock:          clock,
		CallbackBudget: cfg.Limits.CPUPerCallback,
		MemoryBudget:   cfg.Limits.Memory,
		Watchdog:       o.Watchdog,
		// Uncaught errors count against the log limit, like the lines
		// they are: an error storm cannot fill a disk.
		OnError: func(se *scriptvm.ScriptError) {
			s.errors++
			s.Env.Limits.LogEntry(hostlog.SourceAgent, slog.LevelError, se.Lines()...)
		},
	})
	s.Env, err = agentapi.NewEnv(agentapi.Options{
		Loop:         s.Loop,
		Log:          log,
		ConfigParams: params,
		StateDir:     cfg.StateDir,
		SaveFile:     filepath.Join(cfg.StateDir, saveFileName(params["deviceid"].(string))),
		Limits:       limitsFrom(cfg.Limits),
		Record:       s.Recorder.Record,
	})
	s.HTTP = httpapi.New(httpapi.Options{Listen: cfg.HTTP.Listen, PublicURL: cfg.HTTP.PublicURL, TLS: clientTLS})
	s.Device = device.NewLink(s.Loop)
	if err == nil {
		err = s.Env.Install(modules(moduleConfig{resolve: s.Routes.resolver(resolve), connectTimeout: o.ConnectTimeout, http: s.HTTP, link: s.Device})...)
	}
	if err == nil && o.Device != nil {
		_, err = devicesim.Start(s.Loop, s.Device, func(level slog.Level, lines ...string) {
			s.Env.Limits.LogEntry(hostlog.SourceDevice, level, lines...)
		}, o.Device, o.DevicePrepare)
	}
	if err != nil {
		if s.Env != nil {
			s.Env.Close() // the modules installed so far
		}
		s.closeBroker()
		hint := ""
		if strings.Contains(err.Error(), "http.listen") {
			hint = "set http.listen (or --http) to a free address such as 127.0.0.1:0, or off"
		}
		return nil, hostErr(err, hint)
	}
	return s, nil
}

// Close closes the API modules (disconnecting the agent's clients) and
// stops the embedded broker, unless it was shared, logging a warning if it
// dropped deliveries (WarnBrokerDrops). Call it after the loop has
// stopped, from the goroutine that ran it.
func (s *Session) Close() {
	s.Env.Close()
	s.closeBroker()
}

func (s *Session) closeBroker() {
	if s.Broker != nil && !s.sharedBroker {
		s.Broker.Close()
		WarnBrokerDrops(s.Log, s.Broker, s.Config)
	}
}

// StartBroker starts the embedded broker the config's embedded: section
// describes, logging through handler. Sessions given it in
// SessionOptions.Broker share it; the caller closes it after they have
// all closed. Errors are *exitcode.Error (code 3, with a hint).
func StartBroker(cfg *configparams.Config, handler slog.Handler) (*broker.Broker, error) {
	b, err := broker.Start(brokerOptions(cfg, slog.New(handler).With(hostlog.SourceKey, hostlog.SourceStatus)))
	if err != nil {
		return nil, hostErr(err, "set embedded.listen to a free address, or 127.0.0.1:0 for any free port")
	}
	return b, nil
}

// BrokerNote describes where a running embedded broker listens, for a
// [Status] line: "127.0.0.1:1883", with ", TLS on ADDR" when it has TLS.
func BrokerNote(b *broker.Broker) string { return b.Addr() + tlsNote(b) }

// eventful reports whether any limiter queued or refused anything.
func eventful(rec *report.Recorder) bool {
	for _, s := range rec.Summaries() {
		if s.Queued > 0 || s.Refused > 0 {
			return true
		}
	}
	return false
}

func writeReports(rec *report.Recorder, opts Options) error {
	var errs []error
	if opts.Report != "" {
		errs = append(errs, rec.WriteFile(opts.Report))
	}
	if opts.ReportSVG != "" {
		errs = append(errs, rec.WriteSVGFile(opts.ReportSVG))
	}
	return errors.Join(errs...)
}

func limitsFrom(l configparams.Limits) agentapi.Limits {
	return agentapi.Limits{Log: l.Log, Outbound: l.MQTTOutbound, Inbound: l.MQTTInbound, MessageSize: l.MessageSize, HTTP: l.HTTP}
}

func reportLimits(l configparams.Limits) []report.Limit {
	return []report.Limit{
		{Name: agentapi.LimitLog, Spec: l.Log},
		{Name: agentapi.LimitOutbound, Spec: l.MQTTOutbound},
		{Name: agentapi.LimitInbound, Spec: l.MQTTInbound},
		{Name: agentapi.LimitMessageSize, Size: l.MessageSize, Spec: ratelimit.Spec{Off: l.MessageSize == 0}},
		{Name: agentapi.LimitHTTP, Spec: l.HTTP},
	}
}

func logScriptError(log *hostlog.Clocked, err error) {
	for _, line := range scriptvm.AsScriptError(err).Lines() {
		log.AgentError(line)
	}
}

func tlsNote(b *broker.Broker) string {
	if a := b.TLSAddr(); a != "" {
		return ", TLS on " + a
	}
	return ""
}

func brokerOptions(cfg *configparams.Config, logger *slog.Logger) broker.Options {
	e := cfg.Embedded
	o := broker.Options{Listen: e.Listen, Users: e.Users, DenySubscribe: e.DenySubscribe, Logger: logger,
		ConnectTimeout: e.ConnectTimeout, WriteTimeout: e.WriteTimeout, MaxPacketSize: cfg.EmbeddedMaxPacketSize(), MaxQueued: e.MaxQueued}
	if e.TLS != nil {
		o.TLS = &broker.TLSOptions{CertFile: e.TLS.Cert, KeyFile: e.TLS.Key, Listen: e.TLS.Listen}
	}
	return o
}

// sourceOf is where the setting field came from: cfg.Sources's "FILE:LINE",
// "env AGENTHOST_BROKER", "flag --broker" or "default"; "set by the
// program" for a value assigned without a source.
func sourceOf(cfg *configparams.Config, field string) string {
	if s := cfg.Sources[field]; s != "" {
		return s
	}
	return "set by the program"
}

// brokerNote is what the connect notes say about where the broker setting
// came from: " (broker from flag --broker)", or "" when it is the default.
func brokerNote(cfg *configparams.Config) string {
	src := sourceOf(cfg, "broker")
	if src == configparams.SourceDefault {
		return ""
	}
	return " (broker from " + src + ")"
}

// embeddedResolver sends every connect to the embedded broker: ssl:// and
// wss:// to its TLS listener when it has one, everything else to its TCP
// listener.
func embeddedResolver(b *broker.Broker, cfg *configparams.Config, clientTLS *tls.Config, source string) mqtt.Resolver {
	var embeddedTLS *tls.Config
	if b.TLSAddr() != "" {
		host, _, _ := net.SplitHostPort(b.TLSAddr())
		embeddedTLS = tlsFor(clientTLS, host)
		if cfg.TLS.CA == "" && cfg.Embedded.TLS != nil {
			// Trust the embedded broker's own certificate (self-signed or a
			// chain whose root is in the file) when no CA is configured.
			if pem, err := os.ReadFile(cfg.Embedded.TLS.Cert); err == nil {
				pool := x509.NewCertPool()
				pool.AppendCertsFromPEM(pem)
				embeddedTLS.RootCAs = pool
			}
		}
	}
	return func(u *url.URL) (mqtt.Target, error) {
		secure := u.Scheme == "ssl" || u.Scheme == "wss"
		if secure && embeddedTLS != nil {
			return mqtt.Target{URL: "ssl://" + b.TLSAddr(), TLS: embeddedTLS,
				Note: u.Redacted() + " -> embedded broker " + b.TLSAddr() + " (TLS)" + source}, nil
		}
		note := u.Redacted() + " -> embedded broker " + b.Addr() + source
		if secure {
			note += " (plain TCP: the embedded broker has no TLS; set embedded.tls to test TLS)"
		}
		return mqtt.Target{URL: "tcp://" + b.Addr(), Note: note}, nil
	}
}

func clientTLSConfig(cfg *configparams.Config) (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLS.CA != "" {
		pem, err := os.ReadFile(cfg.TLS.CA)
		if err != nil {
			return nil, usageErr(fmt.Errorf("tls.ca: %w", err), "")
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usageErr(fmt.Errorf("tls.ca: %s holds no PEM certificate", cfg.TLS.CA), "")
		}
		c.RootCAs = pool
	}
	return c, nil
}

// tlsFor returns a copy of base verifying the given server name.
func tlsFor(base *tls.Config, serverName string) *tls.Config {
	c := base.Clone()
	c.ServerName = serverName
	return c
}

var deviceIDPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

// unsafeFileChars are the characters a device id may not bring into a
// file name: server.save must write only inside the state directory.
var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// saveFileName is the server.save file of a device: "save-<deviceid>.json",
// with anything but letters, digits, '_' and '-' in the id replaced, so a
// configured id like "../../x" cannot leave the state directory.
func saveFileName(deviceID string) string {
	return "save-" + unsafeFileChars.ReplaceAllString(deviceID, "_") + ".json"
}

// configParams returns the configparams with a deviceid: the configured
// one, else the one kept in the state directory, else a new one saved there.
func configParams(cfg *configparams.Config) (map[string]any, error) {
	params := make(map[string]any, len(cfg.ConfigParams)+1)
	for k, v := range cfg.ConfigParams {
		params[k] = v
	}
	if id, ok := params["deviceid"].(string); ok && id != "" {
		return params, nil
	}
	if err := os.MkdirAll(cfg.StateDir, 0o755); err != nil {
		return nil, hostErr(fmt.Errorf("state_dir: %w", err), "set state_dir (or --state-dir) to a writable directory")
	}
	path := filepath.Join(cfg.StateDir, "deviceid")
	data, err := os.ReadFile(path)
	switch {
	case err == nil && deviceIDPattern.Match([]byte(strings.TrimSpace(string(data)))):
		params["deviceid"] = strings.TrimSpace(string(data))
		return params, nil
	case err == nil:
		return nil, hostErr(fmt.Errorf("%s: not a 16-hex-digit device id; delete it to get a new one", path), "")
	case !errors.Is(err, fs.ErrNotExist):
		return nil, hostErr(fmt.Errorf("state_dir: %w", err), "")
	}
	var raw [8]byte
	_, _ = rand.Read(raw[:])
	id := hex.EncodeToString(raw[:])
	if err := os.WriteFile(path, []byte(id+"\n"), 0o644); err != nil {
		return nil, hostErr(fmt.Errorf("state_dir: %w", err), "set state_dir (or --state-dir) to a writable directory")
	}
	params["deviceid"] = id
	return params, nil
}

// compileDevice compiles the device script at path: JavaScript, or
// Squirrel (.nut, with the libraries of libDir), whose runtime prepare
// then installs in the device's. Errors are as for the agent's script; a
// syntax error is a *scriptvm.ScriptError the caller logs as the device's.
func compileDevice(path, libDir string) (*goja.Program, devicesim.Prepare, error) {
	if !sqagent.IsSquirrel(path) {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, usageErr(fmt.Errorf("device script: %w", err), "")
		}
		prg, err := scriptvm.Compile(filepath.Base(path), string(src))
		if err != nil {
			return nil, nil, scriptvm.AsScriptError(err)
		}
		return prg, nil, nil
	}
	nut, err := sqagent.Compile(path, sqagent.LoadOptions{LibDir: libDir})
	var sre *sqagent.SourceError
	var se *scriptvm.ScriptError
	switch {
	case errors.As(err, &sre):
		return nil, nil, usageErr(err, sre.Hint)
	case errors.As(err, &se):
		return nil, nil, se
	case err != nil:
		return nil, nil, usageErr(fmt.Errorf("device script: %w", err), "")
	}
	prg, err := nut.Script()
	if err != nil {
		return nil, nil, hostErr(fmt.Errorf("squirrel: %w", err), "")
	}
	// the devices run one program: its lazily compiled functions are
	// compiled once for all of them
	chunks := squirrel.NewChunkCache()
	prepare := func(d *devicesim.Device) error {
		c := d.Companion()
		_, err := sqagent.InstallOn(sqagent.Target{Runtime: d.Runtime(), Globals: d.Globals(), Blobs: d.Blobs(),
			Now: d.Now, Printer: d.IsPrinter, SetDialect: c.SetDialect, ScriptError: c.ScriptError, Chunks: chunks})
		return err
	}
	return prg, prepare, nil
}
