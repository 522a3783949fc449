// Conversions between integers, floats, strings and bools. Floats outside the int32 range are
// not converted here: the C cast is undefined there (x86 gives INT_MIN, ARM saturates).
print("conv.f2i.pos " + (3.7).tointeger() + "\n");
print("conv.f2i.neg " + (-3.7).tointeger() + "\n");
print("conv.f2i.half " + (2.5).tointeger() + " " + (-2.5).tointeger() + "\n");
print("conv.f2i.small " + (0.999).tointeger() + " " + (-0.999).tointeger() + "\n");
print("conv.f2i.big " + (2.0e9).tointeger() + " " + (-2.0e9).tointeger() + "\n");
print("conv.f2i.typeof " + typeof (3.7).tointeger() + "\n");
print("conv.i2f " + (7).tofloat() + " " + typeof (7).tofloat() + "\n");
print("conv.i2f.big " + (2147483647).tofloat() + "\n");
print("conv.i2f.roundtrip " + (16777217).tofloat().tointeger() + " " + (123456789).tofloat().tointeger() + "\n");
print("conv.i2i " + (5).tointeger() + "\n");
print("conv.f2f " + (5.5).tofloat() + "\n");
print("conv.bool2i " + true.tointeger() + " " + false.tointeger() + "\n");
print("conv.bool2f " + true.tofloat() + " " + typeof true.tofloat() + "\n");
print("conv.bool.tostring " + true.tostring() + " " + false.tostring() + "\n");
print("conv.bool.tochar " + true.tochar().len() + "\n");
print("conv.i.tostring " + (-12).tostring() + " " + typeof (-12).tostring() + "\n");
print("conv.f.tostring " + (1.0e10).tostring() + "\n");
print("conv.tochar " + (72).tochar() + (105).tochar() + "\n");
print("conv.tochar.float " + (65.9).tochar() + "\n");
print("conv.tochar.big " + (256 + 65).tochar() + "\n");
print("conv.tochar.neg " + (-61).tochar().len() + " " + (-61).tochar()[0] + "\n");
// strings to numbers
local strs = ["42", "-42", "+7", "  12", "12  ", "3.5", "-0.25", "1e3", "1E2", "2.5e-1", "0x1F",
	"010", "abc", "12abc", "", " ", "1.2.3", ".5", "5.", "-", "2147483647", "2147483648",
	"99999999999", "-2147483649", "1e", "e5", "0", "-0", "00012", "3,5", "inf", "nan", "\t9"];
foreach (s in strs) {
	local i, f;
	try { i = s.tointeger(); } catch (e) i = "ERR " + e;
	try { f = s.tofloat(); } catch (e) f = "ERR " + e;
	print("conv.str \"" + s + "\" tointeger=" + i + " (" + typeof i + ") tofloat=" + f + " (" + typeof f + ")\n");
}
// implicit conversions in arithmetic and concatenation
print("conv.concat.int " + ("n=" + 5) + "\n");
print("conv.concat.float " + ("f=" + 0.5) + "\n");
print("conv.concat.bool " + ("b=" + true) + "\n");
print("conv.concat.left " + (5 + "=n") + "\n");
print("conv.concat.both " + (1 + 2 + "3" + 4 + 5) + "\n");
try { print("conv.add.str.minus " + ("5" - 1) + "\n"); } catch (e) print("conv.add.str.minus ERR " + e + "\n");
try { print("conv.mul.str " + ("5" * 2) + "\n"); } catch (e) print("conv.mul.str ERR " + e + "\n");
try { print("conv.div.str " + (10 / "2") + "\n"); } catch (e) print("conv.div.str ERR " + e + "\n");
try { print("conv.add.bool " + (true + 1) + "\n"); } catch (e) print("conv.add.bool ERR " + e + "\n");
try { print("conv.add.null " + (null + 1) + "\n"); } catch (e) print("conv.add.null ERR " + e + "\n");
try { print("conv.add.table " + ({} + 1) + "\n"); } catch (e) print("conv.add.table ERR " + e + "\n");
try { print("conv.add.array " + ([] + []) + "\n"); } catch (e) print("conv.add.array ERR " + e + "\n");
try { print("conv.sub.float.null " + (1.5 - null) + "\n"); } catch (e) print("conv.sub.float.null ERR " + e + "\n");
try { print("conv.neg.str " + (-"a") + "\n"); } catch (e) print("conv.neg.str ERR " + e + "\n");
try { print("conv.neg.null " + (-null) + "\n"); } catch (e) print("conv.neg.null ERR " + e + "\n");
try { print("conv.neg.bool " + (-true) + "\n"); } catch (e) print("conv.neg.bool ERR " + e + "\n");
try { print("conv.null.tointeger " + null.tointeger() + "\n"); } catch (e) print("conv.null.tointeger ERR " + e + "\n");
try { print("conv.table.tointeger " + {}.tointeger() + "\n"); } catch (e) print("conv.table.tointeger ERR " + e + "\n");
try { print("conv.array.tofloat " + [].tofloat() + "\n"); } catch (e) print("conv.array.tofloat ERR " + e + "\n");
