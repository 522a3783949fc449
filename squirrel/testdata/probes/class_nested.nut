// Nested classes: class A.B declarations, classes stored in tables and class slots, and
// classes as values (X = class { }).
Lib <- {};
class Lib.Parser {
	function parse(s) { return "parsed:" + s; }
}
class Lib.Sub extends Lib.Parser {
	function parse(s) { return "sub>" + base.parse(s); }
}
print("nest.table.class " + Lib.Parser().parse("x") + " " + Lib.Sub().parse("y") + "\n");
class Outer {
	static VERSION = "1.0";
	function make() { return Outer.Inner(); }
}
class Outer.Inner {
	function hi() { return "inner of " + Outer.VERSION; }
}
print("nest.class.in.class " + Outer.Inner().hi() + " " + Outer().make().hi() + "\n");
try { class Outer.Inner { } print("nest.redefine ok\n"); } catch (e) print("nest.redefine ERR " + e + "\n");
local o = Outer();
try { class Outer.Late { } print("nest.after.instance ok " + typeof Outer.Late + "\n"); } catch (e) print("nest.after.instance ERR " + e + "\n");
local Anon = class { v = 7; };
print("nest.anon.local " + Anon().v + "\n");
Holder <- { Kind = class { function k() { return "k"; } } };
print("nest.table.value " + Holder.Kind().k() + "\n");
local inst = Holder.Kind();
print("nest.instanceof " + (inst instanceof Holder.Kind) + "\n");
// a class declared with a dotted name in a local table
local ns = { };
try { class ns.Thing { } print("nest.local.table ok " + typeof ns.Thing + "\n"); } catch (e) print("nest.local.table ERR " + e + "\n");
// the declaration creates a root slot with <- semantics (redeclaring replaces)
class Twice { function v() { return 1; } }
class Twice { function v() { return 2; } }
print("nest.redeclare.root " + Twice().v() + "\n");
// class expressions in arrays and returned from functions
function classFactory(tag) {
	return class { function tag() { return tag; } };
}
local Made = classFactory("captured");
print("nest.factory " + Made().tag() + "\n");
local classes = [class { function n() { return 0; } }, class { function n() { return 1; } }];
print("nest.array.of.classes " + classes[0]().n() + classes[1]().n() + "\n");
// a class inside a function body must be local or dotted
function makeLocalClass() {
	local C = class { x = 5 };
	return C().x;
}
print("nest.in.function " + makeLocalClass() + "\n");
// deeply dotted
A <- { B = { } };
class A.B.C { function name() { return "A.B.C"; } }
print("nest.deep " + A.B.C().name() + "\n");
