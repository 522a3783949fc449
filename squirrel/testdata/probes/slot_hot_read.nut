// o.name reads in hot code (a function called from a loop) on values of
// every type: fields, methods, statics, delegate methods, _get, missing
// slots, and names JavaScript objects and functions have of their own.
class A {
	x = 1; nothing = null;
	static S = "static";
	function m() { return "m"; }
}
class G {
	function _get(k) { if (k == "magic") return 42; throw null; }
}
function f() { return 1; }
local parent = { inherited = "from parent" };
local withDeleg = { own = "own" };
withDeleg.setdelegate(parent);
function show(label, o, which) {
	local r;
	try {
		switch (which) {
			case 0: r = o.x; break;
			case 1: r = o.nothing; break;
			case 2: r = o.S; break;
			case 3: r = typeof o.m; break;
			case 4: r = typeof o.len; break;
			case 5: r = o.magic; break;
			case 6: r = o.missing; break;
			case 7: r = typeof o.call; break;
			case 8: r = o.length; break;
			case 9: r = o.prototype; break;
			case 10: r = o.inherited; break;
			case 11: r = o.own; break;
			case 12: r = typeof o.tointeger; break;
			case 13: r = o.name; break;
			case 14: r = typeof o.ref; break;
		}
		print(label + "." + which + " " + r + "\n");
	} catch (e) print(label + "." + which + " ERR " + e + "\n");
}
local vals = [A(), A, G(), f, "str", [1, 2], { x = "tx" }, withDeleg, 1.5, 7, null, true];
local names = ["inst", "class", "getinst", "func", "string", "array", "table", "deleg", "float", "int", "null", "bool"];
for (local i = 0; i < vals.len(); i++)
	for (local w = 0; w <= 14; w++) show("hotread." + names[i], vals[i], w);
