// _get, _set, _newslot, _delslot on instances and tables; throwing null from _get means
// "not found"; _get is consulted only for missing slots.
class Proxy {
	store = null;
	log = null;
	constructor() { store = {}; log = []; }
	function _get(k) {
		log.push("get:" + k);
		if (k in store) return store[k];
		if (k == "magic") return 42;
		throw null;
	}
	function _set(k, v) { log.push("set:" + k); store[k] <- v; }
	function _newslot(k, v) { log.push("newslot:" + k); store[k] <- v * 2; }
	function _delslot(k) { log.push("del:" + k); delete store[k]; }
}
local p = Proxy();
print("slots.get.magic " + p.magic + "\n");
p.foo = 5;
print("slots.set.then.get " + p.foo + "\n");
p.bar <- 10;
print("slots.newslot " + p.bar + "\n");
delete p.foo;
print("slots.delete " + ("foo" in p.store) + "\n");
try { print("slots.get.missing " + p.nothere + "\n"); } catch (e) print("slots.get.missing ERR " + e + "\n");
print("slots.real.member " + p.store.len() + "\n");
p.log.push("end");
local ls = "";
foreach (x in p.log) ls += x + " ";
print("slots.log " + ls + "\n");
print("slots.in.ignores.get " + ("magic" in p) + "\n");
try { print("slots.rawget.ignores " + p.rawget("magic") + "\n"); } catch (e) print("slots.rawget.ignores ERR " + e + "\n");
// _get throwing a real error
class Strict { function _get(k) { throw "no field " + k; } }
try { print("slots.get.throws " + Strict().x + "\n"); } catch (e) print("slots.get.throws ERR " + e + "\n");
// _get returning null is a value, not a miss
class NullGet { function _get(k) { return null; } }
print("slots.get.null " + (NullGet().anything == null) + "\n");
// _get is also used for method calls on missing names
class Dynamic { function _get(k) { return function(...) { return k + "(" + vargv.len() + ")"; }; } }
print("slots.get.method " + Dynamic().doThing(1, 2) + "\n");
// _set only for missing slots: existing members are assigned directly
class Setter { x = 0; seen = null; constructor() { seen = []; } function _set(k, v) { seen.push(k); } }
local s = Setter();
s.x = 1;
s.y = 2;
print("slots.set.existing " + s.x + " seen=" + s.seen.len() + " " + s.seen[0] + "\n");
// instances without _newslot reject <-
class Plain { }
try { Plain().z <- 1; } catch (e) print("slots.newslot.none ERR " + e + "\n");
// tables: _get/_set in the delegate
local defaults = { color = "red" };
local t = { size = 1 }.setdelegate({
	_get = function(k) { if (k in defaults) return defaults[k]; throw null; }
	_set = function(k, v) { defaults[k] <- "set:" + v; }
	_newslot = function(k, v) { rawset(k, "ns:" + v); }
	_delslot = function(k) { defaults.deleted <- k; }
});
print("slots.table.get " + t.color + " " + t.size + "\n");
t.shape = "round";
print("slots.table.set " + defaults.shape + " own=" + t.rawin("shape") + "\n");
t.weight <- 3;
print("slots.table.newslot " + t.rawget("weight") + "\n");
t.size <- 2;
print("slots.table.newslot.existing " + t.size + "\n");
delete t.size;
print("slots.table.delslot " + defaults.deleted + " still=" + t.rawin("size") + "\n");
try { print("slots.table.missing " + t.nothing + "\n"); } catch (e) print("slots.table.missing ERR " + e + "\n");
