// Array indexing: no negative indexes, strict bounds for reads and writes, float indexes
// truncate, non-numeric indexes fail; slice bounds.
local a = [10, 20, 30];
print("ai.read " + a[0] + " " + a[2] + "\n");
try { print("ai.read.len " + a[3] + "\n"); } catch (e) print("ai.read.len ERR " + e + "\n");
try { print("ai.read.neg " + a[-1] + "\n"); } catch (e) print("ai.read.neg ERR " + e + "\n");
try { print("ai.read.negbig " + a[-10] + "\n"); } catch (e) print("ai.read.negbig ERR " + e + "\n");
print("ai.read.float " + a[1.7] + " " + a[0.2] + "\n");
try { print("ai.read.negfloat " + a[-0.5] + "\n"); } catch (e) print("ai.read.negfloat ERR " + e + "\n");
try { print("ai.read.str " + a["1"] + "\n"); } catch (e) print("ai.read.str ERR " + e + "\n");
try { print("ai.read.null " + a[null] + "\n"); } catch (e) print("ai.read.null ERR " + e + "\n");
try { print("ai.read.bool " + a[true] + "\n"); } catch (e) print("ai.read.bool ERR " + e + "\n");
try { a[3] = 40; } catch (e) print("ai.write.len ERR " + e + "\n");
try { a[-1] = 40; } catch (e) print("ai.write.neg ERR " + e + "\n");
try { a["x"] = 1; } catch (e) print("ai.write.str ERR " + e + "\n");
try { a[3] <- 40; } catch (e) print("ai.newslot ERR " + e + "\n");
a[1.9] = 21;
print("ai.write.float " + a[1] + "\n");
print("ai.in " + (0 in a) + " " + (2 in a) + " " + (3 in a) + " " + (-1 in a) + " " + ("len" in a) + "\n");
local empty = [];
try { print("ai.empty " + empty[0] + "\n"); } catch (e) print("ai.empty ERR " + e + "\n");
local b = [0, 1, 2, 3, 4, 5];
function show(x) {
	local s = "[";
	foreach (i, v in x) s += (i ? "," : "") + v;
	return s + "]";
}
print("ai.slice.1 " + show(b.slice(2)) + "\n");
print("ai.slice.2 " + show(b.slice(1, 3)) + "\n");
print("ai.slice.3 " + show(b.slice(-2)) + "\n");
print("ai.slice.4 " + show(b.slice(-4, -1)) + "\n");
print("ai.slice.5 " + show(b.slice(0, 0)) + "\n");
print("ai.slice.6 " + show(b.slice(6)) + "\n");
print("ai.slice.7 " + show(b.slice(0)) + "\n");
print("ai.slice.8 " + show(b.slice(2, -2)) + "\n");
print("ai.slice.9 " + show(b.slice(-6)) + "\n");
print("ai.slice.float " + show(b.slice(1.5, 3.9)) + "\n");
print("ai.slice.copy " + (b.slice(0) == b) + "\n");
try { print("ai.slice.over " + show(b.slice(2, 7)) + "\n"); } catch (e) print("ai.slice.over ERR " + e + "\n");
try { print("ai.slice.rev " + show(b.slice(4, 2)) + "\n"); } catch (e) print("ai.slice.rev ERR " + e + "\n");
try { print("ai.slice.start.over " + show(b.slice(7)) + "\n"); } catch (e) print("ai.slice.start.over ERR " + e + "\n");
try { print("ai.slice.str " + show(b.slice("1")) + "\n"); } catch (e) print("ai.slice.str ERR " + e + "\n");
try { print("ai.slice.null.end " + show(b.slice(1, null)) + "\n"); } catch (e) print("ai.slice.null.end ERR " + e + "\n");
// Not probed: slice() with no arguments (3.0.4 reads a stale stack slot as the start) and a
// slice starting before the array (-len-1 and below: 3.0.4 copies stale values).
// the slice is a shallow copy
local inner = [1];
local outer = [inner, 2];
local sl = outer.slice(0, 1);
sl[0].push(9);
print("ai.slice.shallow " + inner.len() + "\n");
sl[0] = "replaced";
print("ai.slice.independent " + typeof outer[0] + "\n");
// clone is shallow too
local cl = clone outer;
cl[0].push(10);
cl[1] = 3;
print("ai.clone.shallow " + inner.len() + " " + outer[1] + "\n");
// length changes during iteration
local grow = [1, 2, 3];
local visited = 0;
foreach (v in grow) { visited++; if (grow.len() < 6) grow.push(v); }
print("ai.foreach.growing " + visited + " " + grow.len() + "\n");
local shrink = [1, 2, 3, 4, 5];
local seen = "";
foreach (i, v in shrink) { seen += v; if (i == 1) shrink.pop(); }
print("ai.foreach.shrinking " + seen + "\n");
