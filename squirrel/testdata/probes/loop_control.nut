// while, do-while, for, break, continue, nested loops, loop scoping.
local w = 0, wl = "";
while (w < 5) { w++; if (w == 2) continue; if (w == 4) break; wl += w; }
print("loop.while " + wl + " " + w + "\n");
local d = 10, dl = "";
do { dl += d; d++; } while (d < 10);
print("loop.dowhile.once " + dl + "\n");
local d2 = 0;
do d2 += 3 while (d2 < 10) // no ';' may follow an unbraced do body (a compile error)
print("loop.dowhile.nobraces " + d2 + "\n");
local fl = "";
for (local i = 0, j = 10; i < j; i += 3, j -= 3) fl += i + ":" + j + " ";
print("loop.for.multi " + fl + "\n");
local inf = 0;
for (;;) { inf++; if (inf > 4) break; }
print("loop.for.infinite " + inf + "\n");
local outer = 0;
for (local i = 0; i < 3; i++) for (local j = 0; j < 3; j++) { if (j == 1) break; outer++; }
print("loop.nested.break.inner " + outer + "\n");
local found = null;
local grid = [[1, 2], [3, 4], [5, 6]];
foreach (ri, row in grid) {
	foreach (ci, cell in row) {
		if (cell == 4) { found = ri + "," + ci; break; }
	}
	if (found) break;
}
print("loop.nested.flag.break " + found + "\n");
local cc = "";
for (local i = 0; i < 6; i++) { if (i % 2) continue; cc += i; }
print("loop.for.continue " + cc + "\n");
local dc = 0, dcl = "";
do { dc++; if (dc == 2) continue; dcl += dc; } while (dc < 4);
print("loop.dowhile.continue " + dcl + "\n");
// the for variable is not visible after the loop; an outer one is reused
local k = "outer";
for (local k2 = 0; k2 < 2; k2++) { }
print("loop.scope " + k + "\n");
local reuse = 0;
for (reuse = 5; reuse < 8; reuse++) { }
print("loop.outer.var " + reuse + "\n");
// modifying the loop variable inside the body
local skip = "";
for (local i = 0; i < 10; i++) { skip += i; i += 2; }
print("loop.modify.var " + skip + "\n");
// while with assignment in the condition
local items = [1, 2, 3], popped = "";
local item;
while ((item = items.len() ? items.pop() : null) != null) popped += item;
print("loop.assign.condition " + popped + "\n");
// body without braces, empty statements
local nb = 0;
while (nb < 3) nb++;
for (local i = 0; i < 3; i++);
print("loop.nobraces " + nb + "\n");
// loop with a large count runs fast enough
local sum = 0;
for (local i = 0; i < 100000; i++) sum += i & 7;
print("loop.big " + sum + "\n");
// return from inside nested loops
function findPair(target) {
	for (local a = 1; a < 10; a++) for (local b = a; b < 10; b++) if (a * b == target) return a + "x" + b;
	return "none";
}
print("loop.return.nested " + findPair(12) + " " + findPair(97) + "\n");
// break out of while(true)
local t = 0;
while (true) { if (++t >= 3) break; }
print("loop.while.true " + t + "\n");
// closures created in a do-while body
local dfs = [];
local di = 0;
do { local v = di; dfs.push(@() v); di++; } while (di < 3);
print("loop.dowhile.closures " + dfs[0]() + dfs[1]() + dfs[2]() + "\n");
