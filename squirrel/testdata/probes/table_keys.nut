// Key identity: 1, "1", 1.0 and true are distinct keys; floats are keyed by their bits.
local t = {};
t[1] <- "int";
t["1"] <- "string";
t[1.0] <- "float";
t[true] <- "bool";
print("keys.len " + t.len() + "\n");
print("keys.int " + t[1] + "\n");
print("keys.string " + t["1"] + "\n");
print("keys.float " + t[1.0] + "\n");
print("keys.bool " + t[true] + "\n");
try { print("keys.false " + t[false] + "\n"); } catch (e) print("keys.false ERR " + e + "\n");
try { print("keys.zero " + t[0] + "\n"); } catch (e) print("keys.zero ERR " + e + "\n");
t[0] <- "zero";
t[false] <- "false";
t[0.0] <- "fzero";
print("keys.zero.distinct " + t[0] + " " + t[false] + " " + t[0.0] + " len=" + t.len() + "\n");
try { print("keys.negzero " + t[-0.0] + "\n"); } catch (e) print("keys.negzero ERR " + e + "\n");
t[-0.0] <- "negzero";
print("keys.negzero.distinct " + t[-0.0] + " " + t[0.0] + " len=" + t.len() + "\n");
t[2.5] <- "twohalf";
print("keys.float.frac " + t[2.5] + " " + (2.5 in t) + " " + (2 in t) + "\n");
local nan = (1.0 / 0.0) - (1.0 / 0.0);
t[nan] <- "nan";
print("keys.nan " + t[nan] + " " + (nan in t) + "\n");
// strings are compared by content
local k1 = "ab", k2 = "a" + "b";
t[k1] <- "AB";
print("keys.string.content " + t[k2] + "\n");
print("keys.string.case " + ("AB" in t) + " " + ("ab" in t) + "\n");
t[""] <- "empty";
print("keys.empty.string " + t[""] + "\n");
t["é"] <- "utf8";
print("keys.utf8 " + t["\xc3\xa9"] + "\n");
// objects are keyed by identity
local o1 = {}, o2 = {};
t[o1] <- "o1";
t[o2] <- "o2";
print("keys.object " + t[o1] + " " + t[o2] + " " + ({} in t) + "\n");
local arr = [1];
t[arr] <- "arr";
print("keys.array " + t[arr] + " " + ([1] in t) + "\n");
local fn = function() {};
t[fn] <- "fn";
print("keys.function " + t[fn] + "\n");
local C = class {};
local inst = C();
t[C] <- "class";
t[inst] <- "inst";
print("keys.class " + t[C] + " " + t[inst] + "\n");
// identifier-style and bracket access hit the same slot
local u = { name = "n" };
print("keys.dot.bracket " + u["name"] + " " + u.name + "\n");
u["with space"] <- 1;
u["123"] <- "numstr";
u[123] <- "num";
print("keys.numstr " + u["123"] + " " + u[123] + "\n");
// integer keys from computations
local v = {};
v[2 + 3] <- "five";
print("keys.computed " + v[5] + " " + v[10 / 2] + "\n");
try { print("keys.computed.float " + v[10 / 2.0] + "\n"); } catch (e) print("keys.computed.float ERR " + e + "\n");
v["x" + 1] <- "x1";
print("keys.computed.string " + v.x1 + "\n");
// rawin / rawget agree
print("keys.rawin " + t.rawin(1) + " " + t.rawin("1") + " " + t.rawin(1.0) + " " + t.rawin(true) + " " + t.rawin(2) + "\n");
print("keys.rawget " + t.rawget(true) + " " + t.rawget(1.0) + "\n");
// delete only the matching identity
delete t[1];
print("keys.delete.int " + (1 in t) + " " + ("1" in t) + " " + (1.0 in t) + " " + (true in t) + "\n");
