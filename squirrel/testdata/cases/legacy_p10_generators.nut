function gen(n) { for (local i = 0; i < n; i++) yield i * 10; return "done"; }
local g = gen(3);
print(typeof g + " " + g.getstatus() + "\n");
print(resume g + " " + resume g + " " + resume g + " " + resume g + "\n");
print(g.getstatus() + "\n");
try { resume g; } catch (e) { print(e + "\n"); }
foreach (k, v in gen(4)) print(k + ":" + v + " ");
print("\n");
function fib() { local a = 0, b = 1; while (true) { yield a; local t = a + b; a = b; b = t; } }
local f = fib();
for (local i = 0; i < 10; i++) print(resume f + " ");
print("\n");
