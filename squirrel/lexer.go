package squirrel

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
