// Truthiness: only null, false, 0 and 0.0 (and -0.0) are false.
local cases = [
	["null", null], ["false", false], ["true", true], ["0", 0], ["1", 1], ["-1", -1],
	["0.0", 0.0], ["-0.0", -0.0], ["0.5", 0.5], ["empty string", ""], ["string 0", "0"],
	["string false", "false"], ["empty array", []], ["empty table", {}], ["function", function() {}],
	["class", class {}], ["min int", -2147483647 - 1]
];
foreach (c in cases) {
	local v = c[1];
	local viaIf = "false";
	if (v) viaIf = "true";
	local viaNot = !v;
	local viaTernary = v ? "T" : "F";
	local viaWhile = 0;
	while (v && viaWhile < 1) viaWhile++;
	print("truth." + c[0] + " if=" + viaIf + " not=" + viaNot + " ternary=" + viaTernary + " while=" + viaWhile + "\n");
}
print("truth.notnot " + !!"" + " " + !!0 + " " + !!null + " " + !![] + "\n");
print("truth.not.typeof " + typeof !1 + "\n");
local inst = (class { x = 0 })();
print("truth.instance " + (inst ? "T" : "F") + "\n");
print("truth.generator " + ((function() { yield 1; })() ? "T" : "F") + "\n");
local w = [1].weakref();
print("truth.weakref " + (w ? "T" : "F") + "\n");
// conditions in for loops and do-while
local n = 3, count = 0;
for (; n; n--) count++;
print("truth.for.int " + count + "\n");
local s = "abc", steps = 0;
do { steps++; s = steps < 2 ? s : null; } while (s);
print("truth.dowhile " + steps + "\n");
local f = 2.5, halves = 0;
while (f) { f = f > 0.5 ? f - 0.5 : 0.0; halves++; }
print("truth.while.float " + halves + "\n");
