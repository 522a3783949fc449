class Animal {
  name = null;
  sound = "...";
  static count = 0;
  constructor(n) { name = n; Animal.count; }
  function speak() { return name + " says " + sound; }
  function _tostring() { return "Animal(" + name + ")"; }
}
class Dog extends Animal {
  sound = "woof";
  constructor(n) { base.constructor(n + "!"); }
  function speak() { return "Dog: " + base.speak(); }
}
local d = Dog("rex");
print(d.speak() + "\n");
print(d + "\n");
print((d instanceof Dog) + " " + (d instanceof Animal) + "\n");
print(typeof d + " " + typeof Dog + "\n");
print(Dog.count + "\n");
foreach (k, v in Animal) print(k + " ");
print("\n");
foreach (k, v in Dog) print(k + " ");
print("\n");
class Shared { arr = []; tbl = {}; }
local a = Shared(), b = Shared();
a.arr.push(1); a.tbl.x <- 5;
print(b.arr.len() + " " + ("x" in b.tbl) + "\n");
class WithGet {
  _data = null;
  constructor() { _data = {foo = 1}; }
  function _get(k) { if (k in _data) return _data[k]; throw null; }
  function _set(k, v) { _data[k] <- v; }
}
local w = WithGet();
print(w.foo + "\n");
w.bar = 7;
print(w.bar + "\n");
try { print(w.nope); } catch (e) { print("E:" + e + "\n"); }
class V { x = 0; y = 0; constructor(a, b) { x = a; y = b; }
  function _add(o) { return V(x + o.x, y + o.y); }
  function _cmp(o) { return x - o.x; }
  function _typeof() { return "vec"; }
  function _tostring() { return "(" + x + "," + y + ")"; } }
local v = V(1, 2) + V(3, 4);
print(v + " " + typeof v + " " + (V(1,0) < V(2,0)) + "\n");
print(Dog.getbase() == Animal);
print("\n" + (d.getclass() == Dog) + "\n");
class S { static function make() { return S(); } function hi() { return "hi"; } }
print(S.make().hi() + "\n");
local inst = Animal("x");
try { Animal.newfield <- 1; } catch (e) { print(e + "\n"); }
Animal.method2 <- function() { return "m2 " + name; };
print(inst.method2() + "\n");
class A2 { constructor(...) { print("varargs " + vargv.len() + "\n"); } }
A2(1, 2, 3);
class C3 </ attr = "yes" /> { </ fattr = 1 /> f = 5; function g() {} }
print(C3.getattributes(null).attr + " " + C3.getattributes("f").fattr + "\n");
