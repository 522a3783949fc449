package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/impvalue"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// Incoming is a request to the agent URL as the script sees it.
type Incoming struct {
	Method  string
	Path    string              // the URL path, "/" at the root
	Query   map[string][]string // decoded query parameters
	Headers http.Header
	Body    []byte
}

// Answer is the response to an Incoming request.
type Answer struct {
	Status  int
	Headers http.Header
	Body    []byte
}

// onrequest(callback) registers the agent URL's handler; null removes it.
func (m *Module) onrequest(call goja.FunctionCall) goja.Value {
	if len(call.Arguments) == 0 {
		m.env.Throwf("http.onrequest: missing argument 'callback'")
	}
	fn, _ := m.env.Callback(call.Argument(0), "http.onrequest: argument 'callback'")
	m.handler = fn
	switch {
	case fn != nil && m.hold == nil && m.srv != nil:
		// A registered handler with a listener waits for requests, as a
		// connected client waits for messages: it holds the loop.
		m.hold = m.env.Loop.Begin(scriptvm.Hold)
	case fn == nil && m.hold != nil:
		m.hold.End()
		m.hold = nil
	}
	return goja.Undefined()
}

// serveHTTP runs on the listener's goroutines: it reads the request, hands
// it to the loop and writes the answer the loop gives back.
func (m *Module) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, m.opts.MaxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, fmt.Sprintf("request body larger than the agent's limit of %d bytes", m.opts.MaxRequestBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
		return
	}
	in := Incoming{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Headers: r.Header, Body: body}
	if in.Path == "" {
		in.Path = "/"
	}
	answer := make(chan Answer, 1)
	// Delivered on the loop, after the top level: a request that arrives
	// while the script is still starting waits for its handler.
	if !m.door.Post(func() { m.Deliver(in, func(a Answer) { answer <- a }) }) {
		http.Error(w, "the agent stopped", http.StatusServiceUnavailable)
		return
	}
	select {
	case a := <-answer:
		for k, vs := range a.Headers {
			w.Header()[k] = vs
		}
		w.WriteHeader(a.Status)
		_, _ = w.Write(a.Body)
	case <-r.Context().Done(): // the client went away
	case <-m.ctx.Done():
		http.Error(w, "the agent stopped", http.StatusServiceUnavailable)
	}
}

// Deliver hands one request to the script's handler and calls reply once
// with the answer: the script's response.send, 500 when the handler throws
// before answering, 504 when it has not answered within AnswerTimeout on
// the session clock, 503 when no handler is registered. Loop only (the
// test runner calls it directly; the listener posts it).
func (m *Module) Deliver(in Incoming, reply func(Answer)) {
	env := m.env
	if m.handler == nil {
		reply(Answer{Status: http.StatusServiceUnavailable, Body: []byte("the agent has no http.onrequest handler\n")})
		return
	}
	x := &exchange{m: m, in: in, reply: reply, headers: http.Header{}}
	x.timer = env.Loop.SetTimer(m.opts.AnswerTimeout, func() {
		if x.answered {
			return
		}
		env.Log.StatusWarn(fmt.Sprintf("%s %s: the agent did not call response.send within %s; answered 504",
			in.Method, in.Path, m.opts.AnswerTimeout))
		x.finish(Answer{Status: http.StatusGatewayTimeout, Body: []byte("the agent did not answer in time\n")}, true)
	})
	req := m.requestTable(in)
	if _, ok := env.Loop.Call(m.handler, goja.Undefined(), req, x.object()); !ok && !x.answered {
		// The error is logged by the loop, with its stack.
		x.finish(Answer{Status: http.StatusInternalServerError, Body: []byte("Internal Server Error: the agent's request handler threw\n")}, true)
	}
}

