// switch: fallthrough, default, non-integer cases, case expressions, break/continue.
function classify(x) {
	local out = "";
	switch (x) {
		case 1: out += "one ";
		case 2: out += "two "; break;
		case "1": out += "string-one "; break;
		case 1.5: out += "float "; break;
		case null: out += "null "; break;
		case true: out += "true "; break;
		case 99: out += "ninety-nine ";
		default: out += "default ";
	}
	return out;
}
foreach (v in [1, 2, "1", 1.5, null, true, 99, 3, "x", 1.0, false]) print("switch.classify " + typeof v + ":" + v + " -> " + classify(v) + "\n");
// case labels are expressions evaluated in order
local calls = "";
function label(v) { calls += v; return v; }
switch (3) {
	case label(1): print("switch.expr wrong\n"); break;
	case label(3): print("switch.expr matched\n"); break;
	case label(5): print("switch.expr too far\n"); break;
}
print("switch.expr.evaluated " + calls + "\n");
// no match and no default: nothing happens
local hit = false;
switch ("nothing") { case "a": hit = true; }
print("switch.nomatch " + hit + "\n");
// default must be the last label (a case after it is a compile error)
local dm = "";
switch (7) { case 1: dm += "1"; case 2: dm += "2"; break; default: dm += "d"; }
print("switch.default.last " + dm + "\n");
// empty switch and switch on expressions
switch (1) { }
local val = 10;
switch (val * 2) { case 20: print("switch.on.expr 20\n"); break; default: print("switch.on.expr other\n"); }
// continue inside switch continues the enclosing loop
local cont = "";
for (local i = 0; i < 5; i++) {
	switch (i % 2) {
		case 0: continue;
		case 1: cont += i;
	}
	cont += ".";
}
print("switch.continue " + cont + "\n");
// break inside a loop inside a switch breaks only the loop
local nested = "";
switch (1) {
	case 1:
		for (local j = 0; j < 10; j++) { if (j == 2) break; nested += j; }
		nested += "after-loop";
		break;
}
print("switch.nested.break " + nested + "\n");
// strings compare by content; 1 and 1.0 are equal in switch (==)
local s = "ab";
switch (s + "c") { case "abc": print("switch.string.content match\n"); break; default: print("switch.string.content no\n"); }
switch (2.0) { case 2: print("switch.int.float equal\n"); break; default: print("switch.int.float different\n"); }
// locals declared in a case are scoped to the switch
switch (1) { case 1: local inCase = "x"; print("switch.local " + inCase + "\n"); break; }
// switch on a table reference
local key = {};
switch (key) { case {}: print("switch.table new\n"); break; case key: print("switch.table same\n"); break; }
// return from inside a switch
function pick(n) { switch (n) { case 0: return "zero"; case 1: return "one"; default: return "many"; } }
print("switch.return " + pick(0) + " " + pick(1) + " " + pick(5) + "\n");
