package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/impvalue"
	"github.com/agenthost/agenthost/scriptvm"
	"github.com/dop251/goja"
)

// Timeouts of outbound requests. They are wall time: the virtual clock
// stands still while a request is in flight, so it cannot time one out.
const (
	// DefaultSendTimeout is sendasync's timeout when none is given (the
	// imp's ten minutes).
	DefaultSendTimeout = 600 * time.Second
	// SyncTimeout bounds sendsync, which blocks the whole agent (the
	// default of Options.SyncTimeout).
	SyncTimeout = 60 * time.Second
	// NoTimeout is the value of the global NO_TIMEOUT: sendasync with it
	// waits as long as the server takes.
	NoTimeout = -1
	// MaxResponseBody is the largest response body a request accepts;
	// beyond it the request fails with statuscode 63.
	MaxResponseBody = 16 << 20
)

// outReq is one httprequest object. Loop only.
type outReq struct {
	m       *Module
	method  string
	url     string
	headers http.Header
	body    []byte

	sent      bool
	cancelled bool
	op        *scriptvm.Op
	stop      context.CancelFunc
}

// verb returns http.get/httpdelete(url[, headers]) or
// http.post/put(url, headers, body).
func (m *Module) verb(method, name string, withBody bool) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		if withBody {
			if len(call.Arguments) < 3 {
				m.env.Throwf("%s: wants (url, headers, body), got %d argument(s)", name, len(call.Arguments))
			}
			return m.newRequest(name, method, call.Argument(0), call.Argument(1), call.Argument(2))
		}
		return m.newRequest(name, method, call.Argument(0), call.Argument(1), nil)
	}
}

// request(verb, url, headers, body): any method.
func (m *Module) request(call goja.FunctionCall) goja.Value {
	v := call.Argument(0)
	method, ok := agentapi.StringArg(v)
	if !ok || !validToken(method) {
		m.env.Throwf("http.request: argument 'verb' must be an HTTP method such as \"OPTIONS\", got %s", agentapi.Describe(v))
	}
	if len(call.Arguments) < 4 {
		m.env.Throwf("http.request: wants (verb, url, headers, body), got %d argument(s)", len(call.Arguments))
	}
	return m.newRequest("http.request", strings.ToUpper(method), call.Argument(1), call.Argument(2), call.Argument(3))
}

func (m *Module) newRequest(name, method string, urlV, headersV, bodyV goja.Value) goja.Value {
	env := m.env
	raw, ok := agentapi.StringArg(urlV)
	if !ok {
		env.Throwf("%s: argument 'url' must be a string, got %s", name, agentapi.Describe(urlV))
	}
	lower := strings.ToLower(raw)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		env.Throwf("%s: argument 'url' must start with http:// or https://, got %q", name, raw)
	}
	r := &outReq{m: m, method: method, url: raw, headers: http.Header{}}
	if !agentapi.IsAbsent(headersV) {
		obj, isObj := headersV.(*goja.Object)
		if !isObj || obj.ClassName() == "Array" || agentapi.GoValue(headersV) != nil {
			env.Throwf("%s: argument 'headers' must be a table of header names to values, got %s", name, agentapi.Describe(headersV))
		}
		for _, k := range obj.Keys() {
			if !validToken(k) {
				env.Throwf("%s: argument 'headers': %q is not a header name (letters, digits and !#$%%&'*+-.^_`|~)", name, k)
			}
			val, ok := scalarText(obj.Get(k))
			if !ok || strings.ContainsAny(val, "\r\n") {
				env.Throwf("%s: argument 'headers': header %q must be a string, number or boolean without line breaks, got %s", name, k, agentapi.Describe(obj.Get(k)))
			}
			r.headers.Add(k, val)
		}
	}
	if bodyV != nil && !agentapi.IsAbsent(bodyV) {
		b, ok := env.Blobs.BytesOf(bodyV)
		if !ok {
			env.Throwf("%s: argument 'body' must be a string or blob, got %s", name, agentapi.Describe(bodyV))
		}
		r.body = append([]byte(nil), b...)
	}
	return r.object()
}

