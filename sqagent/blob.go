package sqagent

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/squirrel"
	"github.com/dop251/goja"
)

// The imp's blob class for Squirrel: 3.0.4's blob (readn/writen, seek with
// 'b' 'c' 'e', swap2/swap4, b[i], foreach, clone) with the imp's additions
// (readstring, writestring, tostring, and a blob converted to a string
// giving its bytes), over the same blobs the modules make, so a payload a
// module hands over is a blob here and a blob handed to a module is its
// own. Strings are bytes on both sides.

func (a *Agent) defineBlob() error {
	rt, blobs, vm := a.rt, a.blobs, a.vm
	num := func(n int) goja.Value { return vm.ToValue(int32(n)) }
	self := func(h *goja.Object) *agentapi.Blob {
		b, ok := agentapi.BlobOf(h)
		if !ok {
			rt.Throw("the object is not a blob")
		}
		return b
	}
	intArg := func(args []goja.Value, i int, what string) int {
		if i >= len(args) {
			rt.Throw("wrong number of parameters")
		}
		if n, ok := rt.Integer(args[i]); ok {
			return int(n)
		}
		if f, ok := rt.Number(args[i]); ok {
			return int(int32(f))
		}
		rt.Throw("parameter " + itoa(i+1) + " has an invalid type '" + typeName(rt, args[i]) + "' ; expected: '" + what + "'")
		return 0
	}
	arity := func(args []goja.Value, lo, hi int) {
		if len(args) < lo || len(args) > hi {
			rt.Throw("wrong number of parameters")
		}
	}
	grow := func(what string, n int) {
		if n > agentapi.MaxBlob {
			rt.Throw(what + ": a blob may hold at most " + itoa(agentapi.MaxBlob) + " bytes")
		}
		if err := blobs.AllocErr(what, n); err != nil {
			rt.Throw(err.Error())
		}
	}
	n := map[string]func(b *agentapi.Blob, args []goja.Value) goja.Value{
		"len":  func(b *agentapi.Blob, args []goja.Value) goja.Value { arity(args, 0, 0); return num(len(b.Bytes())) },
		"tell": func(b *agentapi.Blob, args []goja.Value) goja.Value { arity(args, 0, 0); return num(b.Pos()) },
		"eos": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 0, 0)
			if b.Pos() >= len(b.Bytes()) {
				return num(1)
			}
			return nil
		},
		"flush": func(b *agentapi.Blob, args []goja.Value) goja.Value { arity(args, 0, 0); return num(1) },
		"seek": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 1, 2)
			off := intArg(args, 0, "integer")
			base := 0
			if len(args) > 1 {
				switch o, _ := rt.Integer(args[1]); o {
				case 'b':
				case 'c':
					base = b.Pos()
				case 'e':
					base = len(b.Bytes())
				default:
					rt.Throw("invalid origin")
				}
			}
			p := base + off
			if p < 0 || p > len(b.Bytes()) {
				return num(-1)
			}
			b.SetPos(p)
			return num(0)
		},
		"resize": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 1, 1)
			size := intArg(args, 0, "integer")
			if size < 0 {
				rt.Throw("resize failed")
			}
			if size > len(b.Bytes()) {
				grow("blob.resize", size-len(b.Bytes()))
			}
			b.SetLen(size)
			return nil
		},
		"readn": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 1, 1)
			t := intArg(args, 0, "integer")
			size := numSize(t)
			if size == 0 {
				rt.Throw("invalid format")
			}
			data, p := b.Bytes(), b.Pos()
			if p+size > len(data) {
				rt.Throw("io error")
			}
			v := readNum(rt, t, data[p:p+size])
			b.SetPos(p + size)
			return v
		},
		"writen": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 2, 2)
			f, ok := rt.Number(args[0])
			if !ok {
				rt.Throw("parameter 1 has an invalid type '" + typeName(rt, args[0]) + "' ; expected: 'integer|float'")
			}
			t := intArg(args, 1, "integer")
			size := numSize(t)
			if size == 0 {
				rt.Throw("invalid format")
			}
			i, isInt := rt.Integer(args[0])
			if !isInt {
				i = int32(f)
			}
			buf := make([]byte, size)
			switch t {
			case 'c', 'b':
				buf[0] = byte(i)
			case 's', 'w':
				binary.LittleEndian.PutUint16(buf, uint16(i))
			case 'i':
				binary.LittleEndian.PutUint32(buf, uint32(i))
			case 'f':
				binary.LittleEndian.PutUint32(buf, math.Float32bits(float32(f)))
			case 'd':
				binary.LittleEndian.PutUint64(buf, math.Float64bits(f))
			}
			grow("blob.writen", max(0, b.Pos()+size-len(b.Bytes())))
			b.Write(buf)
			return nil
		},
		"readblob": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 1, 1)
			size := intArg(args, 0, "integer")
			data, p := b.Bytes(), b.Pos()
			if size <= 0 || p >= len(data) {
				rt.Throw("no data left to read")
			}
			size = min(size, len(data)-p)
			out := append([]byte(nil), data[p:p+size]...)
			b.SetPos(p + size)
			return rt.ToSquirrel(blobs.Wrap(out))
		},
		"readstring": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 1, 1)
			size := intArg(args, 0, "integer")
			data, p := b.Bytes(), b.Pos()
			size = max(0, min(size, len(data)-p))
			b.SetPos(p + size)
			return rt.String(data[p : p+size])
		},
		"writeblob": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 1, 1)
			src, ok := agentapi.BlobOf(rt.HostOf(args[0]))
			if !ok {
				rt.Throw("parameter 1 has an invalid type '" + typeName(rt, args[0]) + "' ; expected: 'instance'")
			}
			data := append([]byte(nil), src.Bytes()...)
			grow("blob.writeblob", max(0, b.Pos()+len(data)-len(b.Bytes())))
			b.Write(data)
			return nil
		},
		"writestring": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 1, 1)
			s, ok := rt.Bytes(args[0])
			if !ok {
				rt.Throw("parameter 1 has an invalid type '" + typeName(rt, args[0]) + "' ; expected: 'string'")
			}
			grow("blob.writestring", max(0, b.Pos()+len(s)-len(b.Bytes())))
			b.Write(s)
			return nil
		},
		"tostring": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 0, 0)
			return rt.String(b.Bytes())
		},
		"_tostring": func(b *agentapi.Blob, args []goja.Value) goja.Value { return rt.String(b.Bytes()) },
		"swap2": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 0, 0)
			d := b.Bytes()
			for i := 0; i+1 < len(d); i += 2 {
				d[i], d[i+1] = d[i+1], d[i]
			}
			return nil
		},
		"swap4": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			arity(args, 0, 0)
			d := b.Bytes()
			for i := 0; i+3 < len(d); i += 4 {
				d[i], d[i+1], d[i+2], d[i+3] = d[i+3], d[i+2], d[i+1], d[i]
			}
			return nil
		},
		"_get": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			i := intArg(args, 0, "integer|float")
			if i < 0 || i >= len(b.Bytes()) {
				rt.Throw("index out of range")
			}
			return num(int(b.Bytes()[i]))
		},
		"_set": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			i := intArg(args, 0, "integer|float")
			v := intArg(args, 1, "integer|float")
			if i < 0 || i >= len(b.Bytes()) {
				rt.Throw("index out of range")
			}
			b.Bytes()[i] = byte(v)
			return num(v)
		},
		"_nexti": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			if len(args) == 0 || goja.IsNull(args[0]) {
				if len(b.Bytes()) > 0 {
					return num(0)
				}
				return nil
			}
			i, _ := rt.Integer(args[0])
			if int(i)+1 < len(b.Bytes()) {
				return num(int(i) + 1)
			}
			return nil
		},
		// the copy's host object (not a Squirrel value: see hostClass)
		"_cloned": func(b *agentapi.Blob, args []goja.Value) goja.Value {
			grow("clone", len(b.Bytes()))
			c := blobs.Wrap(append([]byte(nil), b.Bytes()...))
			cb, _ := agentapi.BlobOf(c)
			cb.SetPos(b.Pos())
			return c
		},
	}
	natives := map[string]squirrel.Native{}
	for name, fn := range n {
		natives[name] = func(h *goja.Object, args []goja.Value) goja.Value { return fn(self(h), args) }
	}
	return rt.DefineClass("blob", squirrel.ClassSpec{
		Raw: true,
		New: func(args []goja.Value) (*goja.Object, error) {
			arity(args, 0, 1)
			size := 0
			if len(args) == 1 {
				size = intArg(args, 0, "integer|float")
			}
			if size < 0 {
				return nil, errors.New("cannot create blob with negative size")
			}
			grow("blob", size)
			return blobs.Wrap(make([]byte, size)), nil
		},
		Natives: natives,
		Owns: func(obj *goja.Object) bool {
			_, ok := agentapi.BlobOf(obj)
			return ok
		},
		TypeName: "blob",
	})
}

