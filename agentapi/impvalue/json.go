package impvalue

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// EncodeJSON renders v as JSON (RFC 8259) with the imp's rules: integers
// without a fraction, floats always with one ("1.0"), tables' keys in
// their order, and blobs refused (base64-encode them first). Without
// compact, a space follows every ':' and ',' and pads the inside of
// braces and brackets: { "a": 1, "b": [ 1, 2 ] }. NaN and infinities have
// no JSON form and are errors. root names v in errors.
func EncodeJSON(v Value, compact bool, root string) (string, error) {
	var b strings.Builder
	if err := encode(&b, v, compact, root); err != nil {
		return "", err
	}
	return b.String(), nil
}

func encode(b *strings.Builder, v Value, compact bool, path string) error {
	sp := " "
	if compact {
		sp = ""
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &Error{path, "is " + jsNumber(x) + ", which JSON cannot represent"}
		}
		b.WriteString(FormatFloat(x))
	case string:
		writeString(b, x)
	case Blob:
		return &Error{path, "is a blob, which JSON cannot represent (base64encode it first)"}
	case []Value:
		if len(x) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[" + sp)
		for i, e := range x {
			if i > 0 {
				b.WriteString("," + sp)
			}
			if err := encode(b, e, compact, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		b.WriteString(sp + "]")
	case *Table:
		if len(x.Keys) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{" + sp)
		for i, k := range x.Keys {
			if i > 0 {
				b.WriteString("," + sp)
			}
			writeString(b, k)
			b.WriteString(":" + sp)
			if err := encode(b, x.Vals[k], compact, path+"."+k); err != nil {
				return err
			}
		}
		b.WriteString(sp + "}")
	default:
		return &Error{path, fmt.Sprintf("has the type %T, which is not a serialisable value", v)}
	}
	return nil
}

// FormatFloat writes a float the way the imp prints one in JSON: the
// shortest form that reads back the same, always with a '.' or exponent so
// that it reads back as a float.
func FormatFloat(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

func writeString(b *strings.Builder, s string) {
	data, _ := json.Marshal(s) // escapes quotes, controls and invalid UTF-8
	// json.Marshal escapes <, > and & for HTML; JSON does not need that.
	out := string(data)
	out = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(out)
	b.WriteString(out)
}

// DecodeJSON parses one JSON text into the model: numbers written without
// a fraction or exponent become integers (floats when they do not fit 64
// bits), others floats; objects become tables with their keys in order (a
// repeated key keeps its first place and its last value). An error says
// where the text is wrong: "line 1, column 7: ...".
func DecodeJSON(text string) (Value, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("unexpected data after the value")
		}
	}
	if err != nil {
		return nil, located(text, dec.InputOffset(), err)
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (Value, error) {
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, errors.New("unexpected end of input")
	}
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= 512 {
			return nil, errors.New("nested more than 512 levels deep")
		}
		switch t {
		case '[':
			out := []Value{}
			for dec.More() {
				e, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return out, nil
		case '{':
			tab := NewTable()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				e, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				tab.Set(k, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return tab, nil
		}
		return nil, fmt.Errorf("unexpected %q", rune(t))
	case json.Number:
		s := string(t)
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n, nil
			}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, err
		}
		return f, nil
	case string, bool, nil:
		return t, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// located prefixes err with the line and column of offset in text.
func located(text string, offset int64, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = se.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		err, offset = errors.New("unexpected end of input"), int64(len(text))
	}
	offset = min(max(offset, 0), int64(len(text)))
	before := text[:offset]
	line := 1 + strings.Count(before, "\n")
	col := int(offset) - strings.LastIndexByte(before, '\n')
	return fmt.Errorf("line %d, column %d: %v", line, col, err)
}

// jsNumber spells NaN and the infinities as JavaScript does.
func jsNumber(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	return FormatFloat(x)
}
