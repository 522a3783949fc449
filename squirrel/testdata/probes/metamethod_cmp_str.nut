// _cmp (used by < <= > >= <=> and sort, not by ==), _tostring, _typeof.
class Ver {
	major = 0; minor = 0;
	constructor(a, b) { major = a; minor = b; }
	function _cmp(o) {
		if (major != o.major) return major < o.major ? -1 : 1;
		if (minor != o.minor) return minor < o.minor ? -1 : 1;
		return 0;
	}
	function _tostring() { return major + "." + minor; }
	function _typeof() { return "Version"; }
}
local v1 = Ver(1, 2), v2 = Ver(1, 10), v3 = Ver(1, 2);
print("cmp.lt " + (v1 < v2) + " " + (v2 < v1) + "\n");
print("cmp.le.ge " + (v1 <= v3) + " " + (v1 >= v3) + " " + (v2 >= v1) + "\n");
print("cmp.3way " + (v1 <=> v2) + " " + (v2 <=> v1) + " " + (v1 <=> v3) + "\n");
print("cmp.eq.identity " + (v1 == v3) + " " + (v1 != v3) + "\n");
local list = [Ver(2, 0), Ver(1, 5), Ver(1, 0), Ver(3, 1), Ver(1, 5)];
list.sort();
local ls = "";
foreach (v in list) ls += v + " ";
print("cmp.sort " + ls + "\n");
try { print("cmp.with.int " + (v1 < 5) + "\n"); } catch (e) print("cmp.with.int ERR " + e + "\n");
class BadCmp { function _cmp(o) { return "x"; } }
try { print("cmp.nonint " + (BadCmp() < BadCmp()) + "\n"); } catch (e) print("cmp.nonint ERR " + e + "\n");
class FloatCmp { function _cmp(o) { return 0.5; } }
try { print("cmp.float " + (FloatCmp() < FloatCmp()) + "\n"); } catch (e) print("cmp.float ERR " + e + "\n");
class BigCmp { function _cmp(o) { return 1000; } }
print("cmp.big " + (BigCmp() > BigCmp()) + " " + (BigCmp() <=> BigCmp()) + "\n");
print("tostring.concat " + v1 + " " + ("v" + v2) + "\n");
print("tostring.method " + v1.tostring() + "\n");
print("tostring.print ");
print(v3);
print("\n");
print("typeof.meta " + typeof v1 + " " + type(v1) + "\n");
print("typeof.class " + typeof Ver + "\n");
class NonStr { function _tostring() { return 42; } }
local ns = NonStr();
local nsText = ns.tostring();
print("tostring.nonstring " + nsText.slice(0, 10) + "\n");
class ThrowStr { function _tostring() { throw "no text"; } }
try { print("tostring.throws " + ThrowStr() + "\n"); } catch (e) print("tostring.throws ERR " + e + "\n");
class TypeofInt { function _typeof() { return 7; } }
print("typeof.nonstring " + typeof TypeofInt() + " " + typeof (typeof TypeofInt()) + "\n");
// tables with delegates
local t = { n = 3 }.setdelegate({
	_tostring = function() { return "T" + n; }
	_typeof = function() { return "tee"; }
	_cmp = function(o) { return n <=> o.n; }
});
local u = { n = 5 }.setdelegate(t.getdelegate());
print("table.meta " + t + " " + typeof t + " " + (t < u) + " " + (u <=> t) + "\n");
print("table.meta.type " + type(t) + "\n");
// _typeof is used by library code to name classes
class JSONEncoderish { function _typeof() { return "JSONEncoder"; } }
print("typeof.lib " + (typeof JSONEncoderish() == "JSONEncoder") + "\n");
// _tostring on a base class is inherited
class Base { function _tostring() { return "Base:" + name(); } function name() { return "base"; } }
class Derived extends Base { function name() { return "derived"; } }
print("tostring.inherited " + Derived() + "\n");
