// Parameters: arity errors, default values, varargs (... and vargv).
function two(a, b) { return a + "," + b; }
print("par.exact " + two(1, 2) + "\n");
try { two(1); } catch (e) print("par.too.few ERR " + e + "\n");
try { two(1, 2, 3); } catch (e) print("par.too.many ERR " + e + "\n");
try { two(); } catch (e) print("par.none ERR " + e + "\n");
function dflt(a, b = 10, c = "c") { return a + "," + b + "," + c; }
print("par.default.all " + dflt(1) + "\n");
print("par.default.some " + dflt(1, 2) + "\n");
print("par.default.none " + dflt(1, 2, 3) + "\n");
print("par.default.null " + dflt(1, null) + "\n");
try { dflt(); } catch (e) print("par.default.too.few ERR " + e + "\n");
try { dflt(1, 2, 3, 4); } catch (e) print("par.default.too.many ERR " + e + "\n");
local seed = 5;
local dexpr = function(x = seed * 2) { return x; };
seed = 100;
print("par.default.evaluated.once " + dexpr() + "\n");
function va(...) {
	local s = "n=" + vargv.len();
	foreach (v in vargv) s += " " + v;
	return s;
}
print("par.varargs.0 " + va() + "\n");
print("par.varargs.3 " + va(1, "two", 3.0) + "\n");
function fixedPlusVa(a, ...) { return a + ":" + vargv.len(); }
print("par.fixed.va " + fixedPlusVa("x") + " " + fixedPlusVa("x", 1, 2) + "\n");
try { fixedPlusVa(); } catch (e) print("par.fixed.va.too.few ERR " + e + "\n");
function vatype(...) { return typeof vargv; }
print("par.vargv.type " + vatype() + "\n");
function vaForward(...) { local args = [this]; args.extend(vargv); return va.acall(args); }
print("par.varargs.forward " + vaForward(7, 8) + "\n");
function vaModify(...) { vargv.push("added"); return vargv.len(); }
print("par.vargv.mutable " + vaModify(1) + "\n");
// a function's arity is fixed: extra arguments are an error even for natives
try { print("par.native.extra " + abs(1, 2) + "\n"); } catch (e) print("par.native.extra ERR " + e + "\n");
try { print("par.native.few " + abs() + "\n"); } catch (e) print("par.native.few ERR " + e + "\n");
try { print("par.native.type " + abs("x") + "\n"); } catch (e) print("par.native.type ERR " + e + "\n");
// lambdas
local sq = @(x) x * x;
print("par.lambda " + sq(9) + "\n");
local lam2 = @(a, b = 1) a + b;
print("par.lambda.default " + lam2(1) + " " + lam2(1, 5) + "\n");
local lamva = @(...) vargv.len();
print("par.lambda.va " + lamva(1, 2, 3) + "\n");
try { sq(); } catch (e) print("par.lambda.arity ERR " + e + "\n");
// getinfos
local info = dflt.getinfos();
local ps = "";
foreach (p in info.parameters) ps += p + " ";
print("par.getinfos " + info.name + " native=" + info.native + " params=" + ps + "defaults=" + info.defparams.len() + " varargs=" + info.varargs + "\n");
local vinfo = fixedPlusVa.getinfos();
local vps = "";
foreach (p in vinfo.parameters) vps += p + " ";
print("par.getinfos.va " + vps + vinfo.varargs + "\n");
local ninfo = abs.getinfos();
print("par.getinfos.native " + ninfo.name + " native=" + ninfo.native + " paramscheck=" + ninfo.paramscheck + "\n");
print("par.getinfos.lambda.name " + (sq.getinfos().name == null) + "\n");
// named function expressions and the root slot created by function statements
function declared() { return "declared"; }
print("par.function.stmt.root " + ("declared" in getroottable()) + "\n");
local anon = function() { return "anon"; };
print("par.anon.name " + (anon.getinfos().name == null) + "\n");
// function A::b() declares into a table
Util <- {};
function Util::twice(x) { return x * 2; }
print("par.double.colon " + Util.twice(21) + "\n");
