// typeof and type() for every kind of value, and the tostring forms that contain no address.
class K { }
local gen = (function() { yield 1; })();
local values = [
	["null", null], ["integer", 1], ["float", 1.0], ["bool", true], ["string", "s"],
	["table", {}], ["array", []], ["closure", function() {}], ["native", print],
	["class", K], ["instance", K()], ["generator", gen], 
	["regexp", regexp("a")]
];
local keep = {};
local wr = keep.weakref();
print("typeof.weakref.local " + typeof wr + " " + type(wr) + "\n");
foreach (pair in values) {
	local v = pair[1];
	print("typeof." + pair[0] + " " + typeof v + " " + type(v) + "\n");
}
print("typeof.precedence " + typeof 1 + 2 + "\n");
print("typeof.expr " + typeof (1 + 2.0) + "\n");
print("typeof.typeof " + typeof typeof 1 + "\n");
print("typeof.thread " + typeof newthread(function() {}) + "\n");
print("typeof.root " + typeof getroottable() + "\n");
print("typeof.vargv " + (function(...) { return typeof vargv; })() + "\n");
print("typeof.this.root " + typeof this + "\n");
print("typeof.char " + typeof 'c' + "\n");
print("typeof.call.result " + typeof print("") + "\n");
// tostring of scalars
print("tostring.null " + null + "\n");
print("tostring.bool " + true + " " + false + "\n");
print("tostring.int " + (-0) + " " + 007 + "\n");
print("tostring.explicit " + (12).tostring() + (1.5).tostring() + true.tostring() + "x".tostring() + "\n");
try { print("tostring.null.method " + null.tostring() + "\n"); } catch (e) print("tostring.null.method ERR " + e + "\n");
// type() takes exactly one argument
try { type(); } catch (e) print("type.noargs ERR " + e + "\n");
try { type(1, 2); } catch (e) print("type.twoargs ERR " + e + "\n");
// typeof of the metamethod result is used directly
class T { function _typeof() { return "Custom"; } }
print("typeof.meta " + typeof T() + " " + type(T()) + "\n");
