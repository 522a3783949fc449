// foreach over a table follows 3.0.4's node order (hash = the int value, chained free slots,
// rehash at 3/4 load), not insertion order. Integer keys.
function keys(t) {
	local s = "";
	foreach (k, v in t) s += (s == "" ? "" : ",") + k;
	return s + " (len " + t.len() + ")";
}
local t = {};
for (local i = 0; i < 8; i++) t[i] <- i;
print("order.int.asc8 " + keys(t) + "\n");
t = {};
for (local i = 7; i >= 0; i--) t[i] <- i;
print("order.int.desc8 " + keys(t) + "\n");
t = {};
for (local i = 1; i <= 40; i++) {
	t[i] <- i;
	if (i == 1 || i == 2 || i == 3 || i == 4 || i == 6 || i == 7 || i == 12 || i == 13 || i == 24 || i == 25 || i == 40)
		print("order.int.grow." + i + " " + keys(t) + "\n");
}
t = {};
foreach (k in [100, 3, 17, 64, 5, 1000, 33, 2]) t[k] <- 0;
print("order.int.scattered " + keys(t) + "\n");
t = {};
foreach (k in [-1, -2, -3, -100, 0, 1]) t[k] <- 0;
print("order.int.negative " + keys(t) + "\n");
t = {};
foreach (k in [4, 8, 12, 16, 20, 24]) t[k] <- 0;
print("order.int.collide4 " + keys(t) + "\n");
t = {};
foreach (k in [16, 32, 48, 64, 0]) t[k] <- 0;
print("order.int.collide16 " + keys(t) + "\n");
t = {};
foreach (k in [2147483647, -2147483647 - 1, 65536, 1 << 20]) t[k] <- 0;
print("order.int.big " + keys(t) + "\n");
t = {};
for (local i = 0; i < 100; i += 7) t[i] <- i;
print("order.int.step7 " + keys(t) + "\n");
t = {};
for (local i = 0; i < 33; i++) t[i * 3] <- i;
print("order.int.times3.33 " + keys(t) + "\n");
local vals = "";
foreach (k, v in { [3] = "c", [1] = "a", [2] = "b" }) vals += k + "=" + v + " ";
print("order.int.literal.values " + vals + "\n");
local lit = { [10] = 0, [20] = 0, [30] = 0, [40] = 0, [50] = 0 };
print("order.int.literal5 " + keys(lit) + "\n");
local inc = {};
inc[10] <- 0; inc[20] <- 0; inc[30] <- 0; inc[40] <- 0; inc[50] <- 0;
print("order.int.incremental5 " + keys(inc) + "\n");
