// Comparing an integer with a float converts the integer to a 32-bit float first, so integers
// above 2^24 compare equal to nearby floats. (An x87 build of sq compares in extended precision
// and differs here; these lines are recorded from an SSE build, which matches the imp's
// single-precision float.)
local f = 16777216.0;
print("fic.eq.16777217 " + (16777217 == f) + " " + (f == 16777217) + "\n");
print("fic.ne.16777217 " + (16777217 != f) + "\n");
print("fic.lt.16777217 " + (16777217 < f) + " " + (f < 16777217) + "\n");
print("fic.le.16777217 " + (16777217 <= f) + " " + (f >= 16777217) + "\n");
print("fic.3way.16777217 " + (16777217 <=> f) + " " + (f <=> 16777217) + "\n");
print("fic.eq.max " + (2147483647 == 2147483648.0) + " " + (2147483647 <=> 2147483648.0) + "\n");
print("fic.eq.123456789 " + (123456789 == 123456792.0) + " " + (123456789 == 123456789.0) + "\n");
print("fic.lt.123456789 " + (123456789 < 123456792.0) + " " + (123456789 > 123456784.0) + "\n");
print("fic.time " + (1700000123 == 1700000128.0) + " " + (1700000123 == 1700000123 * 1.0) + "\n");
local t = 1700000123;
local tf = t * 1.0;
print("fic.time.roundtrip " + (tf == t) + " " + (tf.tointeger() == t) + " " + (tf.tointeger() - t) + "\n");
print("fic.small.exact " + (16777215 == 16777215.0) + " " + (16777215 < 16777216.0) + "\n");
print("fic.negative " + (-16777217 == -16777216.0) + " " + (-16777217 < -16777216.0) + "\n");
local arr = [1.0, 16777216.0];
print("fic.find " + arr.find(16777217) + " " + arr.find(1) + "\n");
local keyed = {};
keyed[16777216.0] <- "float";
print("fic.tablekey " + (16777217 in keyed) + " " + (16777216.0 in keyed) + " " + (16777216 in keyed) + "\n");
