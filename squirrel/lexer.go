package squirrel

import (
	"math"
	"strconv"
)

// Token kinds. Single-character tokens use the byte's value (0-255); the
// rest start at 258 like the reference implementation's token list.
const (
	tkEOB = 0

	tkIdentifier = 258 + iota
	tkStringLiteral
	tkInteger
	tkFloat
	tkBase
	tkDelete
	tkEQ
	tkNE
	tkLE
	tkGE
	tkSwitch
	tkArrow
	tkAnd
	tkOr
	tkIf
	tkElse
	tkWhile
	tkBreak
	tkFor
	tkDo
	tkNull
	tkForeach
	tkIn
	tkNewslot
	tkModulo
	tkLocal
	tkClone
	tkFunction
	tkReturn
	tkTypeof
	tkUMinus
	tkPlusEq
	tkMinusEq
	tkContinue
	tkYield
	tkTry
	tkCatch
	tkThrow
	tkShiftL
	tkShiftR
	tkResume
	tkDoubleColon
	tkCase
	tkDefault
	tkThis
	tkPlusPlus
	tkMinusMinus
	tkUShiftR
	tkClass
	tkExtends
	tkConstructor
	tkInstanceof
	tkVarParams
	tkLine
	tkFile
	tkTrue
	tkFalse
	tkMulEq
	tkDivEq
	tkModEq
	tkAttrOpen
	tkAttrClose
	tkStatic
	tkEnum
	tkConst
	tk3WayCmp
)

var keywords = map[string]int{
	"while": tkWhile, "do": tkDo, "if": tkIf, "else": tkElse, "break": tkBreak,
	"continue": tkContinue, "return": tkReturn, "null": tkNull, "function": tkFunction,
	"local": tkLocal, "for": tkFor, "foreach": tkForeach, "in": tkIn, "typeof": tkTypeof,
	"base": tkBase, "delete": tkDelete, "try": tkTry, "catch": tkCatch, "throw": tkThrow,
	"clone": tkClone, "yield": tkYield, "resume": tkResume, "switch": tkSwitch,
	"case": tkCase, "default": tkDefault, "this": tkThis, "class": tkClass,
	"extends": tkExtends, "constructor": tkConstructor, "instanceof": tkInstanceof,
	"true": tkTrue, "false": tkFalse, "static": tkStatic, "enum": tkEnum, "const": tkConst,
}

// keywordName returns the source text of a keyword token (for "expected
// 'while'" style messages).
func keywordName(tok int) string {
	for k, v := range keywords {
		if v == tok {
			return k
		}
	}
	return ""
}

// lexError aborts compilation; the parser recovers it and builds a
// *CompileError from the lexer's current position, as 3.0.4 does.
type lexError struct{ msg string }

// lexer reads Squirrel source byte by byte. Its line and column bookkeeping
// (including the quirk that columns on the first line start at 0, and that
// block comments do not count as line breaks for statement termination)
// follows the reference lexer so error positions match.
type lexer struct {
	src []byte
	pos int // index of the next byte to read
	cur int // current character, -1 at end of input

	currentLine   int
	currentColumn int
	lastTokenLine int
	prevToken     int
	curToken      int

	// value of the last token
	svalue []byte
	nvalue int32
	fvalue float32

	// where the last token started (1-based line and column), for source maps
	tokLine, tokCol int
	lineStart       int // byte offset where the current line starts
}

func newLexer(src []byte) *lexer {
	lx := &lexer{src: src, currentLine: 1, lastTokenLine: 1, prevToken: -1}
	if len(src) >= 2 && src[0] == 0xEF && src[1] == 0xBB {
		lx.pos = 2 // a UTF-8 byte order mark, skipped like sq's file loader does
		if len(src) >= 3 && src[2] == 0xBF {
			lx.pos = 3
		}
		lx.lineStart = lx.pos
	}
	lx.next()
	return lx
}

func (lx *lexer) fail(msg string) { panic(lexError{msg}) }

// next reads one byte without touching the column (the reference Next()).
func (lx *lexer) next() {
	if lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		lx.pos++
		if c != 0 {
			lx.cur = int(c)
			return
		}
	}
	lx.cur = -1 // end of buffer; a NUL byte also ends the source
}

// adv is the reference NEXT(): read one byte and bump the column.
func (lx *lexer) adv() {
	lx.next()
	lx.currentColumn++
}

func (lx *lexer) ret(t int) int {
	lx.prevToken = lx.curToken
	lx.curToken = t
	return t
}

