// Classes: constructor, members, methods, static members, instance slots, strictness.
class Point {
	x = 0;
	y = 0;
	static ORIGIN_NAME = "origin";
	static count = [0];
	constructor(px, py) {
		x = px;
		y = py;
		count[0]++;
	}
	function len2() { return x * x + y * y; }
	function toString() { return "(" + x + "," + y + ")"; }
	function moveBy(dx, dy) { x += dx; this.y += dy; return this; }
}
local p = Point(3, 4);
print("cls.ctor " + p.x + " " + p.y + "\n");
print("cls.method " + p.len2() + " " + p.toString() + "\n");
print("cls.chain " + p.moveBy(1, 1).moveBy(1, 1).toString() + "\n");
print("cls.static " + Point.ORIGIN_NAME + " " + p.ORIGIN_NAME + "\n");
local q = Point(0, 0);
print("cls.static.shared " + Point.count[0] + " " + q.count[0] + "\n");
print("cls.typeof " + typeof p + " " + typeof Point + " " + type(p) + " " + type(Point) + "\n");
print("cls.instanceof " + (p instanceof Point) + "\n");
print("cls.getclass " + (p.getclass() == Point) + "\n");
try { p.z <- 1; } catch (e) print("cls.inst.newslot ERR " + e + "\n");
try { p.z = 1; } catch (e) print("cls.inst.set.missing ERR " + e + "\n");
try { print("cls.inst.get.missing " + p.z + "\n"); } catch (e) print("cls.inst.get.missing ERR " + e + "\n");
try { delete p.x; } catch (e) print("cls.inst.delete ERR " + e + "\n");
p.x = "now a string";
print("cls.inst.retype " + p.x + "\n");
try { p.ORIGIN_NAME = "changed"; print("cls.static.set.via.instance " + Point.ORIGIN_NAME + "\n"); } catch (e) print("cls.static.set.via.instance ERR " + e + "\n");
// a class with no constructor
class Bag { items = null; function size() { return items == null ? 0 : items.len(); } }
local b = Bag();
print("cls.noctor " + b.size() + "\n");
try { Bag(1); print("cls.noctor.args ok\n"); } catch (e) print("cls.noctor.args ERR " + e + "\n");
try { Point(1); } catch (e) print("cls.ctor.arity ERR " + e + "\n");
// class-level changes before any instance
class Late { a = 1; }
Late.bb <- 2;
Late.hello <- function() { return "hi " + a + bb; };
local l = Late();
print("cls.late.members " + l.a + " " + l.bb + " " + l.hello() + "\n");
try { Late.c <- 3; } catch (e) print("cls.locked.newslot ERR " + e + "\n");
try { Late.more <- function() { return 1; }; print("cls.locked.method.add ok " + l.more() + "\n"); } catch (e) print("cls.locked.method.add ERR " + e + "\n");
try { Late.a = 10; print("cls.locked.set.default " + Late().a + " " + l.a + "\n"); } catch (e) print("cls.locked.set.default ERR " + e + "\n");
try { Late.a <- 11; print("cls.locked.newslot.existing " + Late().a + "\n"); } catch (e) print("cls.locked.newslot.existing ERR " + e + "\n");
try { Late.s2 <- 1; } catch (e) print("cls.locked.static.newslot ERR " + e + "\n");
try { print("cls.class.get.missing " + Late.nothing + "\n"); } catch (e) print("cls.class.get.missing ERR " + e + "\n");
try { class Dup { a = 1; a = 2; } print("cls.duplicate.member " + Dup().a + "\n"); } catch (e) print("cls.duplicate.member ERR " + e + "\n");
try { local D2 = class { }; D2.x <- 1; D2.x <- 2; print("cls.newslot.twice " + D2.x + "\n"); } catch (e) print("cls.newslot.twice ERR " + e + "\n");
// class members read through the class are the default values
print("cls.class.member.default " + Point.x + " " + typeof Point.len2 + "\n");
// constructor returning a value is ignored
class Ret { v = 1; constructor() { v = 2; return 99; } }
print("cls.ctor.return " + Ret().v + "\n");
// calling a method through the class with an explicit this
print("cls.method.call " + Point.len2.call({ x = 2, y = 3 }) + "\n");
// instances compare by identity
local p2 = Point(1, 1), p3 = Point(1, 1);
print("cls.identity " + (p2 == p3) + " " + (p2 == p2) + "\n");
// p2 < p3 without _cmp compares addresses: only self-comparison is probed.
print("cls.compare.self " + (p2 <=> p2) + " " + (p2 <= p2) + " " + (p2 < p2) + "\n");
// foreach over an instance is an error without _nexti; over a class iterates members
try { foreach (k, v in p2) print(k); } catch (e) print("cls.foreach.instance ERR " + e + "\n");
local names = [];
foreach (k, v in Point) names.push(k);
names.sort();
local ns = "";
foreach (n in names) ns += n + " ";
print("cls.foreach.class " + ns + "\n");
print("cls.rawin " + Point.rawin("x") + " " + p.rawin("x") + " " + p.rawin("len2") + " " + p.rawin("nope") + "\n");
print("cls.rawget " + Point.rawget("ORIGIN_NAME") + " " + p2.rawget("x") + "\n");
p2.rawset("x", 50);
print("cls.rawset " + p2.x + "\n");
try { p2.rawset("zz", 1); } catch (e) print("cls.rawset.missing ERR " + e + "\n");
try { delete Point.x; } catch (e) print("cls.class.delete ERR " + e + "\n");
try { local c2 = clone Point; } catch (e) print("cls.class.clone ERR " + e + "\n");
local pc = clone p2;
pc.x = 77;
print("cls.instance.clone " + p2.x + " " + pc.x + " " + (pc instanceof Point) + "\n");
print("cls.instance.default.methods " + typeof p2.weakref() + " " + (p2.tostring().slice(0, 9)) + "\n");
print("cls.instance.dynamic.key " + p2["y"] + " " + ("y" in p2) + " " + ("len2" in p2) + "\n");
local keyName = "x";
p2[keyName] = 5;
print("cls.instance.dynamic.set " + p2.x + "\n");
