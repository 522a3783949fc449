// setdelegate/getdelegate: reads fall back to the delegate, assignments to a slot the delegate
// has write the delegate, "in" and rawin look only at the table itself; metamethods
// live in the delegate.
local parent = { greet = function() { return "hello " + name; }, kind = "parent" };
local obj = { name = "obj" };
local r = obj.setdelegate(parent);
print("del.setdelegate.ret " + (r == obj) + "\n");
print("del.getdelegate " + (obj.getdelegate() == parent) + "\n");
print("del.lookup.value " + obj.kind + "\n");
print("del.lookup.method " + obj.greet() + "\n");
print("del.in " + ("kind" in obj) + " " + obj.rawin("kind") + "\n");
try { print("del.rawget " + obj.rawget("kind") + "\n"); } catch (e) print("del.rawget ERR " + e + "\n");
try { obj.kind = "changed"; print("del.set.through " + obj.kind + " parent=" + parent.kind + " own=" + obj.rawin("kind") + "\n"); } catch (e) print("del.set.through ERR " + e + "\n");
obj.kind <- "own";
print("del.newslot.shadows " + obj.kind + " parent=" + parent.kind + "\n");
delete obj.kind;
print("del.delete.own " + obj.kind + "\n");
try { delete obj.greet; } catch (e) print("del.delete.inherited ERR " + e + "\n");
try { print("del.missing " + obj.nothing + "\n"); } catch (e) print("del.missing ERR " + e + "\n");
print("del.len.own " + obj.len() + "\n");
local keys = "";
foreach (k, v in obj) keys += k + " ";
print("del.foreach.own.only " + keys + "\n");
// chains
local grand = { level = "grand", only_grand = 1 };
parent.setdelegate(grand);
print("del.chain " + obj.level + " " + obj.only_grand + "\n");
try { grand.setdelegate(obj); print("del.cycle ok\n"); } catch (e) print("del.cycle ERR " + e + "\n");
try { obj.setdelegate(obj); print("del.self ok\n"); } catch (e) print("del.self ERR " + e + "\n");
obj.setdelegate(null);
print("del.removed " + (obj.getdelegate() == null) + " " + ("kind" in obj) + "\n");
try { obj.setdelegate(5); } catch (e) print("del.bad.type ERR " + e + "\n");
try { obj.setdelegate([]); } catch (e) print("del.array ERR " + e + "\n");
// delegate methods see the original table as this
local proto = { describe = function() { return "I am " + this.name; } };
local a = { name = "a" }.setdelegate(proto);
local b = { name = "b" }.setdelegate(proto);
print("del.this " + a.describe() + ", " + b.describe() + "\n");
// default-delegate methods are still reachable when the delegate lacks them
print("del.default.methods " + a.len() + " " + a.rawin("name") + "\n");
// clone keeps the delegate
local c = clone a;
print("del.clone.keeps " + (c.getdelegate() == proto) + " " + c.describe() + "\n");
// assignment to a slot found only in the delegate writes the delegate's slot
local counter = { count = 0 };
local user = {}.setdelegate(counter);
try { user.count++; print("del.inc.through " + user.count + " " + counter.count + " own=" + user.rawin("count") + "\n"); } catch (e) print("del.inc.through ERR " + e + "\n");
