// Edges a compiled fast path must not get wrong inside hot loops: a table
// slot that stops holding a function, a class method replaced after
// instances exist, a loop counter that wraps, _get on an instance, an
// array cached in a local that is resized, a string counter turning float.
function err(label, f) {
	try { print(label + " " + f() + "\n"); } catch (e) print(label + " ERR " + e + "\n");
}
local t = { f = function(x) { return x + 1; } };
local acc = 0;
for (local i = 0; i < 6; i++) {
	if (i == 3) t.f = 10;
	try { acc += t.f(i); } catch (e) { print("edge.slot.nonfunc " + i + " ERR " + e + "\n"); acc += t.f; }
}
print("edge.slot.acc " + acc + "\n");
class P { v = 1; function get() { return v; } }
local ps = [P(), P(), P()];
local s = 0;
for (local i = 0; i < 6; i++) {
	if (i == 3) P.get <- function() { return v * 100; };
	foreach (p in ps) s += p.get();
}
print("edge.method.replaced " + s + "\n");
local n = 0;
for (local i = 2147483645; i > 0; i++) { n++; if (n > 10) break; }
print("edge.counter.wrap " + n + "\n");
local h = 2147483647;
for (local i = 0; i < 3; i++) h += 1;
print("edge.add.wrap " + h + "\n");
local m = 65536;
for (local i = 0; i < 2; i++) m = m * 65536;
print("edge.mul.wrap " + m + "\n");
class G { function _get(k) { return "got " + k; } }
local g = G();
local out = "";
for (local i = 0; i < 3; i++) out += g.missing + ";";
print("edge.get.instance " + out + "\n");
local a = [1, 2, 3];
local sum = 0;
for (local i = 0; i < 6; i++) {
	if (i == 2) a.resize(6, 5);
	sum += a[i % a.len()];
}
print("edge.array.resized " + sum + "\n");
local f = 0;
for (local i = 0; i < 4; i++) f += (i == 2 ? 0.5 : 1);
print("edge.float.mix " + f + "\n");
local str = "";
for (local i = 0; i < 3; i++) str += i == 1 ? 1.5 : i;
print("edge.str.float " + str + "\n");
err("edge.in.proto", function() { local c = {}; local k = "len"; return (k in c) + " " + ("len" in c); });
// locals declared in a loop body start again at each pass (compiled as
// function-level variables when no closure captures them)
local seen = "";
for (local i = 0; i < 3; i++) {
	local x;
	local y = i * 2;
	if (i == 0) x = 5;
	seen += x + "/" + y + ";";
}
print("edge.local.reset " + seen + "\n");
local fns = [];
for (local i = 0; i < 3; i++) { local z = i + 10; local w = z; fns.push(@() z); w = 0; }
print("edge.local.captured " + fns[0]() + fns[1]() + fns[2]() + "\n");
// weak references stored into a table slot, an array and a field inside a
// loop are stored as their objects (the targets stay referenced)
class Holder { f = null; }
local keepT = { n = 1 }, keepA = [1, 2], keepI = Holder();
local wt = {}, wa = [], wi = Holder();
function wref(i) {
	if (i == 0) return keepT.weakref();
	if (i == 1) return keepA.weakref();
	if (i == 2) return keepI.weakref();
	return i == 3 ? 5 : "s";
}
for (local i = 0; i < 5; i++) {
	local w = wref(i);
	wt[i] <- w;
	wa.push(w);
	wi.f = w;
	print("edge.weak." + i + " " + typeof w + " " + typeof wt[i] + " " + typeof wa[i] + " " + typeof wi.f + "\n");
}