func isDigit(c int) bool  { return c >= '0' && c <= '9' }
func isXDigit(c int) bool { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') }
func isAlpha(c int) bool  { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isCntrl(c int) bool  { return (c >= 0 && c < 32) || c == 127 }

func (lx *lexer) markToken() {
	lx.tokLine = lx.currentLine
	lx.tokCol = lx.pos - lx.lineStart // pos is one past cur
	if lx.cur == -1 {
		lx.tokCol = lx.pos - lx.lineStart + 1
	}
}

// lex returns the next token.
func (lx *lexer) lex() int {
	lx.lastTokenLine = lx.currentLine
	for lx.cur != -1 {
		lx.markToken()
		switch c := lx.cur; c {
		case '\t', '\r', ' ':
			lx.adv()
			continue
		case '\n':
			lx.currentLine++
			lx.prevToken = lx.curToken
			lx.curToken = '\n'
			lx.adv()
			lx.currentColumn = 1
			lx.lineStart = lx.pos - 1
			continue
		case '#':
			lx.lineComment()
			continue
		case '/':
			lx.adv()
			switch lx.cur {
			case '*':
				lx.adv()
				lx.blockComment()
				continue
			case '/':
				lx.lineComment()
				continue
			case '=':
				lx.adv()
				return lx.ret(tkDivEq)
			case '>':
				lx.adv()
				return lx.ret(tkAttrClose)
			default:
				return lx.ret('/')
			}
		case '=':
			lx.adv()
			if lx.cur != '=' {
				return lx.ret('=')
			}
			lx.adv()
			return lx.ret(tkEQ)
		case '<':
			lx.adv()
			switch lx.cur {
			case '=':
				lx.adv()
				if lx.cur == '>' {
					lx.adv()
					return lx.ret(tk3WayCmp)
				}
				return lx.ret(tkLE)
			case '-':
				lx.adv()
				return lx.ret(tkNewslot)
			case '<':
				lx.adv()
				return lx.ret(tkShiftL)
			case '/':
				lx.adv()
				return lx.ret(tkAttrOpen)
			}
			return lx.ret('<')
		case '>':
			lx.adv()
			if lx.cur == '=' {
				lx.adv()
				return lx.ret(tkGE)
			}
			if lx.cur == '>' {
				lx.adv()
				if lx.cur == '>' {
					lx.adv()
					return lx.ret(tkUShiftR)
				}
				return lx.ret(tkShiftR)
			}
			return lx.ret('>')
		case '!':
			lx.adv()
			if lx.cur != '=' {
				return lx.ret('!')
			}
			lx.adv()
			return lx.ret(tkNE)
		case '@':
			lx.adv()
			if lx.cur != '"' {
				return lx.ret('@')
			}
			return lx.ret(lx.readString('"', true))
		case '"', '\'':
			return lx.ret(lx.readString(c, false))
		case '{', '}', '(', ')', '[', ']', ';', ',', '?', '^', '~':
			lx.adv()
			return lx.ret(c)
		case '.':
			lx.adv()
			if lx.cur != '.' {
				return lx.ret('.')
			}
			lx.adv()
			if lx.cur != '.' {
				lx.fail("invalid token '..'")
			}
			lx.adv()
			return lx.ret(tkVarParams)
		case '&':
			lx.adv()
			if lx.cur != '&' {
				return lx.ret('&')
			}
			lx.adv()
			return lx.ret(tkAnd)
		case '|':
			lx.adv()
			if lx.cur != '|' {
				return lx.ret('|')
			}
			lx.adv()
			return lx.ret(tkOr)
		case ':':
			lx.adv()
			if lx.cur != ':' {
				return lx.ret(':')
			}
			lx.adv()
			return lx.ret(tkDoubleColon)
		case '*':
			lx.adv()
			if lx.cur == '=' {
				lx.adv()
				return lx.ret(tkMulEq)
			}
			return lx.ret('*')
		case '%':
			lx.adv()
			if lx.cur == '=' {
				lx.adv()
				return lx.ret(tkModEq)
			}
			return lx.ret('%')
		case '-':
			lx.adv()
			if lx.cur == '=' {
				lx.adv()
				return lx.ret(tkMinusEq)
			}
			if lx.cur == '-' {
				lx.adv()
				return lx.ret(tkMinusMinus)
			}
			return lx.ret('-')
		case '+':
			lx.adv()
			if lx.cur == '=' {
				lx.adv()
				return lx.ret(tkPlusEq)
			}
			if lx.cur == '+' {
				lx.adv()
				return lx.ret(tkPlusPlus)
			}
			return lx.ret('+')
		default:
			if isDigit(c) {
				return lx.ret(lx.readNumber())
			}
			if isAlpha(c) || c == '_' {
				return lx.ret(lx.readID())
			}
			if isCntrl(c) {
				lx.fail("unexpected character(control)")
			}
			lx.adv()
			return lx.ret(c)
		}
	}
	lx.markToken()
	return 0
}

func (lx *lexer) lineComment() {
	for {
		lx.adv()
		if lx.cur == '\n' || lx.cur == -1 {
			return
		}
	}
}

func (lx *lexer) blockComment() {
	for {
		switch lx.cur {
		case '*':
			lx.adv()
			if lx.cur == '/' {
				lx.adv()
				return
			}
		case '\n':
			lx.currentLine++
			lx.adv()
			lx.lineStart = lx.pos - 1
		case -1:
			lx.fail("missing \"*/\" in comment")
		default:
			lx.adv()
		}
	}
}

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
