// foreach over arrays, tables, strings, classes, generators; with and without the index.
local s = "";
foreach (v in [10, 20, 30]) s += v + " ";
print("fe.array.values " + s + "\n");
s = "";
foreach (i, v in [10, 20, 30]) s += i + "=" + v + " ";
print("fe.array.index " + s + "\n");
s = "";
foreach (v in []) s += "x";
print("fe.array.empty [" + s + "]\n");
s = "";
foreach (i, c in "hi!") s += i + ":" + c + " ";
print("fe.string " + s + "\n");
s = "";
foreach (c in "") s += c;
print("fe.string.empty [" + s + "]\n");
s = "";
foreach (c in "\xff\x80\x7f") s += c + " ";
print("fe.string.signed " + s + "\n");
local tableKeys = [];
foreach (k, v in { only = 1 }) tableKeys.push(k + "=" + v);
print("fe.table.kv " + tableKeys[0] + "\n");
local valuesOnly = [];
foreach (v in { a = 1 }) valuesOnly.push(v);
print("fe.table.value.only " + valuesOnly[0] + "\n");
class Members { a = 1; static b = 2; function c() { } }
local mem = [];
foreach (k, v in Members) mem.push(k + ":" + typeof v);
mem.sort();
local ms = "";
foreach (m in mem) ms += m + " ";
print("fe.class " + ms + "\n");
function gen(n) { for (local i = 0; i < n; i++) yield i * i; }
s = "";
foreach (v in gen(4)) s += v + " ";
print("fe.generator " + s + "\n");
s = "";
foreach (i, v in gen(3)) s += i + "=" + v + " ";
print("fe.generator.index " + s + "\n");
function genWithReturn() { yield "a"; yield "b"; return "ret"; }
s = "";
foreach (v in genWithReturn()) s += v + " ";
print("fe.generator.return.ignored " + s + "\n");
local g = gen(3);
resume g;
s = "";
foreach (v in g) s += v + " ";
print("fe.generator.partly.consumed " + s + "\n");
try { foreach (v in g) s += v; print("fe.generator.dead [" + s + "]\n"); } catch (e) print("fe.generator.dead ERR " + e + "\n");
try { foreach (v in 5) { } } catch (e) print("fe.int ERR " + e + "\n");
try { foreach (v in null) { } } catch (e) print("fe.null ERR " + e + "\n");
try { foreach (v in 1.5) { } } catch (e) print("fe.float ERR " + e + "\n");
try { foreach (v in true) { } } catch (e) print("fe.bool ERR " + e + "\n");
try { foreach (v in function() {}) { } } catch (e) print("fe.function ERR " + e + "\n");
// the loop variables are locals of the loop; outer variables with the same name are untouched
local v = "outer-v";
foreach (v in [1, 2]) { }
print("fe.shadow " + v + "\n");
// modifying the iterated array's elements through the index
local arr = [1, 2, 3];
foreach (i, x in arr) arr[i] = x * 10;
print("fe.modify.elements " + arr[0] + arr[1] + arr[2] + "\n");
// assigning the value variable does not change the array
foreach (x in arr) x = 0;
print("fe.assign.var " + arr[0] + "\n");
// break and continue
s = "";
foreach (x in [1, 2, 3, 4, 5]) { if (x == 2) continue; if (x == 4) break; s += x; }
print("fe.break.continue " + s + "\n");
// nested foreach over the same array
local pairs = 0;
local small = [1, 2, 3];
foreach (a in small) foreach (b in small) if (a < b) pairs++;
print("fe.nested.same " + pairs + "\n");
// foreach over a table while it is extended with <- is not probed (the order is undefined).
// foreach over a weakref is an error
try { foreach (x in [1].weakref()) { } } catch (e) print("fe.weakref ERR " + e + "\n");
