// Package server is the agent API module of the imp's server object:
// server.log and server.error (through the log rate limit), and
// server.save / server.load (one table persisted as JSON in the state
// directory, written atomically).
package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/dop251/goja"
)

// MaxSave is the largest serialised table server.save accepts.
const MaxSave = 64 * 1024

// Module installs server.
type Module struct{ env *agentapi.Env }

// New returns the module.
func New() *Module { return &Module{} }

// Name implements agentapi.Module.
func (*Module) Name() string { return "server" }

// Install implements agentapi.Module.
func (m *Module) Install(env *agentapi.Env) error {
	m.env = env
	o := env.Runtime.NewObject()
	_ = o.Set("log", func(call goja.FunctionCall) goja.Value {
		env.Limits.LogLine(m.text(call, "server.log"), false)
		return goja.Undefined()
	})
	_ = o.Set("error", func(call goja.FunctionCall) goja.Value {
		env.Limits.LogLine(m.text(call, "server.error"), true)
		return goja.Undefined()
	})
	env.Prints(o.Get("log"))
	env.Prints(o.Get("error"))
	_ = o.Set("save", m.save)
	_ = o.Set("load", m.load)
	return env.Define("server", o)
}

func (m *Module) text(call goja.FunctionCall, where string) string {
	if len(call.Arguments) == 0 {
		m.env.Throwf("%s: missing argument 'value'", where)
	}
	return m.env.Format(call.Arguments[0])
}

// save(table) persists a table as JSON, at most 64 KiB; {} clears.
func (m *Module) save(call goja.FunctionCall) goja.Value {
	env := m.env
	v := call.Argument(0)
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() != "Object" && obj.ClassName() != "Array" || agentapi.GoValue(v) != nil {
		env.Throwf("server.save: argument 'table' must be an object, got %s", agentapi.Describe(v))
	}
	data, err := json.Marshal(obj)
	if err != nil {
		env.Throwf("server.save: argument 'table' cannot be serialised: %v", err)
	}
	if len(data) > MaxSave {
		env.ThrowRange("server.save: the table is %d bytes serialised, more than the limit of %d", len(data), MaxSave)
	}
	if string(data) == "{}" {
		if err := os.Remove(env.SaveFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			env.ThrowError(fmt.Errorf("server.save: %w", err))
		}
		return env.Runtime.ToValue(0)
	}
	if err := WriteAtomic(env.SaveFile, data); err != nil {
		env.ThrowError(fmt.Errorf("server.save: %w", err))
	}
	return env.Runtime.ToValue(0)
}

// load() returns the saved table, or {} when nothing was saved.
func (m *Module) load(goja.FunctionCall) goja.Value {
	env := m.env
	data, err := os.ReadFile(env.SaveFile)
	if errors.Is(err, fs.ErrNotExist) {
		return env.Runtime.NewObject()
	}
	if err != nil {
		env.ThrowError(fmt.Errorf("server.load: %w", err))
	}
	if !json.Valid(data) {
		env.ThrowError(fmt.Errorf("server.load: %s is not valid saved data (a crash while writing?); delete it to start afresh", env.SaveFile))
	}
	parse, _ := goja.AssertFunction(env.Runtime.Get("JSON").ToObject(env.Runtime).Get("parse"))
	val, err := parse(goja.Undefined(), env.Runtime.ToValue(string(data)))
	if err != nil {
		env.ThrowError(fmt.Errorf("server.load: %s: %w", env.SaveFile, err))
	}
	return val
}

// WriteAtomic writes data to path through a temporary file in the same
// directory and a rename, so a crash never leaves a half-written file.
func WriteAtomic(path string, data []byte) error {
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
