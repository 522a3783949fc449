// try/catch catches any thrown value (trap 15): strings, integers, tables, instances, null.
function describe(e) {
	local t = typeof e;
	if (t == "table") return "table(code=" + e.code + ")";
	if (t == "instance") return "instance(" + e.msg + ")";
	if (t == "array") return "array(" + e.len() + ")";
	if (e == null) return "null";
	return t + "(" + e + ")";
}
foreach (label, v in { string = "oops", integer = 42, float = 1.5, bool = false, table = { code = 7 }, array = [1, 2] }) {
	try { throw v; } catch (e) print("throw." + label + " " + describe(e) + " same=" + (e == v) + "\n");
}
try { throw null; } catch (e) print("throw.null " + describe(e) + "\n");
class MyError { msg = null; constructor(m) { msg = m; } }
try { throw MyError("custom"); } catch (e) print("throw.instance " + describe(e) + " " + (e instanceof MyError) + "\n");
// runtime errors arrive as strings
try { local x = {}; x.y; } catch (e) print("throw.runtime " + typeof e + " " + e + "\n");
// rethrow
try {
	try { throw "inner"; } catch (e) { throw e + "+rethrown"; }
} catch (e) print("throw.rethrow " + e + "\n");
// error inside catch propagates
try {
	try { throw 1; } catch (e) { local z = null; z.boom; }
} catch (e) print("throw.in.catch " + e + "\n");
// unwinding through function calls
function level3() { throw "from level3"; }
function level2() { level3(); return "not reached"; }
function level1() { try { return level2(); } catch (e) { return "caught in level1: " + e; } }
print("throw.unwind " + level1() + "\n");
// code after the throw point does not run, code after try/catch does
local trace = "";
try { trace += "a"; throw "x"; trace += "b"; } catch (e) { trace += "c"; }
trace += "d";
print("throw.flow " + trace + "\n");
// try without error skips catch
local skipped = "yes";
try { local ok = 1; } catch (e) { skipped = "no"; }
print("throw.no.error " + skipped + "\n");
// the catch variable is local to the catch block
local e = "outer-e";
try { throw "inner-e"; } catch (e) { }
print("throw.catch.scope " + e + "\n");
// errors from native functions
try { [].top(); } catch (err) print("throw.native " + err + "\n");
try { "abc".slice(5); } catch (err) print("throw.native.slice " + err + "\n");
// throwing in loops and continuing
local caught = 0;
for (local i = 0; i < 5; i++) { try { if (i % 2) throw i; } catch (x) caught += x; }
print("throw.loop " + caught + "\n");
// return inside try and catch
function retTry() { try { return "from-try"; } catch (x) { return "from-catch"; } }
function retCatch() { try { throw 0; } catch (x) { return "from-catch"; } return "after"; }
print("throw.return " + retTry() + " " + retCatch() + "\n");
// break/continue out of try inside loops
local bc = "";
for (local i = 0; i < 4; i++) { try { if (i == 1) continue; if (i == 3) break; bc += i; } catch (x) { } }
print("throw.break.continue " + bc + "\n");
// nested try levels and error values
local depth = "";
try { try { try { throw "deep"; } catch (a) { depth += "1"; throw a + "!"; } } catch (b) { depth += "2"; throw b + "!"; } } catch (c) { depth += "3 " + c; }
print("throw.nested " + depth + "\n");
// assert
try { assert(false); } catch (x) print("throw.assert " + x + "\n");
try { assert(0); } catch (x) print("throw.assert.zero " + x + "\n");
assert(1);
assert("");
print("throw.assert.pass ok\n");
try { assert(); } catch (x) print("throw.assert.noargs " + x + "\n");
// throw with an expression
try { throw "code " + (40 + 2); } catch (x) print("throw.expr " + x + "\n");
