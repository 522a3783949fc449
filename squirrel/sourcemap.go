package squirrel

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// Generated code carries position markers: "\x01line,col\x01" before the
// code that comes from that Squirrel position. finishCode strips them and
// builds a version 3 source map from where they stood.
const markByte = '\x01'

func marker(p pos) string {
	if p.line <= 0 {
		return ""
	}
	return "\x01" + strconv.Itoa(p.line) + "," + strconv.Itoa(p.col) + "\x01"
}

// finishCode removes markers from code and returns the clean JavaScript and
// the "mappings" field of a source map whose only source is index 0.
//
// Source columns are stored 1-based (goja reports the stored column as is,
// and its source map reader ignores mappings to line 1, column 0).
func finishCode(code string) (string, string) { return finishCodeFrom(code, nil, nil) }

// spliceByte starts a placeholder "\x03index\x03" for text that finishCode
// copies in as it is (from splice; it has no markers and no newlines): the
// code of lazily compiled functions, which would otherwise be copied with
// every string it is concatenated into.
const spliceByte = '\x03'

// finishCodeFrom is finishCode for a unit assembled from several files:
// origin maps a line of the unit to its source's index and line; splice
// holds the texts of placeholders.
func finishCodeFrom(code string, origin func(line int) (src, srcLine int), splice []string) (string, string) {
	n := len(code)
	for _, s := range splice {
		n += len(s)
	}
	var out strings.Builder
	out.Grow(n)
	m := finishInto(&out, code, origin, splice, false, 0)
	return out.String(), m
}

// finishInto writes code without its markers to out and returns the source
// map's mappings, for code whose first line starts at column col of out's
// current line. In a comment (see lazy.go) newlines are written as
// chunkNL and "*/" as "*Ā/".
func finishInto(out *strings.Builder, code string, origin func(line int) (src, srcLine int), splice []string,
	comment bool, col int) string {
	var maps strings.Builder
	maps.Grow(len(code) / 8)
	genCol := col
	prevGenCol, prevSrc, prevSrcLine, prevSrcCol := 0, 0, 0, 0
	curLine, curCol := 0, 0 // last marker seen
	lineHasMap := false
	firstOnLine := true
	emit := func(srcLine, srcCol int) {
		if !firstOnLine {
			maps.WriteByte(',')
		}
		firstOnLine = false
		src := 0
		if origin != nil {
			src, srcLine = origin(srcLine)
		}
		vlq(&maps, genCol-prevGenCol)
		vlq(&maps, src-prevSrc)
		vlq(&maps, srcLine-1-prevSrcLine)
		vlq(&maps, srcCol-prevSrcCol)
		prevGenCol = genCol
		prevSrc = src
		prevSrcLine = srcLine - 1
		prevSrcCol = srcCol
		lineHasMap = true
	}
	// special reports whether code[j] needs more than copying
	special := func(j int) bool {
		c := code[j]
		return c == markByte || c == '\n' || c == spliceByte || (comment && c == '*')
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case markByte:
			j := strings.IndexByte(code[i+1:], markByte)
			m := code[i+1 : i+1+j]
			i += j + 1
			comma := strings.IndexByte(m, ',')
			l, _ := strconv.Atoi(m[:comma])
			col, _ := strconv.Atoi(m[comma+1:])
			if l == curLine && col == curCol && lineHasMap {
				continue
			}
			curLine, curCol = l, col
			emit(l, col)
			continue
		case '\n':
			if comment {
				out.WriteString(chunkNL)
			} else {
				out.WriteByte('\n')
			}
			maps.WriteByte(';')
			genCol = 0
			prevGenCol = 0
			firstOnLine = true
			lineHasMap = false
			continue
		case spliceByte:
			j := strings.IndexByte(code[i+1:], spliceByte)
			n, _ := strconv.Atoi(code[i+1 : i+1+j])
			i += j + 1
			if !lineHasMap && curLine > 0 {
				emit(curLine, curCol)
			}
			out.WriteString(splice[n])
			genCol += len(splice[n])
			continue
		case '*':
			if comment && i+1 < len(code) && code[i+1] == '/' {
				if !lineHasMap && curLine > 0 {
					emit(curLine, curCol)
				}
				out.WriteString("*Ā")
				genCol++
				continue
			}
		}
		if !lineHasMap && curLine > 0 && c != ' ' && c != '\t' {
			emit(curLine, curCol)
		}
		if lineHasMap || curLine == 0 {
			// copy up to the next byte that needs attention
			j := i + 1
			for j < len(code) && !special(j) {
				j++
			}
			out.WriteString(code[i:j])
			genCol += j - i
			i = j - 1
			continue
		}
		out.WriteByte(c)
		genCol++
	}
	return maps.String()
}

const b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func vlq(b *strings.Builder, v int) {
	u := v << 1
	if v < 0 {
		u = (-v << 1) | 1
	}
	for {
		d := u & 31
		u >>= 5
		if u > 0 {
			d |= 32
		}
		b.WriteByte(b64chars[d])
		if u == 0 {
			return
		}
	}
}

// sourceMapComment returns the comment line goja reads a source map from.
func sourceMapComment(sources []string, mappings string) string {
	sm := struct {
		Version  int      `json:"version"`
		Sources  []string `json:"sources"`
		Names    []string `json:"names"`
		Mappings string   `json:"mappings"`
	}{3, sources, []string{}, mappings}
	data, _ := json.Marshal(sm)
	return "//# sourceMappingURL=data:application/json;base64," + base64.StdEncoding.EncodeToString(data)
}

// jsString quotes a Squirrel byte string as a JavaScript string literal
// whose code units are the bytes; the literal itself is plain ASCII.
func jsString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c < 0x20 || c >= 0x7f:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jsReserved lists words that cannot name a JavaScript function in strict
// mode code.
var jsReserved = map[string]bool{
	"break": true, "case": true, "catch": true, "class": true, "const": true, "continue": true,
	"debugger": true, "default": true, "delete": true, "do": true, "else": true, "enum": true,
	"export": true, "extends": true, "false": true, "finally": true, "for": true, "function": true,
	"if": true, "import": true, "in": true, "instanceof": true, "new": true, "null": true,
	"return": true, "super": true, "switch": true, "this": true, "throw": true, "true": true,
	"try": true, "typeof": true, "var": true, "void": true, "while": true, "with": true,
	"yield": true, "let": true, "static": true, "implements": true, "interface": true,
	"package": true, "private": true, "protected": true, "public": true, "await": true,
	"eval": true, "arguments": true, "self": true, "undefined": true, "NaN": true, "Infinity": true,
}

// isJSIdent reports whether s can be written as a property name after a dot
// (any identifier, reserved words included).
func isJSIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// prop returns the JavaScript for reading property key of the object code o.
func prop(o, key string) string {
	if o != "" && o[0] >= '0' && o[0] <= '9' {
		o = "(" + o + ")"
	}
	if isJSIdent(key) {
		return o + "." + key
	}
	return o + "[" + jsString(key) + "]"
}
