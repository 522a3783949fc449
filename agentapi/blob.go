package agentapi

import (
	"encoding/hex"
	"reflect"

	"strconv"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// maxBlob is the largest blob a script may create: the largest MQTT payload.
const maxBlob = 256 * 1024 * 1024

// Blob is a byte buffer with a read/write pointer, as the imp's blob.
// Inbound MQTT payloads are blobs; non-UTF-8 bytes survive untouched.
type Blob struct {
	data []byte
	pos  int
	cls  *Blobs
}

// Bytes returns the blob's contents (not a copy).
func (b *Blob) Bytes() []byte { return b.data }

// Pos returns the read/write pointer.
func (b *Blob) Pos() int { return b.pos }

// SetPos moves the read/write pointer; the caller keeps it within 0 and
// the length.
func (b *Blob) SetPos(p int) { b.pos = p }

// Write writes p at the pointer, growing the blob as needed, and moves
// the pointer past it.
func (b *Blob) Write(p []byte) { b.write(p) }

// SetLen resizes the blob to n bytes (new bytes are zero), keeping the
// pointer within it.
func (b *Blob) SetLen(n int) {
	if n <= len(b.data) {
		b.data = b.data[:n]
	} else {
		b.data = append(b.data, make([]byte, n-len(b.data))...)
	}
	if b.pos > len(b.data) {
		b.pos = len(b.data)
	}
}

// BlobOf returns the blob behind a script value, if it is one.
func BlobOf(v goja.Value) (*Blob, bool) {
	b, ok := GoValue(v).(*Blob)
	return b, ok
}

// MaxBlob is the largest blob a script may create.
const MaxBlob = maxBlob

// AllocError says why growing a blob by n bytes would be refused (the
// memory budget), or nil.
func (c *Blobs) AllocErr(what string, n int) error {
	if c.AllocError != nil {
		return c.AllocError(what, int64(n))
	}
	return nil
}

// Blobs makes the blob values of one runtime. It holds the method
// functions all blobs share, so creating a blob allocates no closures;
// each is made when a script first reads it from a blob (most agents
// never do, and a runtime's functions are a large part of an agent's
// memory).
type Blobs struct {
	rt      *goja.Runtime
	methods map[string]goja.Value // made so far; loop only
	ctor    goja.Value
	// AllocError, when set, says why an allocation of n bytes would be
	// refused (the memory budget); NewEnv sets it to the loop's.
	AllocError func(what string, n int64) error
	// ExactFloats is set by a bridge to a script language whose integers
	// and floats are different types (Squirrel, where 21.0 / 2 is 10.5 and
	// 21 / 2 is 10): impvalue.ToJS then makes the floats of the data it
	// builds that have no fractional part Number objects, so the bridge
	// can tell 21.0 from 21. Set it before any script runs.
	ExactFloats bool
}

// NewBlobs makes the blob values of rt: one per runtime (NewEnv makes the
// agent's; a second runtime, such as the simulated device's, makes its own).
func NewBlobs(rt *goja.Runtime) *Blobs { return newBlobs(rt) }

func newBlobs(rt *goja.Runtime) *Blobs {
	c := &Blobs{rt: rt}
	c.ctor = rt.ToValue(func(call goja.ConstructorCall) *goja.Object {
		size := 0
		if a := call.Argument(0); !goja.IsUndefined(a) {
			size = int(intInRange(rt, a, 0, maxBlob, "blob: argument 'size'"))
			c.checkAlloc("blob", size)
		}
		return c.Wrap(make([]byte, size))
	})
	return c
}

// blobMethods are the methods of every blob, by name.
var blobMethods = map[string]func(c *Blobs, b *Blob, call goja.FunctionCall) goja.Value{
	"len":         func(c *Blobs, b *Blob, _ goja.FunctionCall) goja.Value { return c.rt.ToValue(len(b.data)) },
	"tostring":    func(c *Blobs, b *Blob, _ goja.FunctionCall) goja.Value { return c.rt.ToValue(string(b.data)) },
	"toString":    func(c *Blobs, b *Blob, _ goja.FunctionCall) goja.Value { return c.rt.ToValue(string(b.data)) },
	"tell":        func(c *Blobs, b *Blob, _ goja.FunctionCall) goja.Value { return c.rt.ToValue(b.pos) },
	"eos":         func(c *Blobs, b *Blob, _ goja.FunctionCall) goja.Value { return c.rt.ToValue(b.pos >= len(b.data)) },
	"bytes":       (*Blobs).bytes,
	"readstring":  (*Blobs).readstring,
	"readblob":    (*Blobs).readblob,
	"seek":        (*Blobs).seek,
	"writestring": (*Blobs).writestring,
	"writeblob":   (*Blobs).writeblob,
	"resize":      (*Blobs).resize,
}

// method returns the blob method name, making its function the first
// time; nil when blobs have no such method. Loop only.
func (c *Blobs) method(name string) goja.Value {
	if m := c.methods[name]; m != nil {
		return m
	}
	fn := blobMethods[name]
	if fn == nil {
		return nil
	}
	rt := c.rt
	m := rt.ToValue(func(call goja.FunctionCall) goja.Value {
		b, ok := GoValue(call.This).(*Blob)
		if !ok {
			ThrowType(rt, "blob."+name+" called on a value that is not a blob")
		}
		return fn(c, b, call)
	})
	NameFunc(rt, m, "blob."+name)
	if c.methods == nil {
		c.methods = make(map[string]goja.Value, len(blobMethods))
	}
	c.methods[name] = m
	return m
}

// Constructor is the global blob([size]) constructor.
func (c *Blobs) Constructor() goja.Value { return c.ctor }

// Wrap returns a script blob over data (not copied).
func (c *Blobs) Wrap(data []byte) *goja.Object {
	return c.rt.NewDynamicObject(&Blob{data: data, cls: c})
}

// Get implements goja.DynamicObject: methods and byte indexing.
func (b *Blob) Get(key string) goja.Value {
	if m := b.cls.method(key); m != nil {
		return m
	}
	if i, ok := index(key); ok && i < len(b.data) {
		return b.cls.rt.ToValue(int(b.data[i]))
	}
	return nil
}

// Set implements goja.DynamicObject: b[i] = byte within the blob's length.
// Anything else throws (in sloppy code too): a blob has no other properties.
func (b *Blob) Set(key string, val goja.Value) bool {
	rt := b.cls.rt
	i, ok := index(key)
	if !ok {
		ThrowType(rt, "blob: cannot set "+strconv.Quote(key)+": a blob has only its bytes and methods")
	}
	if i >= len(b.data) {
		ThrowRangeError(rt, "blob["+key+"]: index past the end of the blob (length "+strconv.Itoa(len(b.data))+"); use writestring, writeblob or resize to grow it")
	}
	b.data[i] = byte(intInRange(rt, val, 0, 255, "blob["+key+"]: a byte"))
	return true
}

// intInRange returns v as an integer from lo to hi: a TypeError when v is
// not an integer, a RangeError when it is one outside the range. what
// names it ("blob: argument 'size'").
func intInRange(rt *goja.Runtime, v goja.Value, lo, hi int64, what string) int64 {
	n, ok := IntArg(v)
	if !ok {
		ThrowType(rt, what+" must be an integer, got "+Describe(v))
	}
	if n < lo || n > hi {
		ThrowRangeError(rt, what+" must be from "+strconv.FormatInt(lo, 10)+" to "+strconv.FormatInt(hi, 10)+", got "+strconv.FormatInt(n, 10))
	}
	return n
}

// Has implements goja.DynamicObject.
func (b *Blob) Has(key string) bool { return b.Get(key) != nil }

// Delete implements goja.DynamicObject; nothing can be deleted.
func (b *Blob) Delete(string) bool { return false }

// Keys implements goja.DynamicObject; a blob enumerates no properties.
func (b *Blob) Keys() []string { return nil }

func index(key string) (int, bool) {
	if key == "" || len(key) > 9 || key[0] < '0' || key[0] > '9' {
		return 0, false
	}
	n, err := strconv.Atoi(key)
	return n, err == nil && n >= 0
}

func (c *Blobs) count(b *Blob, call goja.FunctionCall, method string) int {
	n := intInRange(c.rt, call.Argument(0), 0, maxBlob, "blob."+method+": argument 'n'")
	if rest := len(b.data) - b.pos; int(n) > rest {
		n = int64(rest)
	}
	return int(n)
}

func (c *Blobs) readstring(b *Blob, call goja.FunctionCall) goja.Value {
	n := c.count(b, call, "readstring")
	s := string(b.data[b.pos : b.pos+n])
	b.pos += n
	return c.rt.ToValue(s)
}

func (c *Blobs) readblob(b *Blob, call goja.FunctionCall) goja.Value {
	n := c.count(b, call, "readblob")
	out := append([]byte(nil), b.data[b.pos:b.pos+n]...)
	b.pos += n
	return c.Wrap(out)
}

func (c *Blobs) bytes(b *Blob, _ goja.FunctionCall) goja.Value {
	buf := c.rt.NewArrayBuffer(append([]byte(nil), b.data...))
	u8, err := c.rt.New(c.rt.Get("Uint8Array"), c.rt.ToValue(buf))
	if err != nil {
		panic(err)
	}
	return u8
}

// seek(pos[, whence]): whence 'b' from the beginning (default), 'c' from the
// current position, 'e' from the end, as the imp's blob.
func (c *Blobs) seek(b *Blob, call goja.FunctionCall) goja.Value {
	a := call.Argument(0)
	off, ok := IntArg(a)
	if !ok {
		ThrowType(c.rt, "blob.seek: argument 'pos' must be an integer, got "+Describe(a))
	}
	base := 0
	if w := call.Argument(1); !goja.IsUndefined(w) {
		switch w.String() {
		case "b":
		case "c":
			base = b.pos
		case "e":
			base = len(b.data)
		default:
			ThrowType(c.rt, "blob.seek: argument 'whence' must be 'b', 'c' or 'e', got "+Describe(w))
		}
	}
	p := int64(base) + off
	if p < 0 || p > int64(len(b.data)) {
		ThrowRangeError(c.rt, "blob.seek: position "+strconv.FormatInt(p, 10)+" is outside the blob (length "+strconv.Itoa(len(b.data))+")")
	}
	b.pos = int(p)
	return goja.Undefined()
}

// checkAlloc throws a RangeError when n more bytes are over the budget.
func (c *Blobs) checkAlloc(what string, n int) {
	if c.AllocError != nil {
		if err := c.AllocError(what, int64(n)); err != nil {
			ThrowRangeError(c.rt, err.Error())
		}
	}
}

func (b *Blob) write(p []byte) {
	end := b.pos + len(p)
	if end > len(b.data) {
		b.data = append(b.data[:b.pos], p...)
	} else {
		copy(b.data[b.pos:], p)
	}
	b.pos = end
}

func (c *Blobs) writestring(b *Blob, call goja.FunctionCall) goja.Value {
	a := call.Argument(0)
	s, ok := StringArg(a)
	if !ok {
		ThrowType(c.rt, "blob.writestring: argument 'string' must be a string, got "+Describe(a))
	}
	b.write([]byte(s))
	return goja.Undefined()
}

func (c *Blobs) writeblob(b *Blob, call goja.FunctionCall) goja.Value {
	a := call.Argument(0)
	src, ok := GoValue(a).(*Blob)
	if !ok {
		ThrowType(c.rt, "blob.writeblob: argument 'blob' must be a blob, got "+Describe(a))
	}
	b.write(append([]byte(nil), src.data...))
	return goja.Undefined()
}

func (c *Blobs) resize(b *Blob, call goja.FunctionCall) goja.Value {
	n := intInRange(c.rt, call.Argument(0), 0, maxBlob, "blob.resize: argument 'size'")
	if int(n) <= len(b.data) {
		b.data = b.data[:n]
	} else {
		c.checkAlloc("blob.resize", int(n)-len(b.data))
		b.data = append(b.data, make([]byte, int(n)-len(b.data))...)
	}
	if b.pos > len(b.data) {
		b.pos = len(b.data)
	}
	return goja.Undefined()
}

// Text renders a blob for server.log as the imp's log shows data: its
// text when it is valid UTF-8, else "binary: " and its bytes in hex.
func (b *Blob) Text() string {
	if utf8.Valid(b.data) {
		return string(b.data)
	}
	return "binary: " + hex.EncodeToString(b.data)
}

// BytesOf returns the bytes of a string, blob, ArrayBuffer or Uint8Array
// value (not a copy for the last three), and whether v was one of those.
// It runs no script code.
func (c *Blobs) BytesOf(v goja.Value) ([]byte, bool) {
	if s, ok := StringArg(v); ok {
		return []byte(s), true
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	switch obj.ExportType() {
	case blobType:
		return obj.Export().(*Blob).data, true
	case bytesType: // a Uint8Array: its view of the buffer
		return obj.Export().([]byte), true
	case arrayBufferType:
		return obj.Export().(goja.ArrayBuffer).Bytes(), true
	}
	return nil, false
}

var (
	blobType        = reflect.TypeOf((*Blob)(nil))
	bytesType       = reflect.TypeOf([]byte(nil))
	arrayBufferType = reflect.TypeOf(goja.ArrayBuffer{})
)
