// Strict slots: reading or assigning a missing key throws; <- creates; delete removes.
local t = { a = 1 };
try { print("strict.read.missing " + t.b + "\n"); } catch (e) print("strict.read.missing ERR " + e + "\n");
try { t.b = 2; print("strict.write.missing ok\n"); } catch (e) print("strict.write.missing ERR " + e + "\n");
try { print("strict.read.index " + t["zz"] + "\n"); } catch (e) print("strict.read.index ERR " + e + "\n");
try { t["zz"] = 1; print("strict.write.index ok\n"); } catch (e) print("strict.write.index ERR " + e + "\n");
try { print("strict.read.int " + t[5] + "\n"); } catch (e) print("strict.read.int ERR " + e + "\n");
try { print("strict.read.float " + t[1.5] + "\n"); } catch (e) print("strict.read.float ERR " + e + "\n");
try { print("strict.read.bool " + t[true] + "\n"); } catch (e) print("strict.read.bool ERR " + e + "\n");
try { print("strict.read.null " + t[null] + "\n"); } catch (e) print("strict.read.null ERR " + e + "\n");
try { print("strict.read.table " + t[{}] + "\n"); } catch (e) print("strict.read.table ERR " + e + "\n");
try { print("strict.read.longkey " + t["0123456789012345678901234567890123456789012345678901234567890123456789"] + "\n"); } catch (e) print("strict.read.longkey ERR " + e + "\n");
t.b <- 2;
print("strict.newslot " + t.b + "\n");
t.b = 3;
print("strict.assign.existing " + t.b + "\n");
t.b <- 4;
print("strict.newslot.existing " + t.b + " len=" + t.len() + "\n");
t["c d"] <- "spaced";
print("strict.newslot.string " + t["c d"] + "\n");
t[7] <- "seven";
print("strict.newslot.int " + t[7] + "\n");
local r = delete t.a;
print("strict.delete.value " + r + " in=" + ("a" in t) + " len=" + t.len() + "\n");
try { delete t.a; print("strict.delete.missing ok\n"); } catch (e) print("strict.delete.missing ERR " + e + "\n");
try { delete t[99]; print("strict.delete.missing.int ok\n"); } catch (e) print("strict.delete.missing.int ERR " + e + "\n");
print("strict.in " + ("b" in t) + " " + ("a" in t) + " " + (7 in t) + " " + ("7" in t) + "\n");
print("strict.in.delegate.method " + ("len" in t) + "\n");
try { t[null] <- 1; print("strict.newslot.null ok\n"); } catch (e) print("strict.newslot.null ERR " + e + "\n");
// t[null] = v is not probed: 3.0.4 may "find" an empty node for the null key and succeed.
try { print("strict.in.null " + (null in t) + "\n"); } catch (e) print("strict.in.null ERR " + e + "\n");
try { delete t[null]; print("strict.delete.null ok\n"); } catch (e) print("strict.delete.null ERR " + e + "\n");
// values may be null: the slot still exists
t.n <- null;
print("strict.null.value " + ("n" in t) + " " + (t.n == null) + "\n");
t.n = 5;
print("strict.null.value.assign " + t.n + "\n");
// nested
local cfg = { net = { port = 80 } };
try { print("strict.nested.missing " + cfg.net.host + "\n"); } catch (e) print("strict.nested.missing ERR " + e + "\n");
try { print("strict.nested.null " + cfg.nothere.host + "\n"); } catch (e) print("strict.nested.null ERR " + e + "\n");
cfg.net.host <- "x";
print("strict.nested.newslot " + cfg.net.host + "\n");
try { cfg.missing.x <- 1; } catch (e) print("strict.nested.newslot.missing ERR " + e + "\n");
// indexing non-containers
local n = null;
try { print("strict.index.null " + n.x + "\n"); } catch (e) print("strict.index.null ERR " + e + "\n");
try { n.x = 1; } catch (e) print("strict.set.null.obj ERR " + e + "\n");
try { n.x <- 1; } catch (e) print("strict.newslot.null.obj ERR " + e + "\n");
try { print("strict.index.int " + (5).x + "\n"); } catch (e) print("strict.index.int ERR " + e + "\n");
try { local i = 5; i.x = 1; } catch (e) print("strict.set.int ERR " + e + "\n");
try { local i = 5; i.x <- 1; } catch (e) print("strict.newslot.int.obj ERR " + e + "\n");
try { local b = true; print("strict.index.bool " + b[0] + "\n"); } catch (e) print("strict.index.bool ERR " + e + "\n");
try { local f = function() {}; f.x <- 1; } catch (e) print("strict.newslot.function ERR " + e + "\n");
try { local f = function() {}; print("strict.index.function " + f.x + "\n"); } catch (e) print("strict.index.function ERR " + e + "\n");
try { delete n.x; } catch (e) print("strict.delete.null.obj ERR " + e + "\n");
try { local a = [1]; delete a[0]; } catch (e) print("strict.delete.array ERR " + e + "\n");
try { local s = "abc"; delete s[0]; } catch (e) print("strict.delete.string ERR " + e + "\n");
// root table is strict too
try { print("strict.root.missing " + ::undefined_thing + "\n"); } catch (e) print("strict.root.missing ERR " + e + "\n");
try { ::undefined_thing = 1; } catch (e) print("strict.root.assign ERR " + e + "\n");
try { print("strict.bare.missing " + undefined_bare + "\n"); } catch (e) print("strict.bare.missing ERR " + e + "\n");
try { undefined_bare = 1; } catch (e) print("strict.bare.assign ERR " + e + "\n");
::created_at_root <- 10;
print("strict.root.created " + created_at_root + " " + ::created_at_root + "\n");
created_at_root = 11;
print("strict.root.assigned " + ::created_at_root + "\n");
