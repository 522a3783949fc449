// 32-bit floats print like C's %g (6 significant digits) of the single-precision value.
local vals = [
	["1.0", 1.0], ["0.0", 0.0], ["-1.0", -1.0], ["0.1", 0.1], ["0.5", 0.5], ["1.5", 1.5],
	["2.25", 2.25], ["3.14159", 3.14159], ["3.1415926535", 3.1415926535], ["100.0", 100.0],
	["1e5", 1.0e5], ["123456.0", 123456.0], ["999999.0", 999999.0], ["1000000.0", 1000000.0],
	["1234567.0", 1234567.0], ["123456789.0", 123456789.0], ["1e10", 1.0e10], ["1e-4", 1.0e-4],
	["1e-5", 1.0e-5], ["0.0001234", 0.0001234], ["0.00001234", 0.00001234], ["1e20", 1.0e20],
	["1e30", 1.0e30], ["3.4e38", 3.4e38], ["1e-30", 1.0e-30], ["1e-38", 1.0e-38], ["1e-45", 1.0e-45],
	["16777216.0", 16777216.0], ["16777217.0", 16777217.0], ["0.3", 0.3], ["2.5e-3", 2.5e-3],
	["-123.456", -123.456], ["65536.5", 65536.5], ["0.999999", 0.999999], ["0.9999999", 0.9999999],
	["99999.95", 99999.95], ["1e6-1", 999999.4], ["12345.678", 12345.678], ["1.0e+2", 1.0e+2],
	["5.E3", 5.E3], ["1.5e-2", 1.5e-2], ["2.", 2.], ["0.000001", 0.000001], ["1e100", 1.0e100]
];
foreach (v in vals) print("float.print " + v[0] + " -> " + v[1] + "\n");
// computed values
print("float.calc.third " + (1 / 3.0) + "\n");
print("float.calc.twothirds " + (2 / 3.0) + "\n");
print("float.calc.sum " + (0.1 + 0.2) + "\n");
print("float.calc.sum.eq " + (0.1 + 0.2 == 0.3) + "\n");
print("float.calc.tenth.sum " + (0.1 + 0.1 + 0.1) + "\n");
print("float.calc.big " + (16777216.0 + 1.0) + "\n");
print("float.calc.big.eq " + (16777216.0 + 1.0 == 16777216.0) + "\n");
print("float.calc.sqrt2 " + sqrt(2) + "\n");
print("float.calc.pi " + PI + "\n");
print("float.calc.negzero " + (-0.0) + "\n");
print("float.calc.negzero2 " + (0.0 * -1) + "\n");
print("float.calc.time " + (1700000000 * 1.0) + "\n");
print("float.calc.time.back " + (1700000123 * 1.0).tointeger() + "\n");
print("float.calc.cents " + (19.99 * 100) + "\n");
print("float.calc.cents.int " + (19.99 * 100).tointeger() + "\n");
print("float.tostring " + (2.5).tostring() + " " + typeof (2.5).tostring() + "\n");
print("float.tostring.whole " + (3.0).tostring() + "\n");
print("float.concat.left " + 1.25 + "\n");
print("float.concat.right " + (0.75 + "x") + "\n");
local acc = 0.0;
for (local i = 0; i < 10; i++) acc += 0.1;
print("float.accum " + acc + " " + (acc == 1.0) + "\n");
local big = 1.0;
for (local i = 0; i < 12; i++) big *= 10;
print("float.pow10.12 " + big + "\n");
local small = 1.0;
for (local i = 0; i < 12; i++) small /= 10;
print("float.pow10.-12 " + small + "\n");
