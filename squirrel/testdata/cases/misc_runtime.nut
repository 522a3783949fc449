// Odds and ends: tail calls, deep recursion, string escapes, callee, getinfos of
// natives, compilestring with vargv, switch on floats, clone of instances.
function loop(n, acc) { if (n == 0) return acc; return loop(n - 1, acc + n); }
print("tail.sum " + loop(50000, 0) + "\n");
local info = print.getinfos();
print("native.info " + info.native + " " + info.name + " " + info.paramscheck + "\n");
local cs = compilestring("local s = 0; foreach (v in vargv) s += v; return s;");
print("compilestring.vargv " + cs(1, 2, 3) + "\n");
switch (1.0) { case 1: print("switch.float.int match\n"); break; default: print("switch.float.int default\n"); }
class P { v = null; constructor() { v = [1]; } function _cloned(orig) { v = clone orig.v; v.push(2); } }
local p1 = P(); local p2 = clone p1;
print("clone.instance " + p1.v.len() + " " + p2.v.len() + "\n");
local fn = function() { return callee(); };
print("callee.self " + (fn() == fn) + "\n");
local esc = "tab\there\x41\x4142";
print("string.escapes " + esc + " " + esc.len() + "\n");
print("verbatim " + @"a\nb""c" + "\n");
local big = {};
for (local i = 0; i < 1000; i++) big[i] <- i;
local sum = 0;
foreach (k, v in big) sum += v;
print("big.table " + sum + " " + big.len() + "\n");
local arr = array(5, 1);
arr.apply(@(x) x * 3);
print("array.apply " + arr.reduce(@(a, b) a + b) + "\n");