// numSize is the size in bytes of a readn/writen type, 0 for none.
func numSize(t int) int {
	switch t {
	case 'c', 'b':
		return 1
	case 's', 'w':
		return 2
	case 'i', 'f':
		return 4
	case 'd':
		return 8
	}
	return 0
}

// readNum decodes a readn value (little-endian, as on the imp).
func readNum(rt *squirrel.Runtime, t int, d []byte) goja.Value {
	vm := rt.VM()
	switch t {
	case 'c':
		return vm.ToValue(int32(int8(d[0])))
	case 'b':
		return vm.ToValue(int32(d[0]))
	case 's':
		return vm.ToValue(int32(int16(binary.LittleEndian.Uint16(d))))
	case 'w':
		return vm.ToValue(int32(binary.LittleEndian.Uint16(d)))
	case 'i':
		return vm.ToValue(int32(binary.LittleEndian.Uint32(d)))
	case 'f':
		return rt.Float(float64(math.Float32frombits(binary.LittleEndian.Uint32(d))))
	}
	return rt.Float(math.Float64frombits(binary.LittleEndian.Uint64(d)))
}

func itoa(n int) string { return strconv.Itoa(n) }

func typeName(rt *squirrel.Runtime, v goja.Value) string { return rt.TypeName(v) }
