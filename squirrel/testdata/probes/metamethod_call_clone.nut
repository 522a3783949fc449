// _call, _cloned, _nexti, _inherited, _newmember.
class Functor {
	factor = 1;
	constructor(f) { factor = f; }
	function _call(thisArg, x) { return x * factor; }
}
local triple = Functor(3);
print("call.functor " + triple(7) + "\n");
try { triple(); } catch (e) print("call.functor.arity ERR " + e + "\n");
local callable = {}.setdelegate({ _call = function(thisArg, a, b) { return "called " + a + b; } });
print("call.table " + callable(1, 2) + "\n");
try { print("call.map " + [1, 2].map(triple)[1] + "\n"); } catch (e) print("call.map ERR " + e + "\n");
try { local notcallable = {}; notcallable(); } catch (e) print("call.notcallable ERR " + e + "\n");
try { local n = null; n(); } catch (e) print("call.null ERR " + e + "\n");
try { local s = "str"; s(); } catch (e) print("call.string ERR " + e + "\n");
try { local i = 5; i(1); } catch (e) print("call.int ERR " + e + "\n");
try { local a = []; a(); } catch (e) print("call.array ERR " + e + "\n");
// _cloned runs on the new copy with the original as argument
class Doc {
	title = null; tags = null; copies = 0;
	constructor(t) { title = t; tags = []; }
	function _cloned(orig) { tags = clone orig.tags; title = orig.title + " (copy)"; orig.copies++; }
}
local d = Doc("report");
d.tags.push("a");
local d2 = clone d;
d2.tags.push("b");
print("cloned " + d2.title + " " + d.tags.len() + " " + d2.tags.len() + " " + d.copies + "\n");
local tc = { v = 1 }.setdelegate({ _cloned = function(orig) { v = orig.v + 100; } });
print("cloned.table " + (clone tc).v + "\n");
try { local c = clone 5; } catch (e) print("clone.int ERR " + e + "\n");
try { local c = clone "s"; } catch (e) print("clone.string ERR " + e + "\n");
try { local c = clone null; } catch (e) print("clone.null ERR " + e + "\n");
local cf = function() {};
try { local c = clone cf; } catch (e) print("clone.function ERR " + e + "\n");
// _nexti makes instances iterable
class Range {
	lo = 0; hi = 0;
	constructor(a, b) { lo = a; hi = b; }
	function _nexti(prev) {
		if (prev == null) return lo < hi ? lo : null;
		return prev + 1 < hi ? prev + 1 : null;
	}
	function _get(i) { if (typeof i == "integer") return i * i; throw null; }
}
local out = "";
foreach (k, v in Range(2, 6)) out += k + "=" + v + " ";
print("nexti " + out + "\n");
local none = "";
foreach (k in Range(3, 3)) none += k;
print("nexti.empty [" + none + "]\n");
class BadNext { function _nexti(p) { return p == null ? "nokey" : null; } }
try { foreach (k, v in BadNext()) print(k); } catch (e) print("nexti.badkey ERR " + e + "\n");
// _inherited is called on the parent when a subclass is declared
class Registry {
	static subclasses = [];
	function _inherited(attrs) { subclasses.push(attrs == null ? "no-attrs" : attrs.id); }
}
class A extends Registry { }
class B extends Registry </ id = "B" /> { }
class C extends A { }
local subs = "";
foreach (s in Registry.subclasses) subs += s + " ";
print("inherited " + subs + "\n");
// _newmember intercepts member declarations
class Tracked {
	static declared = [];
	function _newmember(key, value, attrs, isstatic) {
		declared.push(key + (isstatic ? "(static)" : ""));
		rawnewmember(key, value, attrs, isstatic);
	}
}
class T2 extends Tracked {
	x = 1;
	static y = 2;
	function m() { return x + y; }
}
local dec = "";
foreach (k in Tracked.declared) dec += k + " ";
print("newmember " + dec + " value=" + T2().m() + "\n");
