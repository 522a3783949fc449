// Package impvalue is the one place where script values cross a boundary:
// the data model of the imp's serialisable values (null, bool, integer,
// float, string, blob, array, table), its conversion from and to goja
// values, its binary serialisation (agent-device messages) and its JSON
// form (http.jsonencode / jsondecode). A Squirrel bridge converts its own
// values to and from the same model and reuses the rest.
//
// Conversions from and to JS run on the loop goroutine of the runtime
// whose values they touch; everything else is plain data, any goroutine.
package impvalue

import (
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/dop251/goja"
)

// Value is one serialisable value: nil, bool, int64, float64, string,
// Blob, []Value or *Table. Nothing else is ever stored in a Value.
type Value = any

// Blob is a blob's bytes.
type Blob []byte

// Table is a table (a JS object) with its keys in insertion order.
type Table struct {
	Keys []string
	Vals map[string]Value
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{Vals: map[string]Value{}} }

// Set adds or replaces key.
func (t *Table) Set(key string, v Value) {
	if _, ok := t.Vals[key]; !ok {
		t.Keys = append(t.Keys, key)
	}
	t.Vals[key] = v
}

// Get returns the value of key and whether it is there.
func (t *Table) Get(key string) (Value, bool) {
	v, ok := t.Vals[key]
	return v, ok
}

// MaxDepth bounds the nesting of tables and arrays: deeper values (or
// cyclic ones) are refused rather than overflowing a stack.
const MaxDepth = 64

// Error is a value that cannot be converted, with the path to the culprit
// ("data.list[2].cb").
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + " " + e.Msg
}

// FromJS converts a JS value into the model. root names the value in
// errors ("data"). Functions, symbols and values nested deeper than
// MaxDepth (cycles included) are errors; undefined becomes nil; a number
// with no fractional part within ±2^53 becomes an integer; blobs,
// Uint8Arrays and ArrayBuffers become Blobs (copied); every other object
// becomes a table of its own enumerable properties. Loop only.
func FromJS(v goja.Value, blobs *agentapi.Blobs, root string) (Value, error) {
	return fromJS(v, blobs, root, 0)
}

func fromJS(v goja.Value, blobs *agentapi.Blobs, path string, depth int) (Value, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, nil
	}
	obj, isObj := v.(*goja.Object)
	if !isObj {
		switch x := v.Export().(type) {
		case bool:
			return x, nil
		case string:
			return x, nil
		case int64:
			return x, nil
		case float64:
			return number(x), nil
		}
		what := "is a value of no serialisable type" // nothing else reaches here today
		if _, isBig := v.Export().(*big.Int); isBig {
			what = "is a bigint"
		}
		return nil, &Error{path, what + ", which cannot be serialised"}
	}
	if _, isFn := goja.AssertFunction(v); isFn {
		return nil, &Error{path, "is a function, which cannot be serialised"}
	}
	if b, ok := blobs.BytesOf(v); ok {
		return Blob(append([]byte{}, b...)), nil
	}
	if obj.ClassName() == "Number" { // a float kept exact (see agentapi.Blobs.ExactFloats)
		return obj.ToFloat(), nil
	}
	if depth >= MaxDepth {
		return nil, &Error{path, fmt.Sprintf("is nested more than %d levels deep (a cycle?)", MaxDepth)}
	}
	if obj.ClassName() == "Array" {
		n := int(obj.Get("length").ToInteger())
		out := make([]Value, n)
		for i := 0; i < n; i++ {
			e, err := fromJS(obj.Get(strconv.Itoa(i)), blobs, path+"["+strconv.Itoa(i)+"]", depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	}
	t := NewTable()
	for _, k := range obj.Keys() {
		e, err := fromJS(obj.Get(k), blobs, path+"."+k, depth+1)
		if err != nil {
			return nil, err
		}
		t.Set(k, e)
	}
	return t, nil
}

// number returns x as an integer when it has no fractional part and is
// within ±2^53, else as a float.
func number(x float64) Value {
	if x == math.Trunc(x) && math.Abs(x) <= 1<<53 && !(x == 0 && math.Signbit(x)) {
		return int64(x)
	}
	return x
}

// ToJS builds a fresh JS value from v in the runtime blobs belongs to:
// floats with no fractional part are Number objects when
// blobs.ExactFloats is set, plain numbers otherwise. Loop only (that
// runtime's loop).
func ToJS(rt *goja.Runtime, blobs *agentapi.Blobs, v Value) goja.Value {
	switch x := v.(type) {
	case nil:
		return goja.Null()
	case float64:
		if blobs.ExactFloats && x == math.Trunc(x) {
			if n, err := rt.New(rt.Get("Number"), rt.ToValue(x)); err == nil {
				return n
			}
		}
	case Blob:
		return blobs.Wrap(append([]byte{}, x...))
	case []Value:
		items := make([]any, len(x))
		for i, e := range x {
			items[i] = ToJS(rt, blobs, e)
		}
		return rt.NewArray(items...)
	case *Table:
		o := rt.NewObject()
		for _, k := range x.Keys {
			_ = o.Set(k, ToJS(rt, blobs, x.Vals[k]))
		}
		return o
	}
	return rt.ToValue(v)
}
