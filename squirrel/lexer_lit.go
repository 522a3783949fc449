package squirrel

import (
	"math"
	"strconv"
)

// Literals: strings (with 3.0.4's escapes), numbers (decimal, hex, octal and
// float, wrapping to 32 bits) and identifiers.

func (lx *lexer) readString(delim int, verbatim bool) int {
	var buf []byte
	lx.adv()
	if lx.cur == -1 {
		lx.fail("error parsing the string")
	}
	for {
		for lx.cur != delim {
			switch lx.cur {
			case -1:
				lx.fail("unfinished string")
			case '\n':
				if !verbatim {
					lx.fail("newline in a constant")
				}
				buf = append(buf, '\n')
				lx.adv()
				lx.currentLine++
				lx.lineStart = lx.pos - 1
			case '\\':
				if verbatim {
					buf = append(buf, '\\')
					lx.adv()
					break
				}
				lx.adv()
				switch lx.cur {
				case 'x':
					lx.adv()
					if !isXDigit(lx.cur) {
						lx.fail("hexadecimal number expected")
					}
					v := 0
					for n := 0; isXDigit(lx.cur) && n < 4; n++ {
						v = v*16 + hexVal(lx.cur)
						lx.adv()
					}
					buf = append(buf, byte(v))
				case 't':
					buf = append(buf, '\t')
					lx.adv()
				case 'a':
					buf = append(buf, 7)
					lx.adv()
				case 'b':
					buf = append(buf, 8)
					lx.adv()
				case 'n':
					buf = append(buf, '\n')
					lx.adv()
				case 'r':
					buf = append(buf, '\r')
					lx.adv()
				case 'v':
					buf = append(buf, 11)
					lx.adv()
				case 'f':
					buf = append(buf, 12)
					lx.adv()
				case '0':
					buf = append(buf, 0)
					lx.adv()
				case '\\', '"', '\'':
					buf = append(buf, byte(lx.cur))
					lx.adv()
				default:
					lx.fail("unrecognised escaper char")
				}
			default:
				buf = append(buf, byte(lx.cur))
				lx.adv()
			}
		}
		lx.adv()
		if verbatim && lx.cur == '"' { // "" inside a verbatim string
			buf = append(buf, '"')
			lx.adv()
			continue
		}
		break
	}
	if delim == '\'' {
		if len(buf) == 0 {
			lx.fail("empty constant")
		}
		if len(buf) > 1 {
			lx.fail("constant too long")
		}
		lx.nvalue = int32(int8(buf[0]))
		return tkInteger
	}
	lx.svalue = buf
	return tkStringLiteral
}

func hexVal(c int) int {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func isODigit(c int) bool { return c >= '0' && c <= '7' }

func (lx *lexer) readNumber() int {
	const (
		tInt = iota
		tFloat
		tHex
		tOctal
	)
	typ := tInt
	first := lx.cur
	var buf []byte
	lx.adv()
	if first == '0' && (lx.cur == 'x' || lx.cur == 'X' || isODigit(lx.cur)) {
		if isODigit(lx.cur) {
			typ = tOctal
			for isODigit(lx.cur) {
				buf = append(buf, byte(lx.cur))
				lx.adv()
			}
			if isDigit(lx.cur) {
				lx.fail("invalid octal number")
			}
		} else {
			lx.adv()
			typ = tHex
			for isXDigit(lx.cur) {
				buf = append(buf, byte(lx.cur))
				lx.adv()
			}
			if len(buf) > 8 {
				lx.fail("too many digits for an Hex number")
			}
		}
	} else {
		buf = append(buf, byte(first))
		for lx.cur == '.' || isDigit(lx.cur) || lx.cur == 'e' || lx.cur == 'E' {
			if lx.cur == '.' || lx.cur == 'e' || lx.cur == 'E' {
				typ = tFloat
			}
			if lx.cur == 'e' || lx.cur == 'E' {
				buf = append(buf, byte(lx.cur))
				lx.adv()
				if lx.cur == '+' || lx.cur == '-' {
					buf = append(buf, byte(lx.cur))
					lx.adv()
				}
				if !isDigit(lx.cur) {
					lx.fail("exponent expected")
				}
			}
			buf = append(buf, byte(lx.cur))
			lx.adv()
		}
	}
	switch typ {
	case tFloat:
		lx.fvalue = float32(strtod(buf))
		return tkFloat
	case tHex:
		var v uint32
		for _, c := range buf {
			v = v*16 + uint32(hexVal(int(c)))
		}
		lx.nvalue = int32(v)
		return tkInteger
	case tOctal:
		var v uint32
		for _, c := range buf {
			v = v*8 + uint32(c-'0')
		}
		lx.nvalue = int32(v)
		return tkInteger
	}
	var v uint32
	for _, c := range buf {
		v = v*10 + uint32(c-'0')
	}
	lx.nvalue = int32(v)
	return tkInteger
}

// strtod parses the longest prefix of b that C's strtod accepts (the lexer
// may collect text such as "1.2.3", of which strtod reads "1.2").
func strtod(b []byte) float64 {
	end := 0
	i := 0
	for i < len(b) && isDigit(int(b[i])) {
		i++
	}
	end = i
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && isDigit(int(b[i])) {
			i++
		}
		end = i
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		j := i + 1
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j < len(b) && isDigit(int(b[j])) {
			for j < len(b) && isDigit(int(b[j])) {
				j++
			}
			end = j
		}
	}
	f, err := strconv.ParseFloat(string(b[:end]), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f // ±Inf or 0, as strtod
		}
		return 0
	}
	if math.IsNaN(f) {
		return 0
	}
	return f
}

func (lx *lexer) readID() int {
	var buf []byte
	for {
		buf = append(buf, byte(lx.cur))
		lx.adv()
		if !(isAlpha(lx.cur) || isDigit(lx.cur) || lx.cur == '_') {
			break
		}
	}
	if t, ok := keywords[string(buf)]; ok {
		if t == tkConstructor {
			lx.svalue = buf
		}
		return t
	}
	lx.svalue = buf
	return tkIdentifier
}
