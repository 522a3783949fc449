package impvalue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Tags of the binary form: one byte, then the value.
const (
	tagNull   = 'n'
	tagFalse  = 'f'
	tagTrue   = 't'
	tagInt    = 'i' // 8 bytes, big-endian two's complement
	tagFloat  = 'd' // 8 bytes, IEEE 754 big-endian
	tagString = 's' // uvarint length, bytes
	tagBlob   = 'b' // uvarint length, bytes
	tagArray  = 'a' // uvarint count, values
	tagTable  = 'T' // uvarint count, (uvarint key length, key, value)...
)

// Marshal serialises v (a Value of the model) into the binary form that
// crosses the agent-device boundary. Any goroutine.
func Marshal(v Value) []byte {
	return appendValue(nil, v)
}

func appendValue(b []byte, v Value) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, tagNull)
	case bool:
		if x {
			return append(b, tagTrue)
		}
		return append(b, tagFalse)
	case int64:
		b = append(b, tagInt)
		return binary.BigEndian.AppendUint64(b, uint64(x))
	case float64:
		b = append(b, tagFloat)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x))
	case string:
		b = binary.AppendUvarint(append(b, tagString), uint64(len(x)))
		return append(b, x...)
	case Blob:
		b = binary.AppendUvarint(append(b, tagBlob), uint64(len(x)))
		return append(b, x...)
	case []Value:
		b = binary.AppendUvarint(append(b, tagArray), uint64(len(x)))
		for _, e := range x {
			b = appendValue(b, e)
		}
		return b
	case *Table:
		b = binary.AppendUvarint(append(b, tagTable), uint64(len(x.Keys)))
		for _, k := range x.Keys {
			b = binary.AppendUvarint(b, uint64(len(k)))
			b = append(b, k...)
			b = appendValue(b, x.Vals[k])
		}
		return b
	}
	panic(fmt.Sprintf("impvalue: %T is not a Value", v))
}

var errShort = errors.New("impvalue: truncated data")

// Unmarshal parses the binary form. Any goroutine.
func Unmarshal(data []byte) (Value, error) {
	v, rest, err := parse(data, 0)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("impvalue: %d bytes of trailing data", len(rest))
	}
	return v, nil
}

func parse(b []byte, depth int) (Value, []byte, error) {
	if len(b) == 0 {
		return nil, nil, errShort
	}
	if depth > MaxDepth {
		return nil, nil, errors.New("impvalue: nested too deeply")
	}
	tag, b := b[0], b[1:]
	switch tag {
	case tagNull:
		return nil, b, nil
	case tagFalse:
		return false, b, nil
	case tagTrue:
		return true, b, nil
	case tagInt, tagFloat:
		if len(b) < 8 {
			return nil, nil, errShort
		}
		u := binary.BigEndian.Uint64(b)
		if tag == tagInt {
			return int64(u), b[8:], nil
		}
		return math.Float64frombits(u), b[8:], nil
	case tagString, tagBlob:
		s, rest, err := bytesOf(b)
		if err != nil {
			return nil, nil, err
		}
		if tag == tagString {
			return string(s), rest, nil
		}
		return Blob(append([]byte{}, s...)), rest, nil
	case tagArray:
		n, rest, err := count(b)
		if err != nil {
			return nil, nil, err
		}
		out := make([]Value, 0, min(n, 1024))
		for i := uint64(0); i < n; i++ {
			var e Value
			if e, rest, err = parse(rest, depth+1); err != nil {
				return nil, nil, err
			}
			out = append(out, e)
		}
		return out, rest, nil
	case tagTable:
		n, rest, err := count(b)
		if err != nil {
			return nil, nil, err
		}
		t := NewTable()
		for i := uint64(0); i < n; i++ {
			var k []byte
			if k, rest, err = bytesOf(rest); err != nil {
				return nil, nil, err
			}
			var e Value
			if e, rest, err = parse(rest, depth+1); err != nil {
				return nil, nil, err
			}
			t.Set(string(k), e)
		}
		return t, rest, nil
	}
	return nil, nil, fmt.Errorf("impvalue: unknown tag %q", tag)
}

func count(b []byte) (uint64, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) { // every element takes at least one byte
		return 0, nil, errShort
	}
	return n, b[k:], nil
}

func bytesOf(b []byte) ([]byte, []byte, error) {
	n, rest, err := count(b)
	if err != nil || n > uint64(len(rest)) {
		return nil, nil, errShort
	}
	return rest[:n], rest[n:], nil
}
