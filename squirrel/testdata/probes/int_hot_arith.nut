// + - * on operands of unknown type inside loops (the compiled hot path):
// every pair of kinds, integer wrap-around, strings with bytes above 0x7f,
// metamethods and the errors 3.0.4 gives.
class M {
	v = 0;
	constructor(x) { v = x; }
	function _add(o) { return "M+" + o; }
	function _sub(o) { return "M-" + o; }
	function _mul(o) { return "M*" + o; }
}
local vals = [7, -3, 2147483647, -2147483648, 65536, 1.5, "s", "\xe9t\xe9", true, null, M(1), [1], {}];
local names = ["7", "-3", "max", "min", "65536", "1.5", "s", "bytes", "true", "null", "M", "array", "table"];
function show(op, i, j, r) {
	if (typeof r == "string") {
		local o = r.find("("); // an object's text holds its address: keep what precedes it
		r = o == null ? r + " len " + r.len() : r.slice(0, o) + "<object text>";
	}
	print("hot." + op + "." + names[i] + "." + names[j] + " " + r + "\n");
}
function apply(op, a, b) {
	if (op == "+") return a + b;
	if (op == "-") return a - b;
	return a * b;
}
foreach (op in ["+", "-", "*"]) {
	for (local i = 0; i < vals.len(); i++) {
		for (local j = 0; j < vals.len(); j++) {
			local a = vals[i], b = vals[j];
			try {
				local r = apply(op, a, b);
				if (typeof r == "float" || typeof r == "integer" || typeof r == "string") show(op, i, j, r);
				else show(op, i, j, typeof r);
			} catch (e) {
				print("hot." + op + "." + names[i] + "." + names[j] + " ERR " + e + "\n");
			}
		}
	}
}
local acc = 2147483000, s = "", p = 1;
for (local i = 0; i < 1000; i++) {
	local x = vals[i % 2];
	acc = acc + x;
	s = s + vals[6] + i % 10;
	p = p * (x - 10);
}
print("hot.loop.acc " + acc + "\n");
print("hot.loop.s " + s.len() + " " + s.slice(0, 12) + "\n");
print("hot.loop.p " + p + "\n");
