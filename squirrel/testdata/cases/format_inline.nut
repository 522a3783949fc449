// format() with literal format strings of plain %s/%d (compiled inline when
// the arguments fit) and every way the inline path must step aside.
function attempt(label, f) {
	try { print(label + ": [" + f() + "]\n"); } catch (e) { print(label + " threw: " + e + "\n"); }
}
local i = 42, s = "abc", fl = 2.75, nul = "a\x00b", neg = -7;
attempt("d s", @() format("%d:%s;", i, s));
attempt("d d", @() format("%d%d", i, neg));
attempt("i", @() format("<%i>", neg));
attempt("percent", @() format("100%% %s", s));
attempt("only text", @() format("plain"));
attempt("empty", @() format(""));
attempt("d float", @() format("%d", fl));
attempt("s int", @() format("%s", i));
attempt("d string", @() format("%d", s));
attempt("s float", @() format("%s", fl));
attempt("s nul", @() format("[%s]", nul).len());
attempt("too few", @() format("%d %d", i));
attempt("too many", @() format("%d", i, i));
attempt("d bool", @() format("%d", true));
attempt("s null", @() format("%s", null));
attempt("byte string", @() format("%s|%d", "\xc3\xa9", 0x7fffffff).len());
attempt("int min", @() format("%d", -2147483647 - 1));
local t = { v = 3 };
attempt("slot arg", @() format("v=%d", t.v));
attempt("call arg", @() format("%s-%s", s.toupper(), s.slice(1)));
// a user-defined format replaces the built-in one
local saved = format;
::format <- function(f, ...) { return "mine(" + f + "," + vargv.len() + ")"; };
attempt("replaced", @() format("%d", i));
::format <- saved;
attempt("restored", @() format("%d", i));
class K {
	function format(f, x) { return "method " + f + " " + x; }
	function show() { return format("%d", 5); }
}
attempt("this.format", @() K().show());
