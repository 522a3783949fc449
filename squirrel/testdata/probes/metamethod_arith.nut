// Arithmetic metamethods _add _sub _mul _div _modulo _unm on instances and delegated tables.
class Vec {
	x = 0; y = 0;
	constructor(a, b) { x = a; y = b; }
	function _add(o) { return Vec(x + o.x, y + o.y); }
	function _sub(o) { return Vec(x - o.x, y - o.y); }
	function _mul(k) { return typeof k == "instance" ? x * k.x + y * k.y : Vec(x * k, y * k); }
	function _div(k) { return Vec(x / k, y / k); }
	function _modulo(k) { return Vec(x % k, y % k); }
	function _unm() { return Vec(-x, -y); }
	function _tostring() { return "Vec(" + x + "," + y + ")"; }
}
local a = Vec(1, 2), b = Vec(10, 20);
print("mm.add " + (a + b) + "\n");
print("mm.sub " + (b - a) + "\n");
print("mm.mul.scalar " + (a * 3) + "\n");
print("mm.mul.dot " + (a * b) + "\n");
print("mm.div " + (b / 3) + "\n");
print("mm.mod " + (b % 7) + "\n");
print("mm.unm " + (-a) + "\n");
local c = a;
c += b;
print("mm.pluseq " + c + " a.unchanged=" + a + "\n");
c -= a;
print("mm.minuseq " + c + "\n");
c *= 2;
print("mm.muleq " + c + "\n");
// the instance must be on the left: scalar * instance has no metamethod
try { print("mm.scalar.left " + (3 * a) + "\n"); } catch (e) print("mm.scalar.left ERR " + e + "\n");
try { print("mm.string.left " + ("v=" + a) + "\n"); } catch (e) print("mm.string.left ERR " + e + "\n");
try { print("mm.missing.bitwise " + (a & b) + "\n"); } catch (e) print("mm.missing.bitwise ERR " + e + "\n");
class NoOps { }
try { print("mm.none.add " + (NoOps() + 1) + "\n"); } catch (e) print("mm.none.add ERR " + e + "\n");
try { print("mm.none.unm " + (-NoOps()) + "\n"); } catch (e) print("mm.none.unm ERR " + e + "\n");
// on tables, metamethods live in the delegate
local money = { cents = 150 };
money.setdelegate({
	_add = function(o) { return { cents = cents + o.cents }.setdelegate(getdelegate()); }
	_tostring = function() { return format("$%d.%02d", cents / 100, cents % 100); }
	_unm = function() { return "negated"; }
});
local sum = money + { cents = 275 };
print("mm.table.add " + sum + " " + sum.cents + "\n");
print("mm.table.unm " + (-money) + "\n");
try { print("mm.table.sub " + (money - money) + "\n"); } catch (e) print("mm.table.sub ERR " + e + "\n");
// in a class, metamethods are stored apart from the members: they cannot be called by name
try { print("mm.direct.call " + a._add(b) + "\n"); } catch (e) print("mm.direct.call ERR " + e + "\n");
print("mm.direct.in " + ("_add" in a) + " " + ("_add" in Vec) + "\n");
// in a delegate table they are ordinary slots
print("mm.table.direct " + money.getdelegate()._unm() + "\n");
// a metamethod returning a non-instance
class Weird { function _add(o) { return "weird+" + o; } function _sub(o) { return null; } }
print("mm.returns.string " + (Weird() + 5) + "\n");
print("mm.returns.null " + (Weird() - 5) + "\n");
// errors inside a metamethod propagate
class Thrower { function _add(o) { throw "cannot add " + o; } }
try { Thrower() + 1; } catch (e) print("mm.throws ERR " + e + "\n");
// modulo with a metamethod through the % operator
class Mod { function _modulo(o) { return "mod " + o; } }
print("mm.modulo " + (Mod() % 3) + "\n");
// _add receives exactly one argument
class Arity { function _add() { return "no-arg"; } }
try { print("mm.arity " + (Arity() + 1) + "\n"); } catch (e) print("mm.arity ERR " + e + "\n");
