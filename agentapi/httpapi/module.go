// Package httpapi is the agent API module of the imp's http object: the
// agent URL (http.onrequest, http.agenturl) served on a local listener,
// outbound requests (http.get/post/put/httpdelete/request and the
// httprequest object they return), and the encoders (jsonencode,
// jsondecode, base64encode/decode, urlencode/urldecode) and hashes
// (http.hash.*). The package is named httpapi so that it does not shadow
// net/http; the global it installs is http.
//
// Everything that touches the runtime runs on the loop. The listener's
// goroutines and each outbound request's goroutine hand their work to the
// loop through a scriptvm.Op; Close cancels them all and waits for them.
package httpapi

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// Defaults of Options.
const (
	// DefaultAnswerTimeout is how long, on the session clock, a request to
	// the agent URL waits for the script's response.send before the host
	// answers 504 itself.
	DefaultAnswerTimeout = 60 * time.Second
	// DefaultMaxRequestBody is the largest request body the agent URL
	// accepts; larger requests get 413 without reaching the script.
	DefaultMaxRequestBody = 1 << 20
)

// Options configure the module.
type Options struct {
	// Listen is the host:port of the agent URL's listener; "" or "off"
	// means no listener (requests can still be delivered in-process with
	// Deliver, as the test runner does).
	Listen string
	// PublicURL, when set, is what http.agenturl() returns (an agent
	// behind a tunnel or proxy); otherwise the listener's own URL.
	PublicURL string
	// TLS is the client configuration of https:// requests (CA pool,
	// verification); nil verifies against the system roots.
	TLS *tls.Config
	// AnswerTimeout and MaxRequestBody default to DefaultAnswerTimeout and
	// DefaultMaxRequestBody.
	AnswerTimeout  time.Duration
	MaxRequestBody int64
	// SyncTimeout bounds one sendsync; it defaults to SyncTimeout (the
	// constant). Tests shorten it.
	SyncTimeout time.Duration
}

// Module installs http.
type Module struct {
	opts Options
	env  *agentapi.Env
	rt   *goja.Runtime

	ctx    context.Context // cancelled by Close: ends every request in flight
	cancel context.CancelFunc
	wg     sync.WaitGroup // outbound requests' goroutines
	// client is made for the first outbound request (httpClient): most
	// agents send none.
	clientOnce sync.Once
	client     *http.Client

	srv      *http.Server
	ln       net.Listener
	baseURL  string
	serveErr chan error

	// door is how the listener's goroutines hand requests to the loop
	// (set before the listener starts; it holds nothing).
	door *scriptvm.Op

	// Loop only:
	handler goja.Callable // http.onrequest's callback, nil when none
	// hold keeps the loop alive while a handler is registered and the
	// listener runs, as a connected client waiting for messages does.
	hold *scriptvm.Op
}

// New returns the module.
func New(opts Options) *Module {
	if opts.SyncTimeout <= 0 {
		opts.SyncTimeout = SyncTimeout
	}
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = DefaultAnswerTimeout
	}
	if opts.MaxRequestBody <= 0 {
		opts.MaxRequestBody = DefaultMaxRequestBody
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Module{opts: opts, ctx: ctx, cancel: cancel}
}

// Name implements agentapi.Module.
func (*Module) Name() string { return "http" }

// Install implements agentapi.Module: it starts the listener (printing the
// agent URL as a [Status] line) and installs http and NO_TIMEOUT.
func (m *Module) Install(env *agentapi.Env) error {
	m.env, m.rt = env, env.Runtime
	if err := m.listen(); err != nil {
		return err
	}
	// The listener runs from here on; the script's http object is made
	// when the script first reads the global.
	if err := env.DefineLazy("http", m.object); err != nil {
		return err
	}
	return env.Define("NO_TIMEOUT", m.rt.ToValue(NoTimeout))
}

// object makes the http global's object. Loop only.
func (m *Module) object() goja.Value {
	rt := m.rt
	o := rt.NewObject()
	set := func(name string, fn func(goja.FunctionCall) goja.Value) { _ = o.Set(name, fn) }
	set("onrequest", m.onrequest)
	set("agenturl", func(goja.FunctionCall) goja.Value { return rt.ToValue(m.agentURL()) })
	set("get", m.verb("GET", "http.get", false))
	set("httpdelete", m.verb("DELETE", "http.httpdelete", false))
	set("post", m.verb("POST", "http.post", true))
	set("put", m.verb("PUT", "http.put", true))
	set("request", m.request)
	m.installEncoders(o)
	return o
}

// listen starts the agent URL's listener, unless it is off.
func (m *Module) listen() error {
	if m.opts.Listen == "" || m.opts.Listen == "off" {
		m.baseURL = strings.TrimSuffix(m.opts.PublicURL, "/")
		return nil
	}
	ln, err := net.Listen("tcp", m.opts.Listen)
	if err != nil {
		return fmt.Errorf("http.listen %s: %w", m.opts.Listen, err)
	}
	m.ln = ln
	m.baseURL = "http://" + ln.Addr().String()
	if m.opts.PublicURL != "" {
		m.baseURL = strings.TrimSuffix(m.opts.PublicURL, "/")
	}
	m.door = m.env.Loop.Begin(scriptvm.Detached)
	m.srv = &http.Server{Handler: http.HandlerFunc(m.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	m.serveErr = make(chan error, 1)
	go func() { m.serveErr <- m.srv.Serve(ln) }()
	note := ""
	if m.opts.PublicURL != "" {
		note = " (listening on http://" + ln.Addr().String() + ")"
	}
	m.env.Log.Status("agent URL: " + m.baseURL + note)
	return nil
}

// agentURL is what http.agenturl() returns: the public URL, else the
// listener's, else "" when there is neither.
func (m *Module) agentURL() string { return m.baseURL }

// URL returns the agent URL (as http.agenturl() does). Any goroutine,
// after Install.
func (m *Module) URL() string { return m.baseURL }

// Close implements agentapi.Closer: it stops the listener (requests
// waiting for the script get 503), cancels the outbound requests in
// flight and waits for every goroutine the module started.
func (m *Module) Close() {
	m.cancel()
	if m.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = m.srv.Shutdown(ctx)
		cancel()
		_ = m.srv.Close()
		<-m.serveErr
	}
	m.wg.Wait() // the requests' goroutines, which made the client if any did, have ended
	if m.client != nil {
		m.client.CloseIdleConnections()
	}
}

// httpClient returns the module's HTTP client, made on the first call.
// Any goroutine.
func (m *Module) httpClient() *http.Client {
	m.clientOnce.Do(func() { m.client = newClient(m.opts.TLS) })
	return m.client
}
