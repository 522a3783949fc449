// Dynamic this (trap 6): a plain call f() passes the caller's this; obj.f() passes obj;
// unknown names resolve through this, then the root table, for reads and writes.
whoami <- "root";
function who() { return whoami; }
local objA = { whoami = "objA", who = who, callPlain = function() { return who(); } };
print("this.root.call " + who() + "\n");
print("this.method.call " + objA.who() + "\n");
print("this.plain.call.inside.method " + objA.callPlain() + "\n");
local extracted = objA.who;
print("this.extracted " + extracted() + "\n");
// bare names write through this first, then root
counter <- 0;
function bump() { counter++; return counter; }
local withCounter = { counter = 100, bump = bump };
withCounter.bump();
print("this.write.this.first " + withCounter.counter + " root=" + ::counter + "\n");
local withoutCounter = { bump = bump };
withoutCounter.bump();
print("this.write.falls.to.root " + ::counter + " own=" + withoutCounter.rawin("counter") + "\n");
// a bare name missing from both this and root fails
function readMissing() { return notDefinedAnywhere; }
try { readMissing(); } catch (e) print("this.missing ERR " + e + "\n");
// locals and captured variables win over this and root
local shadow = "local";
local obj2 = { shadow = "slot", get = function() { return shadow; }, getThis = function() { return this.shadow; } };
print("this.local.wins " + obj2.get() + " " + obj2.getThis() + "\n");
// call/pcall/acall/pacall choose this explicitly
print("this.call " + who.call({ whoami = "explicit" }) + "\n");
print("this.pcall " + who.pcall({ whoami = "pcall" }) + "\n");
print("this.acall " + who.acall([{ whoami = "acall" }]) + "\n");
print("this.pacall " + who.pacall([{ whoami = "pacall" }]) + "\n");
function addThis(x) { return this.base0 + x; }
print("this.call.args " + addThis.call({ base0 = 10 }, 5) + " " + addThis.acall([{ base0 = 1 }, 2]) + "\n");
// (errors raised inside .call()/.acall() are also reported to stderr by desktop sq even when
// caught, so the error cases below use .pcall(), which differs from .call() only in that)
try { addThis.pcall({}, 1); } catch (e) print("this.call.missing ERR " + e + "\n");
try { who.acall([]); } catch (e) print("this.acall.empty ERR " + e + "\n");
// this inside nested functions is not captured: inner plain calls pass the caller's this
local outerObj = {
	whoami = "outerObj",
	run = function() {
		local inner = function() { return whoami; };
		return inner();
	}
};
print("this.nested.plain " + outerObj.run() + "\n");
// a closure stored in a table and called from elsewhere sees the new table as this
local cb = function() { return whoami; };
local holder1 = { whoami = "holder1", cb = cb };
local holder2 = { whoami = "holder2", cb = cb };
print("this.shared.closure " + holder1.cb() + " " + holder2.cb() + "\n");
// callbacks passed as arguments run with the caller's this
function invoke(f) { return f(); }
local objC = { whoami = "objC", go = function() { return invoke(who); } };
print("this.callback " + objC.go() + "\n");
// methods of class instances called by bare name from a callback
class Worker {
	whoami = "worker";
	function helper() { return "helper:" + whoami; }
	function start() { local done = function() { return helper(); }; return done(); }
	function startDetached() { return invoke(function() { return helper(); }); }
}
print("this.class.bare.method " + Worker().start() + " " + Worker().startDetached() + "\n");
// but a callback invoked with another this cannot see the class's members
local other = { whoami = "other" };
local w = Worker();
try { print("this.class.lost " + w.start.pcall(other) + "\n"); } catch (e) print("this.class.lost ERR " + e + "\n");
// the root table as this
print("this.root.is.this " + (this == getroottable()) + "\n");
function rootThis() { return this == getroottable(); }
print("this.root.plain " + rootThis() + " " + objA.rawin("who") + "\n");
// assignment to a local-free bare name inside a method writes the instance member
class Counter { n = 0; function inc() { n++; n = n + 1; return n; } }
print("this.instance.write " + Counter().inc() + "\n");