func (r *outReq) object() *goja.Object {
	o := r.m.rt.NewObject()
	_ = o.Set("sendasync", r.sendasync)
	_ = o.Set("sendsync", r.sendsync)
	_ = o.Set("cancel", r.cancel)
	agentapi.NameMethods(r.m.rt, "httprequest", o)
	return o
}

func (r *outReq) detail() string { return r.method + " " + redact(r.url) }

// sendasync(done[, stream][, timeout]) sends the request; done(response)
// runs on the loop when it completes or fails.
func (r *outReq) sendasync(call goja.FunctionCall) goja.Value {
	env := r.m.env
	done := env.RequiredCallback(call.Argument(0), "httprequest.sendasync: argument 'doneCallback'")
	args := call.Arguments[1:]
	var stream goja.Callable
	if len(args) > 0 {
		if _, isFn := goja.AssertFunction(args[0]); isFn || goja.IsNull(args[0]) {
			stream, _ = env.Callback(args[0], "httprequest.sendasync: argument 'streamCallback'")
			args = args[1:]
		}
	}
	timeout := DefaultSendTimeout
	if len(args) > 0 && !goja.IsUndefined(args[0]) {
		sec, ok := agentapi.NumberArg(args[0])
		switch {
		case ok && sec == NoTimeout:
			timeout = 0
		case !ok || math.IsNaN(sec) || sec <= 0 || sec > 1e9:
			env.Throwf("httprequest.sendasync: argument 'timeout' must be a number of seconds > 0 or NO_TIMEOUT, got %s", agentapi.Describe(args[0]))
		default:
			timeout = time.Duration(sec * float64(time.Second))
		}
	}
	r.claim("httprequest.sendasync")
	if !env.Limits.HTTPRequest(r.detail()) {
		resp := rateLimited(env.Limits)
		env.Loop.SetTimer(0, func() { r.deliver(done, resp) })
		return goja.Undefined()
	}
	ctx, stop := r.m.requestContext(timeout)
	r.stop = stop
	r.op = env.Loop.Begin(scriptvm.Busy)
	op := r.op
	var onChunk func([]byte)
	if stream != nil {
		onChunk = func(chunk []byte) {
			op.Post(func() {
				if !r.cancelled {
					env.Loop.Call(stream, goja.Undefined(), r.m.rt.ToValue(string(chunk)))
				}
			})
		}
	}
	r.m.wg.Add(1)
	go func() {
		defer r.m.wg.Done()
		defer stop()
		resp := r.m.do(ctx, r, onChunk)
		op.Complete(func() { r.deliver(done, resp) })
	}()
	return goja.Undefined()
}

// sendsync() sends the request and blocks the agent until it completes
// (at most Options.SyncTimeout, then statuscode 28), returning the response
// table. The wait is a wait on the network, not the script running: it
// does not count against the callback's limits.cpu_per_callback.
func (r *outReq) sendsync(goja.FunctionCall) goja.Value {
	env := r.m.env
	r.claim("httprequest.sendsync")
	if !env.Limits.HTTPRequest(r.detail()) {
		return r.table(rateLimited(env.Limits))
	}
	ctx, stop := r.m.requestContext(r.m.opts.SyncTimeout)
	defer stop()
	var resp response
	env.Loop.Blocked(func() { resp = r.m.do(ctx, r, nil) })
	return r.table(resp)
}

// cancel() aborts a request in flight; its done callback is not called.
// Cancelling a request not sent, or already complete, does nothing.
func (r *outReq) cancel(goja.FunctionCall) goja.Value {
	if r.op != nil && !r.op.Ended() {
		r.cancelled = true
		r.stop()
		r.op.End()
	}
	return goja.Undefined()
}

// claim marks the request sent; a request object sends once.
func (r *outReq) claim(where string) {
	if r.sent {
		r.m.env.Throwf("%s: this request was already sent (make a new one with http.get/post/...)", where)
	}
	r.sent = true
}

