package squirrel

import (
	"errors"
	"strings"
	"testing"

	"github.com/dop251/goja"
)

// fakeAPI is a small host API of our own, built the way agentapi builds the
// real one: goja objects whose methods are Go functions.
type fakeAPI struct {
	vm    *goja.Runtime
	logs  []string
	saved goja.Value // the callback passed to wakeup
	arity int64      // its length, as the host sees it
	echo  goja.Value // the last value echo received
}

func newFakeAPI(t *testing.T) (*fakeAPI, *Runtime) {
	t.Helper()
	vm := goja.New()
	rt, err := NewRuntime(vm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	api := &fakeAPI{vm: vm}
	server := vm.NewObject()
	_ = server.Set("log", func(c goja.FunctionCall) goja.Value {
		api.logs = append(api.logs, c.Argument(0).String())
		return goja.Undefined()
	})
	_ = server.Set("echo", func(c goja.FunctionCall) goja.Value {
		api.echo = c.Argument(0)
		return c.Argument(0)
	})
	_ = server.Set("VERSION", "1.2")
	imp := vm.NewObject()
	_ = imp.Set("wakeup", func(c goja.FunctionCall) goja.Value {
		api.saved = c.Argument(1)
		api.arity = c.Argument(1).ToObject(vm).Get("length").ToInteger()
		return goja.Undefined()
	})
	_ = imp.Set("getversion", func(goja.FunctionCall) goja.Value { return vm.ToValue(2.5) })
	_ = imp.Set("getcount", func(goja.FunctionCall) goja.Value { return vm.ToValue(3) })
	_ = imp.Set("getname", func(goja.FunctionCall) goja.Value { return vm.ToValue("ünï") })
	if err := rt.SetRoot("server", server); err != nil {
		t.Fatal(err)
	}
	if err := rt.SetRoot("imp", imp); err != nil {
		t.Fatal(err)
	}
	return api, rt
}

func runSrc(t *testing.T, rt *Runtime, src string) error {
	t.Helper()
	p, err := Compile("bridge.nut", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.Run(p)
	return err
}

func TestBridgeValuesCrossBothWays(t *testing.T) {
	api, rt := newFakeAPI(t)
	err := runSrc(t, rt, `
server.log("h\xc3\xa9llo " + 5 + " " + 1.5);
server.log(typeof imp.getversion() + " " + imp.getversion());
server.log(typeof imp.getcount() + " " + imp.getcount());
server.log(imp.getname().len() + " " + typeof server.VERSION);
server.echo({ n = 1, f = 2.5, s = "x", a = [1, "two", null], t = { deep = true } });
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"héllo 5 1.5", "float 2.5", "integer 3", "5 string"}
	if strings.Join(api.logs, "|") != strings.Join(want, "|") {
		t.Fatalf("logs = %q, want %q", api.logs, want)
	}
	got := api.echo.Export().(map[string]any)
	if got["n"] != int64(1) || got["f"] != 2.5 || got["s"] != "x" {
		t.Errorf("echo scalars = %v", got)
	}
	arr := got["a"].([]any)
	if len(arr) != 3 || arr[0] != int64(1) || arr[1] != "two" || arr[2] != nil {
		t.Errorf("echo array = %v", arr)
	}
	if got["t"].(map[string]any)["deep"] != true {
		t.Errorf("echo nested = %v", got["t"])
	}
}

func TestBridgeCallbacksKeepArityAndThis(t *testing.T) {
	api, rt := newFakeAPI(t)
	err := runSrc(t, rt, `
marker <- "root";
imp.wakeup(1, function(reason, extra) {
	server.log("cb " + reason + " " + typeof extra + " " + marker);
	return reason * 2;
});
`)
	if err != nil {
		t.Fatal(err)
	}
	if api.arity != 2 {
		t.Errorf("callback length = %d, want 2", api.arity)
	}
	fn, ok := goja.AssertFunction(api.saved)
	if !ok {
		t.Fatal("callback is not callable from the host")
	}
	res, err := fn(goja.Undefined(), api.vm.ToValue(21), api.vm.ToValue(1.5))
	if err != nil {
		t.Fatal(err)
	}
	if res.ToInteger() != 42 {
		t.Errorf("callback returned %v, want 42", res)
	}
	if len(api.logs) != 1 || api.logs[0] != "cb 21 float root" {
		t.Errorf("logs = %q", api.logs)
	}
	// a callback given the wrong number of arguments fails as Squirrel does
	_, err = fn(goja.Undefined(), api.vm.ToValue(1))
	var e *Error
	if !errors.As(rt.WrapError(err), &e) || e.Message != "wrong number of parameters" {
		t.Errorf("short call: err = %v", err)
	}
}

func TestBridgeErrorsNameTheNutLine(t *testing.T) {
	api, rt := newFakeAPI(t)
	if err := runSrc(t, rt, "imp.wakeup(1, function() {\n\tlocal t = {};\n\treturn t.missing;\n});\n"); err != nil {
		t.Fatal(err)
	}
	fn, _ := goja.AssertFunction(api.saved)
	_, err := fn(goja.Undefined())
	var e *Error
	if !errors.As(rt.WrapError(err), &e) {
		t.Fatalf("err = %v, want *Error", err)
	}
	if e.Message != "the index 'missing' does not exist" {
		t.Errorf("message = %q", e.Message)
	}
	if len(e.Stack) == 0 || e.Stack[0].File != "bridge.nut" || e.Stack[0].Line != 3 {
		t.Errorf("stack = %+v, want bridge.nut:3 first", e.Stack)
	}
	if e.Error() != "bridge.nut:3: the index 'missing' does not exist" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestBridgeHostObjectsKeepIdentity(t *testing.T) {
	api, rt := newFakeAPI(t)
	err := runSrc(t, rt, `
server.log((server == getroottable().server) + " " + (server.echo(server) == server));
local before = server.len();
server.log(before > 0);
`)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(api.logs, "|") != "true true|true" {
		t.Errorf("logs = %q", api.logs)
	}
	if api.echo.Export() == nil {
		t.Error("echo saw no object")
	}
}

func TestBridgeHostClass(t *testing.T) {
	api, rt := newFakeAPI(t)
	type box struct{ n int64 }
	var proto *goja.Object
	var newBox func(n int64) *goja.Object
	newBox = func(n int64) *goja.Object {
		b := &box{n: n}
		o := api.vm.NewObject()
		if proto == nil {
			proto = api.vm.NewObject()
		}
		_ = o.SetPrototype(proto)
		_ = o.Set("size", func(goja.FunctionCall) goja.Value { return api.vm.ToValue(b.n) })
		_ = o.Set("grow", func(c goja.FunctionCall) goja.Value {
			b.n += c.Argument(0).ToInteger()
			return o
		})
		_ = o.Set("split", func(goja.FunctionCall) goja.Value { return newBox(b.n / 2) })
		return o
	}
	err := rt.DefineClass("Box", ClassSpec{
		New: func(args []goja.Value) (*goja.Object, error) {
			if len(args) != 1 {
				return nil, errors.New("Box needs a size")
			}
			return newBox(args[0].ToInteger()), nil
		},
		Methods:  []string{"size", "grow", "split"},
		Owns:     func(o *goja.Object) bool { return proto != nil && o.Prototype() == proto },
		TypeName: "box",
	})
	if err != nil {
		t.Fatal(err)
	}
	err = runSrc(t, rt, `
local b = Box(10);
server.log(typeof b + " " + (b instanceof Box) + " " + b.size());
server.log((b.grow(5) == b) + " " + b.size());
local half = b.split();
server.log((half instanceof Box) + " " + half.size());
try { Box(); } catch (e) { server.log("err " + e); }
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "box true 10|true 15|true 7|err Box needs a size"
	if strings.Join(api.logs, "|") != want {
		t.Errorf("logs = %q, want %q", strings.Join(api.logs, "|"), want)
	}
}

func TestMainRunsTheChunkOnRequest(t *testing.T) {
	api, rt := newFakeAPI(t)
	p, err := Compile("main.nut", []byte(`server.log("ran " + (this == getroottable()));`))
	if err != nil {
		t.Fatal(err)
	}
	main, err := rt.Main(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(api.logs) != 0 {
		t.Fatalf("Main ran the chunk early: %q", api.logs)
	}
	if _, err := main(goja.Undefined()); err != nil {
		t.Fatal(err)
	}
	if strings.Join(api.logs, "|") != "ran true" {
		t.Errorf("logs = %q", api.logs)
	}
}

// counter is a Go-backed host object (a goja dynamic object), as the API's
// clients are: the bridge must read its members when used, not copy them.
type counter struct {
	vm *goja.Runtime
	n  int64
}

func (c *counter) Get(key string) goja.Value {
	switch key {
	case "n":
		return c.vm.ToValue(c.n)
	case "bump":
		return c.vm.ToValue(func(call goja.FunctionCall) goja.Value {
			c.n += call.Argument(0).ToInteger()
			return c.vm.ToValue(c.n)
		})
	}
	return nil
}
func (c *counter) Set(key string, v goja.Value) bool {
	if key == "n" {
		c.n = v.ToInteger()
		return true
	}
	return false
}
func (c *counter) Has(key string) bool { return key == "n" || key == "bump" }
func (c *counter) Delete(string) bool  { return false }
func (c *counter) Keys() []string      { return []string{"n"} }

func TestBridgeLiveReferences(t *testing.T) {
	api, rt := newFakeAPI(t)
	c := &counter{vm: api.vm}
	obj := api.vm.NewDynamicObject(c)
	if err := rt.SetRoot("counter", obj); err != nil {
		t.Fatal(err)
	}
	err := runSrc(t, rt, `
server.log(typeof counter + " " + counter.n + " " + counter.bump(2) + " " + counter.n);
counter.n = 40;
server.log(counter.bump(2) + " " + (counter == server.echo(counter)));
try { counter.nothing; } catch (e) { server.log(e); }
try { counter.other = 1; } catch (e) { server.log(e); }
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "instance 0 2 2|42 true|the index 'nothing' does not exist|the index 'other' does not exist"
	if strings.Join(api.logs, "|") != want || c.n != 42 {
		t.Errorf("logs %q (n %d), want %q", strings.Join(api.logs, "|"), c.n, want)
	}
	if api.echo.(*goja.Object) != obj {
		t.Error("the host object did not come back as itself")
	}
}

// Printing host functions get Squirrel's text of each argument; others
// get converted values. Floats the host marks exact (Number objects) stay
// floats; Error objects arrive as their messages.
func TestBridgeTextFloatsAndErrors(t *testing.T) {
	vm := goja.New()
	var printed []string
	var printer *goja.Object
	rt, err := NewRuntime(vm, Options{TextArgs: func(fn *goja.Object) bool { return fn == printer }})
	if err != nil {
		t.Fatal(err)
	}
	api := vm.NewObject()
	printer = vm.ToValue(func(c goja.FunctionCall) goja.Value {
		for _, a := range c.Arguments {
			printed = append(printed, a.String())
		}
		return goja.Undefined()
	}).(*goja.Object)
	_ = api.Set("print", printer)
	_ = api.Set("exact", func(goja.FunctionCall) goja.Value {
		n, _ := vm.New(vm.Get("Number"), vm.ToValue(21))
		o := vm.NewObject()
		_ = o.Set("t", n)
		_ = o.Set("n", 21)
		return o
	})
	_ = api.Set("fail", func(goja.FunctionCall) goja.Value { panic(vm.NewTypeError("fail: no")) })
	_ = rt.SetRoot("api", api)
	p, _ := Compile("t.nut", []byte(`
api.print(1.0, 123456789.0, {}, null, "s");
local v = api.exact();
api.print(typeof v.t + " " + (v.t / 2) + " " + typeof v.n + " " + (v.n / 2));
try { api.fail(); } catch (e) { api.print(typeof e + ": " + e); }
`))
	if _, err := rt.Run(p); err != nil {
		t.Fatal(err)
	}
	want := "1|1.23457e+08|(table : 0x00000001)|(null : 0x0)|s|float 10.5 integer 10|string: fail: no"
	if strings.Join(printed, "|") != want {
		t.Errorf("printed %q, want %q", strings.Join(printed, "|"), want)
	}
}

// An instance handed to the host is an object of its fields and bound
// methods, so a host can call then() on a Promise-like instance.
func TestBridgeInstancesToHost(t *testing.T) {
	api, rt := newFakeAPI(t)
	err := runSrc(t, rt, `
class Box {
    size = 3;
    function grow(n) { size += n; return size; }
}
server.echo(Box());
`)
	if err != nil {
		t.Fatal(err)
	}
	obj := api.echo.(*goja.Object)
	grow, ok := goja.AssertFunction(obj.Get("grow"))
	if !ok || obj.Get("size").ToInteger() != 3 {
		t.Fatalf("instance as seen by the host: %v", obj.Export())
	}
	v, err := grow(goja.Undefined(), api.vm.ToValue(4))
	if err != nil || v.ToInteger() != 7 {
		t.Fatalf("grow(4) = %v, %v; want 7 (the instance's own method)", v, err)
	}
}

// A host class's natives take and give Squirrel values as they are: byte
// strings stay bytes, and _get/_set make b[i] work.
func TestHostClassNatives(t *testing.T) {
	api, rt := newFakeAPI(t)
	type buf struct{ data []byte }
	var proto = api.vm.NewObject()
	wrap := func(b *buf) *goja.Object {
		o := api.vm.NewObject()
		_ = o.SetPrototype(proto)
		_ = o.Set("ref", api.vm.ToValue(b))
		return o
	}
	get := func(h *goja.Object) *buf { return h.Get("ref").Export().(*buf) }
	err := rt.DefineClass("Buf", ClassSpec{
		Raw: true,
		New: func(args []goja.Value) (*goja.Object, error) {
			s, ok := rt.Bytes(args[0])
			if !ok {
				return nil, errors.New("Buf takes a string")
			}
			return wrap(&buf{data: s}), nil
		},
		Natives: map[string]Native{
			"len": func(h *goja.Object, _ []goja.Value) goja.Value { return api.vm.ToValue(len(get(h).data)) },
			"str": func(h *goja.Object, _ []goja.Value) goja.Value { return rt.String(get(h).data) },
			"_get": func(h *goja.Object, a []goja.Value) goja.Value {
				i, _ := rt.Integer(a[0])
				if int(i) >= len(get(h).data) {
					rt.Throw("index out of range")
				}
				return api.vm.ToValue(int(get(h).data[i]))
			},
			"_set": func(h *goja.Object, a []goja.Value) goja.Value {
				i, _ := rt.Integer(a[0])
				v, _ := rt.Integer(a[1])
				get(h).data[i] = byte(v)
				return nil
			},
		},
		Owns:     func(o *goja.Object) bool { return o.Prototype() == proto },
		TypeName: "buf",
	})
	if err != nil {
		t.Fatal(err)
	}
	err = runSrc(t, rt, `
local b = Buf("\xc3\xa9!");
server.log(typeof b + " " + b.len() + " " + b[0] + " " + b.str().len());
b[2] = 63;
server.log(b.str().slice(2) + " " + (server.echo(b) == b));
try { b[9]; } catch (e) { server.log(e); }
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "buf 3 195 3|? true|index out of range"
	if strings.Join(api.logs, "|") != want {
		t.Errorf("logs %q, want %q", strings.Join(api.logs, "|"), want)
	}
}
