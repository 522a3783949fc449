// Natives called with optional arguments omitted or given, with too many or
// too few, and names that are special in JavaScript (undefined, prototype,
// constructor, length) used as Squirrel locals, globals, slots and fields.
function show(label, f) {
	local r = f.pcall(this);
	print(label + " " + r + "\n");
}
function err(label, f) {
	try { local r = f(); print(label + " " + r + "\n"); } catch (e) print(label + " ERR " + e + "\n");
}
show("nat.find.one", function() { return "abcb".find("b"); });
show("nat.find.two", function() { return "abcb".find("b", 2); });
err("nat.find.bad", function() { return "abcb".find("b", "x"); });
err("nat.find.none", function() { return "abcb".find(); });
err("nat.find.many", function() { return "abcb".find("b", 1, 2); });
show("nat.slice.one", function() { return "abcdef".slice(2); });
show("nat.slice.two", function() { return "abcdef".slice(1, 3); });
show("nat.array.one", function() { local a = array(3); return a.len() + " " + a[2]; });
show("nat.array.two", function() { local a = array(3, 7); return a.len() + " " + a[0]; });
err("nat.array.none", function() { return array(); });
show("nat.push.ret", function() { local a = []; return typeof a.push(1); });
show("nat.clear.ret", function() { local t = { a = 1 }; return typeof t.clear(); });
show("nat.split", function() { return split("a,b,,c", ",").len(); });
err("nat.split.one", function() { return split("a,b"); });
show("nat.tofloat", function() { return "2.5".tofloat(); });
show("nat.tointeger", function() { return "12".tointeger(); });
show("nat.type.null", function() { return type(null); });
local undefined = 5;
print("js.local.undefined " + undefined + "\n");
::prototype <- 6;
print("js.global.prototype " + ::prototype + "\n");
local t = { undefined = 1, name = 2, length = 3, prototype = 4 };
print("js.slot.undefined " + t.undefined + " " + t.name + " " + t.length + " " + t.prototype + "\n");
print("js.slot.in " + ("undefined" in t) + " " + ("valueOf" in t) + " " + ("toString" in t) + "\n");
err("js.slot.missing", function() { return {}.valueOf; });
class K { undefined = 7; length = 8; function prototype() { return undefined + length; } }
local k = K();
print("js.field " + k.undefined + " " + k.length + " " + k.prototype() + "\n");
err("js.string.length", function() { return "abc".length; });
err("js.func.name", function() { return show.name; });
