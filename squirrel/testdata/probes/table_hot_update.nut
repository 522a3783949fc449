// t[k]++, t[k] += n and t[k] -= n in loops, where t is a local table and the
// key's type is not known when compiling: string, integer, float, bool and
// missing keys, slots holding non-integers, wrap-around, a delegate, and the
// value of the expression (prefix and postfix).
function err(label, f) {
	try { print(label + " " + f() + "\n"); } catch (e) print(label + " ERR " + e + "\n");
}
local keys = ["a", 1, "1", 1.5, true, "len", "big", "small", "f", "s", "missing", "\xe9"];
local t = { a = 0, big = 2147483600, small = -2147483600, f = 0.5, s = "x" };
t[1] <- 10; t["1"] <- 20; t[1.5] <- 30; t[true] <- 40; t["len"] <- 50; t["\xe9"] <- 60;
for (local round = 0; round < 3; round++) {
	foreach (i, k in keys) {
		local label = "upd." + round + "." + i;
		try { t[k]++; print(label + ".inc " + t[k] + "\n"); } catch (e) print(label + ".inc ERR " + e + "\n");
		try { t[k] += 25; print(label + ".add " + t[k] + "\n"); } catch (e) print(label + ".add ERR " + e + "\n");
		try { t[k] -= 7; print(label + ".sub " + t[k] + "\n"); } catch (e) print(label + ".sub ERR " + e + "\n");
		try { local o = t[k]++; print(label + ".post " + o + " " + t[k] + "\n"); } catch (e) print(label + ".post ERR " + e + "\n");
		try { local o = ++t[k]; print(label + ".pre " + o + " " + t[k] + "\n"); } catch (e) print(label + ".pre ERR " + e + "\n");
	}
}
local steps = [2147483647, -2147483648, 1.25, "z", null];
local u = { n = 5 };
foreach (j, d in steps) {
	local k = "n";
	try { u[k] += d; print("upd.step." + j + " " + u[k] + "\n"); } catch (e) print("upd.step." + j + " ERR " + e + "\n");
	u.n = 5;
	try { u[k] -= d; print("upd.stepsub." + j + " " + u[k] + "\n"); } catch (e) print("upd.stepsub." + j + " ERR " + e + "\n");
	u.n = 5;
}
local d = { n = 1 };
local parent = { m = 100 };
d.setdelegate(parent);
foreach (k in ["n", "m"]) {
	try { d[k]++; print("upd.deleg." + k + " " + d[k] + " " + ("m" in d) + "\n"); } catch (e) print("upd.deleg." + k + " ERR " + e + "\n");
}
local counts = {};
local words = ["x", "y", "x", 3, "x", 3];
for (local i = 0; i < 6; i++) {
	local w = words[i];
	if (w in counts) counts[w]++;
	else counts[w] <- 1;
}
print("upd.count " + counts.x + " " + counts.y + " " + counts[3] + "\n");
