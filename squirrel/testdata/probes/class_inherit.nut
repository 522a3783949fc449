// Inheritance: extends, base calls, overriding, instanceof, inherited members and statics.
class Animal {
	name = null;
	sound = "...";
	static kingdom = "animalia";
	constructor(n) { name = n; }
	function speak() { return name + " says " + sound; }
	function kind() { return "animal"; }
	function describe() { return kind() + ":" + name; }
}
class Dog extends Animal {
	sound = "woof";
	tricks = null;
	constructor(n, t) { base.constructor(n); tricks = t; }
	function kind() { return "dog"; }
	function speak() { return base.speak() + "!"; }
}
class Puppy extends Dog {
	constructor(n) { base.constructor(n, 0); }
	function kind() { return "puppy(" + base.kind() + ")"; }
}
local a = Animal("generic"), d = Dog("rex", 3), p = Puppy("bit");
print("inh.speak " + a.speak() + " | " + d.speak() + " | " + p.speak() + "\n");
print("inh.override.virtual " + a.describe() + " | " + d.describe() + " | " + p.describe() + "\n");
print("inh.member.default " + d.sound + " " + p.sound + " " + p.tricks + "\n");
print("inh.static " + Dog.kingdom + " " + p.kingdom + "\n");
print("inh.instanceof " + (p instanceof Puppy) + " " + (p instanceof Dog) + " " + (p instanceof Animal) + " " + (a instanceof Dog) + "\n");
print("inh.getbase " + (Puppy.getbase() == Dog) + " " + (Dog.getbase() == Animal) + " " + (Animal.getbase() == null) + "\n");
print("inh.getclass " + (p.getclass() == Puppy) + "\n");
// no constructor in the subclass: the base constructor is used
class Cat extends Animal { sound = "meow"; }
local c = Cat("tom");
print("inh.inherited.ctor " + c.speak() + "\n");
try { Cat(); } catch (e) print("inh.inherited.ctor.arity ERR " + e + "\n");
// base inside a method that the subclass did not override
class Base2 { function who() { return "Base2"; } function call() { return who(); } }
class Derived2 extends Base2 { function who() { return "Derived2"; } }
print("inh.dynamic.dispatch " + Derived2().call() + "\n");
// instanceof errors
try { print("inh.instanceof.bad " + (p instanceof "Dog") + "\n"); } catch (e) print("inh.instanceof.bad ERR " + e + "\n");
try { print("inh.instanceof.inst " + (p instanceof p) + "\n"); } catch (e) print("inh.instanceof.inst ERR " + e + "\n");
print("inh.instanceof.nonobj " + (5 instanceof Dog) + " " + ({} instanceof Dog) + " " + (null instanceof Dog) + "\n");
try { class Bad extends 5 {} } catch (e) print("inh.extends.int ERR " + e + "\n");
try { local notclass = {}; class Bad2 extends notclass {} } catch (e) print("inh.extends.table ERR " + e + "\n");
// modifying the base after a subclass exists does not change the subclass
class P1 { v = 1; }
class C1 extends P1 { }
P1.w <- 2;
try { print("inh.base.added.later " + C1().w + "\n"); } catch (e) print("inh.base.added.later ERR " + e + "\n");
print("inh.base.sees.new " + P1().w + "\n");
// overriding a field with a method and a method with a field
class F1 { x = 1; function m() { return "method"; } }
class F2 extends F1 { function x() { return "now method"; } m = "now field"; }
local f2 = F2();
print("inh.swap.kinds " + f2.x() + " " + f2.m + "\n");
// statics are shared through the chain, but a subclass can redefine them
class S1 { static tag = "s1"; static list = []; }
class S2 extends S1 { static tag = "s2"; }
S2.list.push(1);
print("inh.static.redefine " + S1.tag + " " + S2.tag + " " + S1.list.len() + "\n");
// base is null in a class without a parent
class Root { function b() { return base; } }
print("inh.base.none " + (Root().b() == null) + "\n");
// base in a plain function
local fn = function() { return base; };
print("inh.base.plainfunc " + (fn() == null) + "\n");
// calling base methods of a grandparent directly
class G { function hi() { return "G.hi"; } }
class M extends G { function hi() { return "M.hi"; } }
class L extends M { function hi() { return "L.hi>" + base.hi() + ">" + G.hi(); } }
print("inh.grandparent " + L().hi() + "\n");
