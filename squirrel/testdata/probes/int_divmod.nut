// Integer division truncates toward zero; modulo takes the sign of the dividend.
print("int.div.7_2 " + (7 / 2) + "\n");
print("int.div.-7_2 " + (-7 / 2) + "\n");
print("int.div.7_-2 " + (7 / -2) + "\n");
print("int.div.-7_-2 " + (-7 / -2) + "\n");
print("int.div.1_3 " + (1 / 3) + "\n");
print("int.div.-1_3 " + (-1 / 3) + "\n");
print("int.div.0_5 " + (0 / 5) + "\n");
print("int.div.big " + (2147483647 / 10) + "\n");
print("int.div.typeof " + typeof (7 / 2) + "\n");
print("int.mod.7_3 " + (7 % 3) + "\n");
print("int.mod.-7_3 " + (-7 % 3) + "\n");
print("int.mod.7_-3 " + (7 % -3) + "\n");
print("int.mod.-7_-3 " + (-7 % -3) + "\n");
print("int.mod.6_3 " + (6 % 3) + "\n");
print("int.mod.-6_3 " + (-6 % 3) + "\n");
print("int.mod.0_3 " + (0 % 3) + "\n");
print("int.mod.2_5 " + (2 % 5) + "\n");
print("int.mod.min_10 " + ((-2147483647 - 1) % 10) + "\n");
try { print("int.div.zero " + (1 / 0) + "\n"); } catch (e) print("int.div.zero ERR " + e + "\n");
try { local z = 0; print("int.div.zerovar " + (10 / z) + "\n"); } catch (e) print("int.div.zerovar ERR " + e + "\n");
try { local z = 0; local q = 5; q /= z; print("int.div.zeroeq " + q + "\n"); } catch (e) print("int.div.zeroeq ERR " + e + "\n");
try { print("int.div.zero0 " + (0 / 0) + "\n"); } catch (e) print("int.div.zero0 ERR " + e + "\n");
// mixed int/float division is float division
print("int.div.float1 " + (7 / 2.0) + "\n");
print("int.div.float2 " + (7.0 / 2) + "\n");
print("int.div.float3 " + (-7 / 2.0) + "\n");
print("int.div.floatzero " + (1 / 0.0) + "\n");
print("int.div.floatnegzero " + (-1 / 0.0) + "\n");
print("int.mod.float1 " + (7.5 % 2) + "\n");
print("int.mod.float2 " + (-7.5 % 2) + "\n");
print("int.mod.float3 " + (7 % 2.5) + "\n");
print("int.mod.float4 " + (5.25 % -2.0) + "\n");
// division results used as indexes / loop bounds
local arr = [10, 20, 30, 40, 50];
print("int.div.index " + arr[arr.len() / 2] + "\n");
local mid = (3 + 8) / 2;
print("int.div.mid " + mid + "\n");
local parts = [];
local n = 1234567;
while (n > 0) { parts.push(n % 10); n /= 10; }
local s = "";
foreach (p in parts) s += p;
print("int.div.digits " + s + "\n");
local neg = -1234;
print("int.div.negdigit " + (neg % 10) + " " + (neg / 10) + "\n");
// compound forms
local c = 100;
c /= 7;
print("int.diveq " + c + "\n");
c %= 5;
print("int.modeq " + c + "\n");
local t = { v = 17 };
t.v %= 5;
print("int.slot.modeq " + t.v + "\n");
t.v /= 2;
print("int.slot.diveq " + t.v + "\n");
