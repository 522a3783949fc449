// Member initialisers are evaluated once, when the class is created: a table or array
// initialiser is shared by every instance (trap 8); constructors must create fresh ones.
class Shared {
	items = [];
	opts = {};
	count = 0;
	function add(x) { items.push(x); opts[x] <- true; count++; }
}
local a = Shared(), b = Shared();
a.add("from-a");
b.add("from-b");
print("shared.array " + a.items.len() + " " + b.items.len() + " " + (a.items == b.items) + "\n");
print("shared.table " + a.opts.len() + " " + ("from-a" in b.opts) + "\n");
print("shared.int.not " + a.count + " " + b.count + "\n");
print("shared.class.default " + Shared.items.len() + "\n");
class Fresh {
	items = null;
	constructor() { items = []; }
	function add(x) { items.push(x); }
}
local c = Fresh(), d = Fresh();
c.add(1);
print("fresh.array " + c.items.len() + " " + d.items.len() + "\n");
// the initialiser expression runs once
local evaluations = 0;
function makeDefault() { evaluations++; return { made = evaluations }; }
class Once { v = makeDefault(); }
local o1 = Once(), o2 = Once();
print("once.evaluations " + evaluations + " " + o1.v.made + " " + (o1.v == o2.v) + "\n");
// replacing the slot on one instance does not affect the others
a.items = ["own"];
print("shared.replaced " + a.items.len() + " " + b.items.len() + "\n");
// subclass instances share the parent's initialiser objects too
class Sub extends Shared { }
local s = Sub();
print("shared.subclass " + s.items.len() + " " + (s.items == b.items) + "\n");
// clone copies the slot reference, not the array
local cl = clone c;
cl.add(2);
print("clone.instance.shallow " + c.items.len() + " " + (cl.items == c.items) + "\n");
// static tables are one object as well
class WithStatic { static registry = {}; function reg(k) { registry[k] <- 1; return registry.len(); } }
WithStatic().reg("a");
print("static.registry " + WithStatic().reg("b") + " " + WithStatic.registry.len() + "\n");
// default parameter values behave the same way: evaluated once when the closure is made
local calls = 0;
function dflt() { calls++; return []; }
local appender = function(x, acc = dflt()) { acc.push(x); return acc.len(); };
print("default.param.shared " + appender(1) + " " + appender(2) + " " + appender(3, []) + " " + appender(4) + " calls=" + calls + "\n");
