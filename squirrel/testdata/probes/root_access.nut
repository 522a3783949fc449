// The root table: getroottable(), ::name, <- at top level, function statements, and names
// that resolve through this (the root table at top level).
::rootVar <- 1;
print("root.newslot " + rootVar + " " + ::rootVar + " " + getroottable().rootVar + "\n");
rootVar2 <- 2;
print("root.bare.newslot " + ::rootVar2 + " " + ("rootVar2" in getroottable()) + "\n");
local localVar = 3;
print("root.local.not.root " + ("localVar" in getroottable()) + "\n");
function rootFn() { return "rootFn"; }
print("root.function.stmt " + ::rootFn() + " " + (getroottable().rootFn == rootFn) + "\n");
class RootClass { }
print("root.class.stmt " + ("RootClass" in getroottable()) + "\n");
function writer() { ::rootVar = 10; rootVar2 = 20; }
writer();
print("root.write.from.function " + rootVar + " " + rootVar2 + "\n");
function creator() { ::made <- "inside"; }
creator();
print("root.create.from.function " + made + "\n");
// :: bypasses locals and this
local shadowed = "local";
::shadowed <- "root";
local obj = { shadowed = "slot", get = function() { return shadowed + "/" + ::shadowed + "/" + this.shadowed; } };
print("root.double.colon " + obj.get() + "\n");
// a method-local this does not hide root names that this lacks
local obj2 = { get = function() { return rootVar; } };
print("root.fallback.from.method " + obj2.get() + "\n");
// root builtins are ordinary slots: they can be shadowed or replaced
local savedType = ::type;
::type <- function(x) { return "patched"; };
print("root.patch.builtin " + type(1) + "\n");
::type <- savedType;
print("root.restore.builtin " + type(1) + "\n");
print("root.builtins " + typeof ::print + " " + typeof ::format + " " + typeof ::regexp + " " + typeof ::split + "\n");
print("root.version " + _version_ + " " + _intsize_ + " " + _floatsize_ + " " + _charsize_ + " " + _versionnumber_ + "\n");
print("root.math.constants " + PI + " " + (RAND_MAX > 0) + "\n");
// deleting from the root
delete ::made;
print("root.delete " + ("made" in getroottable()) + "\n");
try { print("root.deleted.read " + made + "\n"); } catch (e) print("root.deleted.read ERR " + e + "\n");
// the root table behaves like any table
local root = getroottable();
root.viaTable <- "vt";
print("root.as.table " + viaTable + " " + (root == getroottable()) + "\n");
// setroottable swaps the table used for :: and bare-name fallback
local newRoot = { print = print, marker = "new root" };
local oldRoot = setroottable(newRoot);
print("root.setroottable " + ::marker + " " + (oldRoot.rootVar) + "\n");
setroottable(oldRoot);
print("root.restored " + ("marker" in getroottable()) + "\n");
// the main chunk's this is the root table
print("root.this " + (this == getroottable()) + "\n");
