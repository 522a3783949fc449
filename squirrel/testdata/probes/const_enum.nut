// const and enum are compile-time: visible for the rest of the compilation unit (even when
// declared inside a function body), substituted as literals, not stored in the root table.
const ANSWER = 42;
const NAME = "const-name";
const RATIO = 0.5;
const NEG = -7;
print("const.int " + ANSWER + " " + typeof ANSWER + "\n");
print("const.string " + NAME + "\n");
print("const.float " + RATIO + " " + typeof RATIO + "\n");
print("const.negative " + NEG + "\n");
print("const.expr " + (ANSWER * 2 + NEG) + "\n");
print("const.not.in.root " + ("ANSWER" in getroottable()) + "\n");
print("const.in.consttable " + ("ANSWER" in getconsttable()) + " " + getconsttable().ANSWER + "\n");
function useLater() { return LATER_CONST + 1; }
const LATER_CONST = 100;
// a use that comes textually before the declaration is an ordinary name lookup at run time
try { print("const.declared.after.function " + useLater() + "\n"); } catch (e) print("const.declared.after.function ERR " + e + "\n");
function useAfter() { return LATER_CONST + 2; }
print("const.used.after.declaration " + useAfter() + "\n");
function declaresInside() {
	const INSIDE = "declared in a function";
	return INSIDE;
}
print("const.from.function.body " + INSIDE + "\n");
print("const.function.still.works " + declaresInside() + "\n");
local shadowTest = function() { local ANSWER = 1; return ANSWER; };
print("const.local.shadow " + shadowTest() + " " + ANSWER + "\n");
local t = { ANSWER = "slot" };
print("const.slot.name " + t.ANSWER + " " + t["ANSWER"] + "\n");
enum Color { RED, GREEN, BLUE }
print("enum.auto " + Color.RED + " " + Color.GREEN + " " + Color.BLUE + "\n");
enum Status { OK = 200, NOT_FOUND = 404, ERROR = 500, NEXT }
print("enum.explicit " + Status.OK + " " + Status.NOT_FOUND + " " + Status.ERROR + "\n");
print("enum.after.explicit " + Status.NEXT + "\n");
enum Mixed { A = 5, B, C = "sea", D = 1.5, E }
print("enum.mixed " + Mixed.A + " " + Mixed.B + " " + Mixed.C + " " + Mixed.D + " " + Mixed.E + " " + typeof Mixed.E + "\n");
enum Neg { M = -2, N, O }
print("enum.negative " + Neg.M + " " + Neg.N + " " + Neg.O + "\n");
print("enum.not.in.root " + ("Color" in getroottable()) + "\n");
print("enum.consttable " + typeof getconsttable().Color + " " + getconsttable().Color.len() + "\n");
function enumInside() {
	enum Inner { X = 10, Y }
	return Inner.Y;
}
print("enum.inside.function " + enumInside() + " " + Inner.X + "\n");
local byValue = {};
byValue[Status.OK] <- "ok";
print("enum.as.key " + byValue[200] + "\n");
switch (404) {
	case Status.OK: print("enum.switch ok\n"); break;
	case Status.NOT_FOUND: print("enum.switch notfound\n"); break;
}
local names = [];
foreach (k, v in getconsttable().Color) names.push(k + "=" + v);
names.sort();
local ns = "";
foreach (n in names) ns += n + " ";
print("enum.iterate.consttable " + ns + "\n");
const HEX = 0xFF;
const CHAR = 'A';
print("const.hex.char " + HEX + " " + CHAR + "\n");
// constants can be used in class bodies and default parameters
class UsesConst { size = ANSWER; function f(x = NAME) { return x; } }
print("const.in.class " + UsesConst().size + " " + UsesConst().f() + "\n");
