package httpapi

import (
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/digest"
	"github.com/agenthost/agenthost/agentapi/impvalue"
	"github.com/dop251/goja"
)

// installEncoders adds jsonencode, jsondecode, base64encode/decode,
// urlencode/urldecode and the hash table to o.
func (m *Module) installEncoders(o *goja.Object) {
	env, rt := m.env, m.rt
	_ = o.Set("jsonencode", func(call goja.FunctionCall) goja.Value {
		if len(call.Arguments) == 0 {
			env.Throwf("http.jsonencode: missing argument 'value'")
		}
		compact := false
		if s := call.Argument(1); !agentapi.IsAbsent(s) {
			obj, ok := s.(*goja.Object)
			if !ok || obj.ClassName() == "Array" || agentapi.GoValue(s) != nil {
				env.Throwf("http.jsonencode: argument 'settings' must be an object whose only key is compact (e.g. {compact: true}), got %s", agentapi.Describe(s))
			}
			for _, k := range obj.Keys() {
				if k != "compact" {
					env.Throwf("http.jsonencode: unknown setting %q (the settings are: compact)", k)
				}
			}
			compact = obj.Get("compact").ToBoolean()
		}
		v, err := impvalue.FromJS(call.Argument(0), env.Blobs, "value")
		if err == nil {
			var s string
			if s, err = impvalue.EncodeJSON(v, compact, "value"); err == nil {
				return rt.ToValue(s)
			}
		}
		env.Throwf("http.jsonencode: %v", err)
		return nil
	})
	_ = o.Set("jsondecode", func(call goja.FunctionCall) goja.Value {
		text, ok := agentapi.StringArg(call.Argument(0))
		if !ok {
			env.Throwf("http.jsondecode: argument 'json' must be a string, got %s", agentapi.Describe(call.Argument(0)))
		}
		v, err := impvalue.DecodeJSON(text)
		if err != nil {
			env.Throwf("http.jsondecode: invalid JSON at %v", err)
		}
		return impvalue.ToJS(rt, env.Blobs, v)
	})
	_ = o.Set("base64encode", func(call goja.FunctionCall) goja.Value {
		b := m.bytesArg(call.Argument(0), "http.base64encode", "data")
		return rt.ToValue(base64.StdEncoding.EncodeToString(b))
	})
	_ = o.Set("base64decode", func(call goja.FunctionCall) goja.Value {
		s, ok := agentapi.StringArg(call.Argument(0))
		if !ok {
			env.Throwf("http.base64decode: argument 'data' must be a string, got %s", agentapi.Describe(call.Argument(0)))
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			env.Throwf("http.base64decode: argument 'data' is not base64: %v", err)
		}
		return env.Blobs.Wrap(b)
	})
	_ = o.Set("urlencode", func(call goja.FunctionCall) goja.Value {
		return rt.ToValue(m.urlencode(call.Argument(0)))
	})
	_ = o.Set("urldecode", func(call goja.FunctionCall) goja.Value {
		s, ok := agentapi.StringArg(call.Argument(0))
		if !ok {
			env.Throwf("http.urldecode: argument 'data' must be a string, got %s", agentapi.Describe(call.Argument(0)))
		}
		q, err := url.ParseQuery(s)
		if err != nil {
			env.Throwf("http.urldecode: argument 'data' is not URL-encoded: %v", err)
		}
		t := impvalue.NewTable()
		for _, k := range orderedQueryKeys(s) {
			if vs, ok := q[k]; ok {
				t.Set(k, vs[len(vs)-1])
			}
		}
		return impvalue.ToJS(rt, env.Blobs, t)
	})
	hash := rt.NewObject()
	for _, name := range digest.Names {
		_ = hash.Set(name, func(call goja.FunctionCall) goja.Value {
			data := m.bytesArg(call.Argument(0), "http.hash."+name, "data")
			return env.Blobs.Wrap(digest.Sum(name, data))
		})
	}
	for _, name := range digest.HMACNames {
		_ = hash.Set(name, func(call goja.FunctionCall) goja.Value {
			data := m.bytesArg(call.Argument(0), "http.hash."+name, "data")
			key := m.bytesArg(call.Argument(1), "http.hash."+name, "key")
			return env.Blobs.Wrap(digest.HMAC(strings.TrimPrefix(name, "hmac"), data, key))
		})
	}
	_ = o.Set("hash", hash)
}

// bytesArg returns the bytes of a string or blob argument, or throws.
func (m *Module) bytesArg(v goja.Value, where, arg string) []byte {
	b, ok := m.env.Blobs.BytesOf(v)
	if !ok {
		m.env.Throwf("%s: argument '%s' must be a string or blob, got %s", where, arg, agentapi.Describe(v))
	}
	return b
}

// urlencode(table) → "k=v&k2=v2", keys in the table's order, values
// strings, numbers or booleans, encoded as a form (spaces as '+').
func (m *Module) urlencode(v goja.Value) string {
	env := m.env
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() == "Array" || agentapi.GoValue(v) != nil {
		env.Throwf("http.urlencode: argument 'data' must be a table, got %s", agentapi.Describe(v))
	}
	var b strings.Builder
	for i, k := range obj.Keys() {
		val, ok := scalarText(obj.Get(k))
		if !ok {
			env.Throwf("http.urlencode: value of %q must be a string, number or boolean, got %s", k, agentapi.Describe(obj.Get(k)))
		}
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(val))
	}
	return b.String()
}

// orderedQueryKeys lists the distinct keys of a query in the order they
// first appear.
func orderedQueryKeys(raw string) []string {
	seen := map[string]bool{}
	var keys []string
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' }) {
		k, _, _ := strings.Cut(part, "=")
		k, err := url.QueryUnescape(k)
		if err != nil || seen[k] {
			continue
		}
		seen[k] = true
		keys = append(keys, k)
	}
	return keys
}
