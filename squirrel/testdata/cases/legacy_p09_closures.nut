local fs = [];
for (local i = 0; i < 3; i++) fs.push(function() { return i; });
foreach (f in fs) print(f() + " ");
print("\n");
local gs = [];
foreach (i, v in [10, 20, 30]) gs.push(@() v);
foreach (g in gs) print(g() + " ");
print("\n");
local hs = [];
for (local i = 0; i < 3; i++) { local j = i; hs.push(@() j); }
foreach (h in hs) print(h() + " ");
print("\n");
local counter = 0;
local inc = function() { counter++; return counter; };
inc(); inc();
print(counter + "\n");
function mk(x = 5, y = []) { y.push(x); return y.len(); }
print(mk() + " " + mk() + " " + mk(1) + "\n");
local dflt = 1;
local f2 = function(a = dflt) { return a; };
dflt = 2;
print(f2() + "\n");
function va(a, ...) { local s = a; foreach (v in vargv) s += v; return s; }
print(va(1) + " " + va(1, 2, 3) + "\n");
try { va(); } catch (e) { print(e + "\n"); }
function two(a, b) { return a + b; }
try { two(1); } catch (e) { print(e + "\n"); }
try { two(1, 2, 3); } catch (e) { print(e + "\n"); }
print(two.call(null, 3, 4) + " " + two.acall([null, 5, 6]) + "\n");
local info = two.getinfos();
print(info.name + " " + info.parameters.len() + " " + info.parameters[0] + " " + info.native + "\n");
local obj = { val = 42, get = function() { return val; } };
print(obj.get() + "\n");
local lam = @(x) x * 2;
print(lam(21) + "\n");
function rec(n) { return n <= 1 ? 1 : n * rec(n - 1); }
print(rec(10) + "\n");
local function lrec(n) { return n <= 1 ? 1 : n * lrec(n - 1); }
try { print(lrec(5) + "\n"); } catch (e) { print("lrec: " + e + "\n"); }
