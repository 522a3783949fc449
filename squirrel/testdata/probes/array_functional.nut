// map, apply, reduce, filter, find: argument order, this, return values, errors.
function show(a) {
	local s = "[";
	foreach (i, v in a) s += (i ? "," : "") + v;
	return s + "]";
}
local a = [1, 2, 3, 4];
local m = a.map(@(x) x * 10);
print("fn.map " + show(m) + " orig=" + show(a) + "\n");
print("fn.map.new " + (m != a) + " " + typeof m + "\n");
local r = a.apply(@(x) x + 1);
print("fn.apply " + show(a) + " ret=" + (r == null ? "null" : r) + "\n");
print("fn.reduce " + a.reduce(@(acc, x) acc + x) + "\n");
print("fn.reduce.concat " + ["a", "b", "c"].reduce(@(acc, x) acc + "-" + x) + "\n");
print("fn.reduce.single " + [7].reduce(@(acc, x) acc * 100) + "\n");
local er = [].reduce(@(acc, x) acc + x);
print("fn.reduce.empty " + (er == null ? "null" : er) + "\n");
print("fn.filter " + show(a.filter(@(i, x) x % 2 == 0)) + "\n");
print("fn.filter.index " + show([5, 6, 7, 8].filter(@(i, x) i > 1)) + "\n");
print("fn.filter.truthy " + show([0, 1, "", null, false, 2.5].filter(@(i, x) x)) + "\n");
print("fn.find " + a.find(3) + " " + a.find(99) + "\n");
print("fn.find.mixed " + [1, 2.0, "2"].find(2) + " " + [1, "2"].find("2") + " " + [1.0].find(1) + "\n");
local t = {};
print("fn.find.ref " + [{}, t].find(t) + " " + [[]].find([]) + "\n");
print("fn.find.null " + [1, null].find(null) + "\n");
print("fn.find.nan " + [(1.0 / 0.0) - (1.0 / 0.0)].find((1.0 / 0.0) - (1.0 / 0.0)) + "\n");
// arity is checked: map/apply pass 1 argument, reduce 2, filter 2
try { a.map(@(x, y) x); } catch (e) print("fn.map.arity ERR " + e + "\n");
try { a.filter(@(x) x); } catch (e) print("fn.filter.arity ERR " + e + "\n");
try { a.reduce(@(x) x); } catch (e) print("fn.reduce.arity ERR " + e + "\n");
print("fn.map.varargs " + show(a.map(function(...) { return vargv.len(); })) + "\n");
print("fn.map.defaults " + show([1].map(function(x, y = "d") { return x + y; })) + "\n");
try { a.map(5); } catch (e) print("fn.map.notfunc ERR " + e + "\n");
try { a.map(); } catch (e) print("fn.map.noarg ERR " + e + "\n");
try { a.map(function(x) { throw "stop at " + x; }); } catch (e) print("fn.map.throws ERR " + e + "\n");
// this inside the callback is the array
local thisArr = a.map(function(x) { return this == a; });
print("fn.map.this " + show(thisArr) + "\n");
local thisF = a.filter(function(i, x) { return this.len() == 4; });
print("fn.filter.this " + thisF.len() + "\n");
// the callback may be a native function
print("fn.map.native " + show(["1", "22"].map(strip)) + "\n");
print("fn.map.tostring " + show([1, 2].map(@(x) x.tostring() + "!")) + "\n");
// callbacks can modify the array while it is mapped
local grow = [1, 2, 3];
local mg = grow.map(function(x) { if (grow.len() < 5) grow.push(0); return x; });
print("fn.map.growing " + show(mg) + " " + grow.len() + "\n");
// chaining
local chain = [1, 2, 3, 4, 5, 6].filter(@(i, x) x % 2).map(@(x) x * x).reduce(@(s, x) s + x);
print("fn.chain " + chain + "\n");
// closures capturing outer state
local total = 0;
[1, 2, 3].apply(function(x) { total += x; return x; });
print("fn.apply.capture " + total + "\n");