// requestTable builds the request table: method, path, query, headers
// (names in lower case, repeated headers joined with ", "), body.
func (m *Module) requestTable(in Incoming) goja.Value {
	t := impvalue.NewTable()
	t.Set("method", in.Method)
	t.Set("path", in.Path)
	q := impvalue.NewTable()
	for _, k := range sortedKeys(in.Query) {
		q.Set(k, in.Query[k][0])
	}
	t.Set("query", q)
	h := impvalue.NewTable()
	for _, k := range sortedKeys(in.Headers) {
		h.Set(strings.ToLower(k), strings.Join(in.Headers[k], ", "))
	}
	t.Set("headers", h)
	t.Set("body", string(in.Body))
	return impvalue.ToJS(m.rt, m.env.Blobs, t)
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// exchange is one request being answered. Loop only.
type exchange struct {
	m        *Module
	in       Incoming
	reply    func(Answer)
	headers  http.Header
	answered bool // the answer is given (by the script or the host)
	byHost   bool // the host answered (error or timeout)
	timer    *scriptvm.Timer
}

func (x *exchange) finish(a Answer, byHost bool) {
	x.answered, x.byHost = true, byHost
	x.m.env.Loop.CancelTimer(x.timer)
	x.reply(a)
}

// object is the httpresponse: send(statuscode, body) and header(name, value).
func (x *exchange) object() *goja.Object {
	env := x.m.env
	o := x.m.rt.NewObject()
	_ = o.Set("header", func(call goja.FunctionCall) goja.Value {
		name, ok := agentapi.StringArg(call.Argument(0))
		if !ok || !validToken(name) {
			env.Throwf("httpresponse.header: argument 'name' must be a header name (letters, digits and !#$%%&'*+-.^_`|~), got %s", agentapi.Describe(call.Argument(0)))
		}
		value, ok := scalarText(call.Argument(1))
		if !ok || strings.ContainsAny(value, "\r\n") {
			env.Throwf("httpresponse.header: argument 'value' must be a string, number or boolean without line breaks, got %s", agentapi.Describe(call.Argument(1)))
		}
		if x.answered {
			x.late("httpresponse.header")
			return goja.Undefined()
		}
		x.headers.Add(name, value)
		return goja.Undefined()
	})
	_ = o.Set("send", func(call goja.FunctionCall) goja.Value {
		code, ok := agentapi.IntArg(call.Argument(0))
		if !ok || code < 100 || code > 599 {
			env.Throwf("httpresponse.send: argument 'statuscode' must be an integer from 100 to 599, got %s", agentapi.Describe(call.Argument(0)))
		}
		var body []byte
		if b := call.Argument(1); !agentapi.IsAbsent(b) {
			if body, ok = env.Blobs.BytesOf(b); !ok {
				s, isScalar := scalarText(b)
				if !isScalar {
					env.Throwf("httpresponse.send: argument 'body' must be a string, number, boolean or blob, got %s", agentapi.Describe(b))
				}
				body = []byte(s)
			}
			body = append([]byte(nil), body...)
		}
		if x.answered {
			x.late("httpresponse.send")
			return goja.Undefined()
		}
		x.finish(Answer{Status: int(code), Headers: x.headers, Body: body}, false)
		return goja.Undefined()
	})
	agentapi.NameMethods(x.m.rt, "httpresponse", o)
	return o
}

// late handles a send or header after the answer went: an error when the
// script had already answered, a warning when the host had (a timeout).
func (x *exchange) late(where string) {
	if x.byHost {
		x.m.env.Log.StatusWarn(fmt.Sprintf("%s for %s %s ignored: the host already answered it (timeout or error)", where, x.in.Method, x.in.Path))
		return
	}
	x.m.env.Throwf("%s: the response to %s %s was already sent", where, x.in.Method, x.in.Path)
}

// scalarText returns strings as they are and numbers and booleans as
// text.
func scalarText(v goja.Value) (string, bool) {
	if s, ok := agentapi.StringArg(v); ok {
		return s, true
	}
	if _, ok := agentapi.NumberArg(v); ok {
		return v.String(), true
	}
	if _, isObj := v.(*goja.Object); !isObj && v != nil {
		if b, ok := v.Export().(bool); ok {
			if b {
				return "true", true
			}
			return "false", true
		}
	}
	return "", false
}

// validToken reports whether s is an HTTP token (RFC 9110), as header
// names must be.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