func (r *outReq) deliver(done goja.Callable, resp response) {
	if r.cancelled {
		return
	}
	r.m.env.Loop.Call(done, goja.Undefined(), r.table(resp))
}

// table builds the response table: statuscode, headers (lower-case names,
// repeated headers joined with ", "), rawheaders, body.
func (r *outReq) table(resp response) goja.Value {
	t := impvalue.NewTable()
	t.Set("statuscode", int64(resp.status))
	h := impvalue.NewTable()
	var raw []impvalue.Value
	for _, k := range sortedKeys(resp.headers) {
		h.Set(strings.ToLower(k), strings.Join(resp.headers[k], ", "))
		for _, v := range resp.headers[k] {
			raw = append(raw, k+": "+v)
		}
	}
	if raw == nil {
		raw = []impvalue.Value{}
	}
	t.Set("headers", h)
	t.Set("rawheaders", raw)
	t.Set("body", string(resp.body))
	return impvalue.ToJS(r.m.rt, r.m.env.Blobs, t)
}

// requestContext is the context of one request: cancelled by Close, and
// after timeout unless it is 0.
func (m *Module) requestContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout == 0 {
		return context.WithCancel(m.ctx)
	}
	return context.WithTimeout(m.ctx, timeout)
}

// response is what a request produced: an HTTP response, or a transport
// failure as a statuscode below 100 with its explanation in body.
type response struct {
	status  int
	headers http.Header
	body    []byte
}

func rateLimited(l *agentapi.Limiters) response {
	s := l.HTTPSpec()
	return response{status: agentapi.CodeHTTPRateLimited, headers: http.Header{},
		body: fmt.Appendf(nil, "HTTP request rate limit exceeded (limits.http: %d credits, +%s); nothing was sent", s.Burst, s.Text)}
}

// do performs the request. It runs off the loop and touches nothing of
// the runtime; onChunk, when set, receives the body as it arrives and the
// response's body is then empty.
func (m *Module) do(ctx context.Context, r *outReq, onChunk func([]byte)) response {
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, bytes.NewReader(r.body))
	if err != nil {
		return failure(CodeMalformedURL, err)
	}
	req.Header = r.headers.Clone()
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "agenthost")
	}
	res, err := m.httpClient().Do(req)
	if err != nil {
		return failure(transportCode(ctx, err), err)
	}
	defer res.Body.Close()
	out := response{status: res.StatusCode, headers: res.Header}
	limited := io.LimitReader(res.Body, MaxResponseBody+1)
	if onChunk == nil {
		out.body, err = io.ReadAll(limited)
		if err == nil && len(out.body) > MaxResponseBody {
			return failure(CodeTooLarge, fmt.Errorf("the response body is larger than %d bytes", MaxResponseBody))
		}
	} else {
		// Chunks become strings one by one: a UTF-8 sequence split by a
		// read is held back (at most 3 bytes) and starts the next chunk.
		total, held := 0, 0
		buf := make([]byte, 32<<10)
		for {
			n, rerr := limited.Read(buf[held:])
			if total += n; total > MaxResponseBody {
				return failure(CodeTooLarge, fmt.Errorf("the response body is larger than %d bytes", MaxResponseBody))
			}
			data := buf[:held+n]
			cut := len(data)
			if rerr == nil {
				cut = completeUTF8(data)
			}
			if cut > 0 {
				onChunk(append([]byte(nil), data[:cut]...))
			}
			held = copy(buf, data[cut:])
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				err = rerr
				break
			}
		}
	}
	if err != nil {
		return failure(transportCode(ctx, err), fmt.Errorf("reading the response body: %w", err))
	}
	return out
}

// completeUTF8 returns the length of b without a UTF-8 sequence that is
// cut short at its end (bytes that are not UTF-8 at all are kept).
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(b[i]) {
			if b[i] >= utf8.RuneSelf && !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

func failure(code int, err error) response {
	return response{status: code, headers: http.Header{}, body: []byte(err.Error())}
}

// redact removes a URL's password for reports.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}
