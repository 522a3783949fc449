// Bare names resolve through `this` (own slots, delegate, _get, default
// delegate) before the root table, for reads and writes.
g <- "root-g";
len <- "root-len";
local proto = { inherited = "from-delegate", _get = function(k) { if (k == "magic") return "via-get"; throw null; } };
local obj = { own = "own-slot", f = function() { return own + " " + inherited + " " + magic + " " + g; } };
obj.setdelegate(proto);
print("lookup.delegated " + obj.f() + "\n");
local plain = { h = function() { return len() + " " + g; } };
print("lookup.table.ddel " + plain.h() + "\n");
local sfn = function() { return len() + " " + g; };
print("lookup.string.this " + sfn.call("abcd") + "\n");
local ifn = function() { return typeof tointeger + " " + g; };
print("lookup.int.this " + ifn.call(5) + "\n");
class K { x = 1; function _get(k) { if (k == "g") return "class-get"; throw null; } function m() { return g + " " + x; } }
print("lookup.instance.get " + K().m() + "\n");
class L { function m() { return g + " " + typeof getclass; } }
print("lookup.instance.ddel " + L().m() + "\n");
local writer = { w = 0, set = function() { w = 5; g = "changed"; return w; } };
print("write.own.and.root " + writer.set() + " " + g + "\n");
local dwriter = { set = function() { inherited = "w"; return inherited; } };
dwriter.setdelegate(proto);
print("write.delegate " + dwriter.set() + " " + proto.inherited + "\n");
try { local t = { f = function() { nothere = 1; } }; t.f(); } catch (e) print("write.missing ERR " + e + "\n");
try { local t = { f = function() { return nothere; } }; t.f(); } catch (e) print("read.missing ERR " + e + "\n");
local nullthis = function() { return g; };
print("lookup.null.this " + nullthis.call(null) + "\n");
try { local f = function() { g = 1; }; f.pcall(null); } catch (e) print("write.null.this ERR " + e + "\n");
print("this.explicit " + (function() { return this.g; }).call({}) + "\n");
