// weakref(): ref() gives the target; a weakref stored in a table slot or array element reads
// as its target (containers dereference weak references). When a target dies depends on
// reference counts, including stale interpreter registers, so only live targets are probed.
local t = { name = "target" };
local w = t.weakref();
print("weak.typeof " + typeof w + "\n");
print("weak.ref " + w.ref().name + " " + (w.ref() == t) + "\n");
// scalars: weakref of a value type is the value itself; strings get a real weakref
local wi = (5).weakref();
print("weak.int " + typeof wi + " " + wi + "\n");
local wf = (1.5).weakref();
print("weak.float " + typeof wf + "\n");
local wb = true.weakref();
print("weak.bool " + typeof wb + "\n");
local ws = "str".weakref();
print("weak.string " + typeof ws + " " + ws.ref() + "\n");
// a weakref in a container reads as the target
local keep = { v = 1 };
local holder = { w = keep.weakref() };
print("weak.in.table " + typeof holder.w + " " + holder.w.v + "\n");
local list = [keep.weakref()];
print("weak.in.array " + typeof list[0] + " " + list[0].v + "\n");
print("weak.rawget " + typeof holder.rawget("w") + "\n");
local viaForeach = "";
foreach (k, v in holder) viaForeach += k + ":" + typeof v;
print("weak.foreach " + viaForeach + "\n");
local viaArrayForeach = "";
foreach (v in list) viaArrayForeach += typeof v;
print("weak.array.foreach " + viaArrayForeach + "\n");
holder.w.v = 2;
print("weak.write.through " + keep.v + "\n");
print("weak.local.stays.weakref " + typeof w + "\n");
// the same weakref object is returned for the same target
local obj = {};
print("weak.same " + (obj.weakref() == obj.weakref()) + "\n");
// weakref of a weakref refers to the weakref
local ww = obj.weakref().weakref();
print("weak.of.weak " + typeof ww + " " + (ww.ref() == obj) + " " + typeof ww.ref() + "\n");
// weakref to a class instance, a function, a class, a generator
class C { x = 3; }
local inst = C();
print("weak.instance " + inst.weakref().ref().x + "\n");
local fn = function() { return "fn"; };
print("weak.function " + fn.weakref().ref()() + "\n");
print("weak.class " + (C.weakref().ref() == C) + "\n");
local gen = (function() { yield 1; })();
print("weak.generator " + typeof gen.weakref().ref() + "\n");
// equality between a weakref and its target is false (different objects)
print("weak.eq.target " + (w == t) + "\n");
// tostring of a weakref has its type
print("weak.tostring.prefix " + w.tostring().slice(0, 9) + "\n");
try { print("weak.ref.arg " + w.ref(1) + "\n"); } catch (e) print("weak.ref.arg ERR " + e + "\n");
try { print("weak.index " + w.name + "\n"); } catch (e) print("weak.index ERR " + e + "\n");
