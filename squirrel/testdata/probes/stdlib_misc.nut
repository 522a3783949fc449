// Base library odds and ends: print of non-strings, callee, array(), type, getroottable,
// time() and collectgarbage() (types only).
print(5); print(" "); print(1.5); print(" "); print(true); print(" "); print(null); print("\n");
print("misc.print.returns " + (print("") == null) + "\n");
try { print(); } catch (e) print("misc.print.noargs ERR " + e + "\n");
try { print("a", "b"); } catch (e) print("misc.print.twoargs ERR " + e + "\n");
class Shown { function _tostring() { return "shown"; } }
print(Shown()); print("\n");
function whoCalls() { return callee(); }
print("misc.callee " + (whoCalls() == whoCalls) + "\n");
local anonRecursion = function(n) { return n <= 1 ? 1 : n * callee()(n - 1); };
print("misc.callee.recursion " + anonRecursion(6) + "\n");
print("misc.array.fn " + array(3).len() + " " + array(2, "z")[1] + "\n");
print("misc.type " + type(1) + " " + type("s") + " " + type(null) + "\n");
print("misc.getroottable " + (getroottable().print == print) + "\n");
print("misc.time.type " + typeof time() + " " + (time() > 1000000000) + "\n");
print("misc.collectgarbage.type " + typeof collectgarbage() + "\n");
// the imp-relevant root builtins are functions (or a class)
local builtins = ["print", "array", "type", "callee", "assert", "compilestring", "getroottable",
	"getconsttable", "setroottable", "format", "split", "strip", "lstrip", "rstrip", "regexp",
	"sqrt", "abs", "fabs", "floor", "ceil", "pow", "rand", "srand", "time", "newthread", "suspend"];
local bs = "";
foreach (b in builtins) bs += b + ":" + typeof getroottable()[b] + " ";
print("misc.builtins " + bs + "\n");
print("misc.callee.main " + typeof callee() + "\n");
print("misc.consttable " + typeof getconsttable() + "\n");
const MISC_C = 3;
print("misc.consttable.entry " + getconsttable().MISC_C + "\n");
print("misc.array.float.size " + array(2.9).len() + "\n");
print("misc.array.fill.shared " + (function() { local a = array(2, {}); return a[0] == a[1]; })() + "\n");
print("misc.print.float " + 1.0e-3 + " " + 1.0e15 + "\n");
local printed = [];
local oldPrint = print;
::print <- function(s) { printed.push(s); };
print("captured");
::print <- oldPrint;
print("misc.print.replaced " + printed.len() + " " + printed[0] + "\n");
