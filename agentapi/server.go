package agentapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dop251/goja"
)

// maxSave is the largest serialised table server.save accepts.
const maxSave = 64 * 1024

type serverModule struct {
	a *API
}

func newServer(a *API) *serverModule { return &serverModule{a: a} }

func (s *serverModule) object() *goja.Object {
	rt := s.a.rt
	o := rt.NewObject()
	_ = o.Set("log", func(call goja.FunctionCall) goja.Value {
		s.a.lim.logLine(s.text(call, "server.log"), false)
		return goja.Undefined()
	})
	_ = o.Set("error", func(call goja.FunctionCall) goja.Value {
		s.a.lim.logLine(s.text(call, "server.error"), true)
		return goja.Undefined()
	})
	_ = o.Set("save", s.save)
	_ = o.Set("load", s.load)
	return o
}

func (s *serverModule) text(call goja.FunctionCall, where string) string {
	if len(call.Arguments) == 0 {
		s.a.throwf("%s: missing argument 'value'", where)
	}
	return s.a.format(call.Arguments[0])
}

// format renders a value as server.log prints it: strings as they are,
// numbers in their shortest form, null as "null", blobs as text (hex when
// not UTF-8), errors as "Name: message", other objects as JSON.
func (a *API) format(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) {
		return "undefined"
	}
	if goja.IsNull(v) {
		return "null"
	}
	switch x := v.Export().(type) {
	case string:
		return x
	case *Blob:
		return x.text()
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return v.String() // numbers, booleans, symbols, bigints
	}
	if _, isFn := goja.AssertFunction(v); isFn {
		return v.String()
	}
	if obj.ClassName() == "Error" {
		return v.String()
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return v.String()
	}
	return string(b)
}

// save(table) persists a table as JSON, at most 64 KiB; {} clears.
func (s *serverModule) save(call goja.FunctionCall) goja.Value {
	a := s.a
	v := call.Argument(0)
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() != "Object" && obj.ClassName() != "Array" {
		a.throwf("server.save: argument 'table' must be an object, got %s", describe(v))
	}
	data, err := json.Marshal(obj)
	if err != nil {
		a.throwf("server.save: argument 'table' cannot be serialised: %v", err)
	}
	if len(data) > maxSave {
		a.throwRange("server.save: the table is %d bytes serialised, more than the limit of %d", len(data), maxSave)
	}
	if string(data) == "{}" {
		if err := os.Remove(a.opts.SaveFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			panic(a.rt.NewGoError(fmt.Errorf("server.save: %w", err)))
		}
		return rtInt(a.rt, 0)
	}
	if err := writeAtomic(a.opts.SaveFile, data); err != nil {
		panic(a.rt.NewGoError(fmt.Errorf("server.save: %w", err)))
	}
	return rtInt(a.rt, 0)
}

// load() returns the saved table, or {} when nothing was saved.
func (s *serverModule) load(goja.FunctionCall) goja.Value {
	a := s.a
	data, err := os.ReadFile(a.opts.SaveFile)
	if errors.Is(err, fs.ErrNotExist) {
		return a.rt.NewObject()
	}
	if err != nil {
		panic(a.rt.NewGoError(fmt.Errorf("server.load: %w", err)))
	}
	if !json.Valid(data) {
		panic(a.rt.NewGoError(fmt.Errorf("server.load: %s is not valid saved data (a crash while writing?); delete it to start afresh", a.opts.SaveFile)))
	}
	parse, _ := goja.AssertFunction(a.rt.Get("JSON").ToObject(a.rt).Get("parse"))
	val, err := parse(goja.Undefined(), a.rt.ToValue(string(data)))
	if err != nil {
		panic(a.rt.NewGoError(fmt.Errorf("server.load: %s: %w", a.opts.SaveFile, err)))
	}
	return val
}

// writeAtomic writes data to path through a temporary file in the same
// directory and a rename, so a crash never leaves a half-written file.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".save-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func rtInt(rt *goja.Runtime, n int) goja.Value { return rt.ToValue(n) }
