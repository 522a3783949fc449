// Counted loops and integer arithmetic near the 32-bit edges, where the
// compiler leaves out the wrap only when ranges prove it safe.
local out = [];
// i <= INT_MAX never ends: the step wraps to INT_MIN
local n = 0;
for (local i = 2147483645; i <= 2147483647; i++) {
	out.push(i);
	if (++n > 4) break;
}
print(out.reduce(@(a, b) a + " " + b) + "\n");
out.clear(); n = 0;
for (local i = -2147483646; i >= -2147483648; i--) {
	out.push(i);
	if (++n > 4) break;
}
print(out.reduce(@(a, b) a + " " + b) + "\n");
// i < INT_MAX stops before wrapping
out.clear();
for (local i = 2147483644; i < 2147483647; i += 1) out.push(i * 2 + i % 7);
print(out.reduce(@(a, b) a + " " + b) + "\n");
out.clear();
for (local i = -2147483645; i > -2147483648; i -= 1) out.push(i - 5);
print(out.reduce(@(a, b) a + " " + b) + "\n");
// B > i and B >= i
out.clear();
for (local i = 0; 3 > i; ++i) out.push(i * 1000000000);
for (local i = 3; 1 <= i; --i) out.push(i * -1073741824);
print(out.reduce(@(a, b) a + " " + b) + "\n");
// products and sums that fit, and some that wrap
local big = 65536;
local s = 0;
for (local i = 0; i < 5; i++) {
	local w = i * big * big;         // wraps to 0
	local x = (i + 46340) * (i + 46340); // overflows past i = 0
	local m = (i - 3) % 2;           // -1, 0 (an integer zero, not -0), ...
	local p = i % 3;
	out.push(w + ":" + x + ":" + m + ":" + p + ":" + (m * 1.0) + ":" + (p - i));
}
print(out.reduce(@(a, b) a + " " + b) + "\n");
local z = -4 % 2;
print(z + " " + (z * 1.5) + " " + (1.0 * (-6 % 3)) + "\n");
// a loop whose bound changes inside it
out.clear();
local lim = 5;
for (local i = 0; i < lim; i++) { out.push(i); if (i == 2) lim = 3; }
print(out.reduce(@(a, b) a + " " + b) + "\n");
// counters changed in the body are not counted loops
out.clear();
for (local i = 2147483641; i < 2147483647; i++) { out.push(i); i += 2; }
print(out.reduce(@(a, b) a + " " + b) + "\n");
// counters read by a closure
local fs = [];
for (local i = 0; i < 3; i++) fs.push(@() i * 10);
print(fs.map(@(f) f()).reduce(@(a, b) a + " " + b) + "\n");
// plain increments at the edge
local c = 2147483646;
c++; print(c + " "); c++; print(c + " "); ++c; print(c + " ");
c = -2147483647; c--; print(c + " "); --c; print(c + " ");
local d = 2147483647;
print((d++) + " " + d + " " + (++d) + "\n");
// a non-negative dividend with divisors of every sign
local divs = [3, -3, 1, -1, 7];
out.clear();
for (local i = 0; i < 5; i++) {
	local d = divs[i];
	local r = (i * 7) % d;
	out.push(r);
	local q = (i * 5) % divs.len();
	out.push(q);
}
print(out.reduce(@(a, b) a + " " + b) + "\n");
for (local i = 0; i < 3; i++) {
	local zero = i - i;
	try { print((i * 3) % zero); } catch (e) print("caught " + e);
	print("\n");
}
