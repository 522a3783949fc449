// bindenv(obj) returns a new closure whose this is always obj (plain calls, method calls,
// call()). The bound objects here stay referenced: desktop 3.0.4 holds the environment weakly,
// the imp strongly, so an environment nobody else holds is not probed.
whoami <- "root";
local objA = { whoami = "A" };
local objB = { whoami = "B" };
local f = function() { return whoami; };
local bound = f.bindenv(objA);
print("bind.plain " + f() + " " + bound() + "\n");
objB.m <- bound;
print("bind.as.method " + objB.m() + "\n");
print("bind.call.ignores.this " + bound.call(objB) + "\n");
print("bind.new.closure " + (bound != f) + " " + typeof bound + "\n");
local rebound = bound.bindenv(objB);
print("bind.rebind " + rebound() + " " + bound() + "\n");
// the bound closure shares captured variables with the original
local n = 0;
local inc = function() { n++; return whoami + n; };
local incA = inc.bindenv(objA);
inc(); incA();
print("bind.shares.outers " + n + " " + incA() + "\n");
// binding class instances: the common imp pattern for callbacks
class Sensor {
	name = null; readings = null;
	constructor(n) { name = n; readings = []; }
	function onData(v) { readings.push(v); return name + ":" + readings.len(); }
	function subscribe(registry) { registry.push(onData.bindenv(this)); }
	function subscribeUnbound(registry) { registry.push(onData); }
}
local registry = [];
local s1 = Sensor("s1"), s2 = Sensor("s2");
s1.subscribe(registry);
s2.subscribe(registry);
local out = "";
foreach (cb in registry) out += cb(1) + " ";
print("bind.instances " + out + "\n");
local unbound = [];
s1.subscribeUnbound(unbound);
try { print("bind.unbound " + unbound[0](1) + "\n"); } catch (e) print("bind.unbound ERR " + e + "\n");
// bind to a table and read/write its slots by bare name
local state = { count = 0 };
local tick = function() { count++; return count; }.bindenv(state);
tick(); tick();
print("bind.write.slot " + state.count + "\n");
// binding to an array or a class
local arr = [1, 2, 3];
try { local lenOfThis = function() { return this.len(); }.bindenv(arr); print("bind.array " + lenOfThis() + "\n"); } catch (e) print("bind.array ERR " + e + "\n");
local K = class { static tag = "K"; };
local tagOf = function() { return tag; }.bindenv(K);
print("bind.class " + tagOf() + "\n");
try { f.bindenv(5); } catch (e) print("bind.int ERR " + e + "\n");
try { f.bindenv("s"); } catch (e) print("bind.string ERR " + e + "\n");
try { f.bindenv(null); } catch (e) print("bind.null ERR " + e + "\n");
try { f.bindenv(); } catch (e) print("bind.noarg ERR " + e + "\n");
// natives can be bound too
local nativeBound = print.bindenv(objA);
nativeBound("bind.native ok\n");
// bindenv inside a loop keeps each object
local objs = [{ id = 1 }, { id = 2 }, { id = 3 }];
local getters = objs.map(@(o) (function() { return id; }).bindenv(o));
print("bind.loop " + getters[0]() + getters[1]() + getters[2]() + "\n");
