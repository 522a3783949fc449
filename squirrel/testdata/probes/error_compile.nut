// Compile errors through compilestring(): the thrown value is the compiler's message (no
// position; squirrel/testdata/compile_errors/ records positions for whole files).
// Not probed: "base = 1;" crashes the 3.0.4 compiler.
local cases = [
	["keyword.as.local", "local base = 1;"],
	["const.bool", "const B = true;"],
	["const.expr", "const C = 1 + 2;"],
	["const.name", "const D = E;"],
	["enum.bool", "enum E { A = true }"],
	["switch.case.after.default", "switch (1) { default: break; case 1: break; }"],
	["do.semicolon", "local x = 0; do x++; while (x < 3);"],
	["number.exponent.missing", "local n = 1.0e;"],
	["number.octal", "local n = 0789;"],
	["number.hex.long", "local n = 0x123456789;"],
	["char.too.long", "local c = 'ab';"],
	["char.empty", "local c = '';"],
	["string.unfinished", "local s = \"abc"],
	["string.newline", "local s = \"ab\ncd\";"],
	["string.bad.escape", "local s = \"\\q\";"],
	["string.hex.escape", "local s = \"\\xg\";"],
	["comment.unfinished", "local a = 1; /* never closed"],
	["break.outside", "break;"],
	["continue.outside", "continue;"],
	["two.statements.one.line", "local a = 1 local b = 2"],
	["assign.to.expression", "1 = 2;"],
	["assign.to.call", "local f = null; f() = 1;"],
	["incr.expression", "local a = 1; (a + 1)++;"],
	["newslot.local", "local a = 1; a <- 2;"],
	["delete.local", "local a = 1; delete a;"],
	["default.then.plain", "function f(a = 1, b) { }"],
	["default.then.varargs", "function f(a = 1, ...) { }"],
	["varargs.not.last", "function f(..., a) { }"],
	["class.local", "class local X { }"],
	["call.trailing.comma", "print(1,);"],
	["array.unclosed", "local a = [1, 2;"],
	["table.missing.value", "local t = { a = 1, b };"],
	["table.bad.key", "local t = { 1 = 2 };"],
	["if.missing.paren", "if 1 print(1);"],
	["else.alone", "else print(1);"],
	["try.no.catch", "try { }"],
	["catch.no.var", "try { } catch { }"],
	["foreach.three.vars", "foreach (a, b, c in [1]) { }"],
	["foreach.no.in", "foreach (a [1]) { }"],
	["static.outside.class", "static x = 1;"],
	["function.no.name.stmt", "function (a) { }"],
	["missing.brace", "function f() { return 1;"],
	["extra.brace", "local a = 1; }"],
	["compound.and", "local a = 1; a &= 1;"],
	["compound.shift", "local a = 1; a <<= 1;"],
	["return.outside.value", "return 1 2;"],
	["attribute.unclosed", "class A </ x = 1 { }"],
	["local.no.name", "local = 5;"],
	["control.char", "local a = 1;\x01"],
	["expression.missing", "local a = ;"],
	["paren.unclosed", "local a = (1 + 2;"],
	["ternary.missing.colon", "local a = true ? 1;"],
	["lambda.missing.body", "local f = @(x);"],
	["float.leading.dot", "return .5;"],
	["hex.bad.digit", "return 0xG;"],
	["digit.separator", "return 1_000;"]
];
foreach (c in cases) {
	local result;
	try { compilestring(c[1]); result = "compiled"; } catch (e) result = "ERR " + e;
	print("compile." + c[0] + " " + result + "\n");
}
// these compile (and may fail later at run time)
local ok = [
	["float.two.dots", "return 1.2.3;"],
	["float.dotdot", "return 1..2;"],
	["int.exponent", "return 1e5;"],
	["int.exponent.typeof", "return typeof 2e-2;"],
	["float.trailing.dot", "return 5.;"],
	["float.exponent.sign", "return 1E+5;"],
	["float.dot.exponent", "return 1.e2;"],
	["hex.empty", "return 0x;"],
	["octal.zero.zero", "return 00;"],
	["this.assign", "this = 1; return typeof this;"],
	["hash.comment", "#!/usr/bin/env sq\nreturn 1;"],
	["empty", ""],
	["only.comment", "// nothing"],
	["keyword.slot.string", "local t = {}; t[\"class\"] <- 1; return t[\"class\"];"],
	["newline.in.verbatim", "return @\"a\nb\".len();"],
	["semicolons", ";;;"],
	["unicode.in.string", "return \"\xe2\x82\xac\";"],
	["line.macro.is.name", "return __LINE__;"]
];
foreach (c in ok) {
	local result;
	try {
		local f = compilestring(c[1]);
		try { local r = f(); result = "ran " + (r == null ? "null" : r); } catch (e) result = "runtime ERR " + e;
	} catch (e) result = "ERR " + e;
	print("compile.ok." + c[0] + " " + result + "\n");
}
