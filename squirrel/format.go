package squirrel

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// cFormat is 3.0.4's format(): printf conversions applied to Squirrel
// values, with its validation and error texts. args holds the values as the
// runtime passes them: integers as numbers, floats as {f: value}, strings,
// and anything else. The result is a byte string.
func cFormat(format string, args []any) (string, string) {
	if i := strings.IndexByte(format, 0); i >= 0 {
		format = format[:i]
	}
	var out strings.Builder
	next := 0
	for n := 0; n < len(format); {
		c := format[n]
		if c != '%' {
			out.WriteByte(c)
			n++
			continue
		}
		if n+1 < len(format) && format[n+1] == '%' {
			out.WriteByte('%')
			n += 2
			continue
		}
		n++
		if next >= len(args) {
			return "", "not enough paramters for the given format string"
		}
		start := n
		for n < len(format) && strings.IndexByte("-+ #0", format[n]) >= 0 {
			n++
		}
		flags := format[start:n]
		wstart := n
		for n < len(format) && isDigit(int(format[n])) {
			n++
			if n-wstart >= 3 {
				return "", "width format too long"
			}
		}
		width := format[wstart:n]
		prec := ""
		hasPrec := false
		if n < len(format) && format[n] == '.' {
			n++
			hasPrec = true
			pstart := n
			for n < len(format) && isDigit(int(format[n])) {
				n++
				if n-pstart >= 3 {
					return "", "precision format too long"
				}
			}
			prec = format[pstart:n]
		}
		if n-start > 20 {
			return "", "format too long"
		}
		if n >= len(format) {
			return "", "invalid format"
		}
		verb := format[n]
		n++
		arg := args[next]
		next++
		spec := spec{flags: flags, width: atoi(width), prec: atoi(prec), hasPrec: hasPrec}
		switch verb {
		case 's':
			s, ok := arg.(string)
			if !ok {
				return "", "string expected for the specified format"
			}
			s = toBytes(s)
			if i := strings.IndexByte(s, 0); i >= 0 {
				s = s[:i]
			}
			if hasPrec && spec.prec < len(s) {
				s = s[:spec.prec]
			}
			out.WriteString(spec.pad(s, false))
		case 'i', 'd', 'o', 'u', 'x', 'X', 'c':
			i, ok := toInt32(arg)
			if !ok {
				return "", "integer expected for the specified format"
			}
			out.WriteString(spec.integer(i, verb))
		case 'f', 'g', 'G', 'e', 'E':
			f, ok := toFloat(arg)
			if !ok {
				return "", "float expected for the specified format"
			}
			out.WriteString(spec.float(f, verb))
		default:
			return "", "invalid format"
		}
	}
	return out.String(), ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func toInt32(a any) (int32, bool) {
	switch v := a.(type) {
	case int64:
		return int32(v), true
	case float64:
		return int32(v), true
	case map[string]any:
		if f, ok := v["f"]; ok {
			return f2i(toF64(f)), true
		}
	}
	return 0, false
}

func toFloat(a any) (float64, bool) {
	switch v := a.(type) {
	case int64:
		return float64(float32(v)), true
	case float64:
		return float64(float32(v)), true
	case map[string]any:
		if f, ok := v["f"]; ok {
			return toF64(f), true
		}
	}
	return 0, false
}

func toF64(x any) float64 {
	switch v := x.(type) {
	case int64:
		return float64(v)
	case float64:
		return v
	}
	return 0
}

// f2i is a C float-to-int cast on x86: truncation, 0x80000000 out of range.
func f2i(v float64) int32 {
	if v > -2147483649 && v < 2147483648 {
		return int32(v)
	}
	return math.MinInt32
}

type spec struct {
	flags   string
	width   int
	prec    int
	hasPrec bool
}

func (s spec) has(f byte) bool { return strings.IndexByte(s.flags, f) >= 0 }

// pad applies the width; zeros fill after any sign or 0x prefix when asked.
func (s spec) pad(body string, numeric bool) string {
	if len(body) >= s.width {
		return body
	}
	fill := s.width - len(body)
	if s.has('-') {
		return body + strings.Repeat(" ", fill)
	}
	if numeric && s.has('0') {
		pre := 0
		if len(body) > 0 && (body[0] == '-' || body[0] == '+' || body[0] == ' ') {
			pre = 1
		}
		if len(body) > pre+1 && body[pre] == '0' && (body[pre+1] == 'x' || body[pre+1] == 'X') {
			pre += 2
		}
		return body[:pre] + strings.Repeat("0", fill) + body[pre:]
	}
	return strings.Repeat(" ", fill) + body
}

func (s spec) integer(i int32, verb byte) string {
	if verb == 'c' {
		return s.pad(string([]byte{byte(i)}), false)
	}
	var digits, sign, prefix string
	switch verb {
	case 'd', 'i':
		v := int64(i)
		if v < 0 {
			sign = "-"
			v = -v
		} else if s.has('+') {
			sign = "+"
		} else if s.has(' ') {
			sign = " "
		}
		digits = strconv.FormatInt(v, 10)
	case 'u':
		digits = strconv.FormatUint(uint64(uint32(i)), 10)
	case 'o':
		digits = strconv.FormatUint(uint64(uint32(i)), 8)
	case 'x', 'X':
		digits = strconv.FormatUint(uint64(uint32(i)), 16)
		if verb == 'X' {
			digits = strings.ToUpper(digits)
		}
		if s.has('#') && i != 0 {
			prefix = "0" + string(verb)
		}
	}
	if s.hasPrec {
		if s.prec == 0 && i == 0 {
			digits = ""
		}
		for len(digits) < s.prec {
			digits = "0" + digits
		}
	}
	if verb == 'o' && s.has('#') && !strings.HasPrefix(digits, "0") {
		digits = "0" + digits
	}
	body := sign + prefix + digits
	if s.hasPrec {
		return spec{flags: strings.ReplaceAll(s.flags, "0", ""), width: s.width}.pad(body, false)
	}
	return s.pad(body, true)
}

func (s spec) float(f float64, verb byte) string {
	sign := ""
	if math.Signbit(f) || (math.IsNaN(f)) {
		sign = "-"
		f = math.Abs(f)
	} else if s.has('+') {
		sign = "+"
	} else if s.has(' ') {
		sign = " "
	}
	prec := 6
	if s.hasPrec {
		prec = s.prec
	}
	var body string
	switch {
	case math.IsInf(f, 0):
		body = "inf"
	case math.IsNaN(f):
		body = "nan"
	default:
		switch verb {
		case 'f':
			body = strconv.FormatFloat(f, 'f', prec, 64)
			if s.has('#') && prec == 0 {
				body += "."
			}
		case 'e', 'E':
			body = strconv.FormatFloat(f, 'e', prec, 64)
			if s.has('#') && prec == 0 { // '#' keeps the decimal point
				i := strings.IndexByte(body, 'e')
				body = body[:i] + "." + body[i:]
			}
		case 'g', 'G':
			if prec == 0 {
				prec = 1
			}
			if s.has('#') {
				body = fmt.Sprintf("%#.*g", prec, f)
			} else {
				body = strconv.FormatFloat(f, 'g', prec, 64)
			}
		}
		if verb == 'E' || verb == 'G' {
			body = strings.ToUpper(body)
		}
	}
	if verb == 'E' || verb == 'G' {
		body = strings.ToUpper(body)
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return spec{flags: strings.ReplaceAll(s.flags, "0", ""), width: s.width}.pad(sign+body, false)
	}
	return s.pad(sign+body, true)
}
