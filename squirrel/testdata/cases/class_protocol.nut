// Class details: statics, methods added after instantiation, metamethods
// added later, constructor replacement, nested class names, inherited
// _inherited/_newmember hooks.
class Base {
	static created = [];
	id = 0;
	constructor(i) { id = i; created.push(i); }
	function describe() { return "Base#" + id; }
	function _inherited(attrs) { ::inheritLog <- (attrs == null ? "none" : attrs.tag); }
}
class Derived extends Base </ tag = "d" /> {
	extra = "x";
	constructor(i) { base.constructor(i * 10); }
	function describe() { return "Derived(" + base.describe() + ")"; }
}
print("cls.inherited.hook " + inheritLog + "\n");
local d = Derived(2);
print("cls.describe " + d.describe() + " " + Base.created.len() + " " + Derived.created[0] + "\n");
Derived.later <- function() { return "later " + id; };
print("cls.method.after.instance " + d.later() + "\n");
Derived._tostring <- function() { return "<D " + id + ">"; };
print("cls.metamethod.after " + d + "\n");
try { Derived.newfield <- 1; } catch (e) print("cls.field.after ERR " + e + "\n");
local nest = {};
nest.Inner <- class { v = 3; function get() { return v; } };
class nest.Inner2 extends nest.Inner { function get() { return base.get() * 2; } }
print("cls.nested " + nest.Inner().get() + " " + nest.Inner2().get() + "\n");
class Counted {
	function _newmember(k, v, a, s) { ::memberLog <- (::memberLog + k + (s ? "(s)" : "") + " "); rawnewmember(k, v, a, s); }
}
memberLog <- "";
class Sub extends Counted { a = 1; static b = 2; function c() {} }
print("cls.newmember.hook " + memberLog + "\n");
print("cls.members " + Sub().a + " " + Sub.b + "\n");
local inst = Base(7);
print("cls.instance.default " + inst.getclass().created.len() + " " + inst.rawin("id") + " " + inst.rawget("id") + "\n");
foreach (k, v in Derived) print("cls.iter " + k + " " + typeof v + "\n");
