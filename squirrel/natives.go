package squirrel

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"
)

// Squirrel strings live in JavaScript as strings whose code units are bytes.
// toBytes and fromBytes convert between that form, as seen from Go (UTF-8
// of the code units), and the bytes themselves.

func toBytes(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			b := make([]byte, 0, len(s))
			for _, r := range s {
				b = append(b, byte(r))
			}
			return string(b)
		}
	}
	return s
}

func fromBytes(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			var b strings.Builder
			b.Grow(len(s) * 2)
			for j := 0; j < len(s); j++ {
				b.WriteRune(rune(s[j]))
			}
			return b.String()
		}
	}
	return s
}

// strHash is 3.0.4's string hash over bytes: chars are signed, then widened
// to unsigned short; long strings hash every step-th byte. (Done in Go: the
// same loop in JavaScript costs goja microseconds per key.)
func strHash(s string) uint32 {
	l := len(s)
	h := uint32(l)
	step := (l >> 5) | 1
	for i := 0; l >= step; l -= step {
		c := uint32(uint16(int16(int8(s[i]))))
		i++
		h ^= (h << 5) + (h >> 2) + c
	}
	return h
}

// cFloat formats like C's printf with the given format verb and precision,
// including its spellings of infinities and NaN (x87 NaNs are negative).
func cFloat(v float64, verb byte, prec int) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case math.IsNaN(v):
		return "-nan"
	}
	return strconv.FormatFloat(v, verb, prec, 64)
}

func (r *Runtime) hostObject() *goja.Object {
	vm := r.vm
	h := vm.NewObject()
	set := func(name string, f func(goja.FunctionCall) goja.Value) { _ = h.Set(name, f) }
	arithNatives(vm, set)
	str := func(c goja.FunctionCall, i int) string { return toBytes(c.Argument(i).String()) }
	set("fmtg", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(cFloat(c.Argument(0).ToFloat(), 'g', 6))
	})
	set("fmt14g", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(cFloat(c.Argument(0).ToFloat(), 'g', 14))
	})
	set("strtod", func(c goja.FunctionCall) goja.Value {
		v, ok := cStrtod(str(c, 0))
		if !ok {
			return goja.Null()
		}
		return vm.ToValue(v)
	})
	set("strtol", func(c goja.FunctionCall) goja.Value {
		v, ok := cStrtol(str(c, 0))
		if !ok {
			return goja.Null()
		}
		return vm.ToValue(v)
	})
	set("format1", func(c goja.FunctionCall) goja.Value { // one float conversion
		s, _ := cFormat(c.Argument(0).String(), []any{map[string]any{"f": c.Argument(1).ToFloat()}})
		return vm.ToValue(s)
	})
	set("strHash", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(strHash(str(c, 0)))
	})
	set("now", func(goja.FunctionCall) goja.Value { return vm.ToValue(int32(r.opts.Now().Unix())) })
	set("clock", func(goja.FunctionCall) goja.Value {
		return vm.ToValue(r.opts.Now().Sub(r.start).Seconds())
	})
	// date(t) with t null means now (with its microseconds); agents keep
	// UTC time
	set("date", func(c goja.FunctionCall) goja.Value {
		var t time.Time
		if goja.IsNull(c.Argument(0)) || goja.IsUndefined(c.Argument(0)) {
			t = r.opts.Now().UTC()
		} else {
			t = time.Unix(c.Argument(0).ToInteger(), 0).UTC()
		}
		d := vm.NewObject()
		for k, v := range map[string]int{"sec": t.Second(), "min": t.Minute(), "hour": t.Hour(),
			"day": t.Day(), "month": int(t.Month()) - 1, "year": t.Year(), "wday": int(t.Weekday()),
			"yday": t.YearDay() - 1, "usec": t.Nanosecond() / 1000, "time": int(int32(t.Unix()))} {
			_ = d.Set(k, v)
		}
		return d
	})
	cstr := func(c goja.FunctionCall) string { // what C's "%s" prints: up to a NUL
		s := str(c, 0)
		if i := strings.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		return s
	}
	set("print", func(c goja.FunctionCall) goja.Value {
		if r.opts.Print != nil {
			r.opts.Print(cstr(c))
		}
		return goja.Undefined()
	})
	set("printErr", func(c goja.FunctionCall) goja.Value {
		if r.opts.PrintError != nil {
			r.opts.PrintError(cstr(c))
		}
		return goja.Undefined()
	})
	set("isGo", func(c goja.FunctionCall) goja.Value { return vm.ToValue(isGo(c.Argument(0))) })
	set("textArgs", func(c goja.FunctionCall) goja.Value {
		obj, ok := c.Argument(0).(*goja.Object)
		return vm.ToValue(ok && r.opts.TextArgs != nil && r.opts.TextArgs(obj))
	})
	set("chunk", func(c goja.FunctionCall) goja.Value {
		var sources []string
		if err := vm.ExportTo(c.Argument(1), &sources); err != nil {
			panic(vm.NewGoError(err))
		}
		f, err := r.compileChunk(c.Argument(0).String(), sources, c.Argument(2).String())
		if err != nil {
			panic(vm.NewGoError(err))
		}
		return f
	})
	set("compile", func(c goja.FunctionCall) goja.Value {
		res := vm.NewObject()
		p, err := compileUnit(str(c, 1), []byte(str(c, 0)), exportConsts(c.Argument(2)))
		if err != nil {
			msg := err.Error()
			if ce, ok := err.(*CompileError); ok {
				msg = ce.Msg
			}
			_ = res.Set("error", fromBytes(msg))
			return res
		}
		prg, err := goja.Compile(p.Name, p.JS, true)
		if err == nil {
			var main goja.Value
			main, err = r.load(prg)
			if err == nil {
				_ = res.Set("main", main)
				return res
			}
		}
		_ = res.Set("error", err.Error())
		return res
	})
	return h
}

func cIsSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// cStrtol is strtol(s, &end, 10) on a 32-bit long: leading space, a sign,
// digits, saturating at the limits; ok is false when no digits were read.
func cStrtol(s string) (int32, bool) {
	i := 0
	for i < len(s) && cIsSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v int64
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if v <= 1<<31 {
			v = v*10 + int64(s[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, false
	}
	if neg {
		v = -v
	}
	if v > math.MaxInt32 {
		return math.MaxInt32, true
	}
	if v < math.MinInt32 {
		return math.MinInt32, true
	}
	return int32(v), true
}

// cStrtod is strtod: leading space, then the longest prefix that is a
// decimal or hexadecimal float, inf[inity] or nan.
func cStrtod(s string) (float64, bool) {
	i := 0
	for i < len(s) && cIsSpace(s[i]) {
		i++
	}
	rest := s[i:]
	j := 0
	if j < len(rest) && (rest[j] == '+' || rest[j] == '-') {
		j++
	}
	low := strings.ToLower(rest[j:])
	switch {
	case strings.HasPrefix(low, "infinity"):
		return signed(rest, math.Inf(1)), true
	case strings.HasPrefix(low, "inf"):
		return signed(rest, math.Inf(1)), true
	case strings.HasPrefix(low, "nan"):
		return math.NaN(), true
	}
	if strings.HasPrefix(low, "0x") {
		k := j + 2
		for k < len(rest) && (isXDigit(int(rest[k])) || rest[k] == '.') {
			k++
		}
		if k < len(rest) && (rest[k] == 'p' || rest[k] == 'P') {
			m := k + 1
			if m < len(rest) && (rest[m] == '+' || rest[m] == '-') {
				m++
			}
			if m < len(rest) && isDigit(int(rest[m])) {
				for m < len(rest) && isDigit(int(rest[m])) {
					m++
				}
				k = m
			}
		}
		text := rest[:k]
		if !strings.ContainsAny(text, "pP") {
			text += "p0"
		}
		if v, err := strconv.ParseFloat(text, 64); err == nil {
			return v, true
		}
	}
	digits := false
	k := j
	for k < len(rest) && isDigit(int(rest[k])) {
		k++
		digits = true
	}
	if k < len(rest) && rest[k] == '.' {
		k++
		for k < len(rest) && isDigit(int(rest[k])) {
			k++
			digits = true
		}
	}
	if !digits {
		return 0, false
	}
	if k < len(rest) && (rest[k] == 'e' || rest[k] == 'E') {
		m := k + 1
		if m < len(rest) && (rest[m] == '+' || rest[m] == '-') {
			m++
		}
		if m < len(rest) && isDigit(int(rest[m])) {
			for m < len(rest) && isDigit(int(rest[m])) {
				m++
			}
			k = m
		}
	}
	v, err := strconv.ParseFloat(rest[:k], 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v, true
		}
		return 0, false
	}
	return v, true
}

func signed(s string, v float64) float64 {
	if strings.HasPrefix(s, "-") {
		return -v
	}
	return v
}

// exportConsts converts the runtime's const list ([name, value] pairs, enums
// as lists of pairs) for the compiler.
func exportConsts(v goja.Value) map[string]constant {
	list, _ := v.Export().([]any)
	out := map[string]constant{}
	for _, item := range list {
		pair, ok := item.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		name, _ := pair[0].(string)
		if members, ok := pair[1].([]any); ok {
			c := constant{enum: map[string]constant{}}
			for _, m := range members {
				mp, ok := m.([]any)
				if !ok || len(mp) != 2 {
					continue
				}
				k, _ := mp[0].(string)
				k = toBytes(k)
				if mc, ok := exportConst(mp[1]); ok {
					c.enum[k] = mc
					c.keys = append(c.keys, k)
				}
			}
			out[toBytes(name)] = c
		} else if c, ok := exportConst(pair[1]); ok {
			out[toBytes(name)] = c
		}
	}
	return out
}

func exportConst(v any) (constant, bool) {
	switch x := v.(type) {
	case int64:
		return constant{kind: kindInt, i: int32(x)}, true
	case float64:
		return constant{kind: kindInt, i: int32(x)}, true
	case string:
		return constant{kind: kindString, s: toBytes(x)}, true
	case map[string]any:
		if f, ok := x["f"]; ok {
			return constant{f: float32(toF64(f))}, true
		}
	}
	return constant{}, false
}
