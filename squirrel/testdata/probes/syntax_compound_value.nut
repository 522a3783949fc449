// 3.0.4's peephole optimiser: when the value of a compound assignment (+= -= *= /= %=) to a
// LOCAL is moved straight into another register (a local initialiser, an assignment to another
// local, a call argument), the arithmetic writes only the destination and the local keeps its
// old value. Slots and ++/-- are not affected. Real 3.0.4 behaviour, recorded as is.
local x = 3;
local z = (x += 2);
print("cv.local.init " + z + " " + x + "\n");
local x2 = 3;
local z2 = x2 -= 1;
print("cv.local.init.noparen " + z2 + " " + x2 + "\n");
local x3 = 3, y3 = 0;
y3 = (x3 *= 4);
print("cv.local.assign " + y3 + " " + x3 + "\n");
local x4 = 7;
local id = function(v) { return v; };
print("cv.call.arg " + id(x4 += 1) + " " + x4 + "\n");
local x5 = 10;
print("cv.concat " + (x5 /= 2) + " " + x5 + "\n");
local x6 = 2;
local t = { k = (x6 *= 3) };
print("cv.table.value " + t.k + " " + x6 + "\n");
local x7 = 9;
local arr = [x7 %= 4];
print("cv.array.item " + arr[0] + " " + x7 + "\n");
function inner() {
	local q = 1;
	local w = (q += 5);
	return q + " " + w;
}
print("cv.function " + inner() + "\n");
local s = { v = 1 };
local r = (s.v += 5);
print("cv.slot " + r + " " + s.v + "\n");
local p = 1;
local pp = p++;
print("cv.postinc " + pp + " " + p + "\n");
local q = 1;
local qq = ++q;
print("cv.preinc " + qq + " " + q + "\n");
local a = 1;
local b = (a = 5);
print("cv.plain.assign " + b + " " + a + "\n");
local c = 1;
c += 4;
local d = c;
print("cv.statement " + c + " " + d + "\n");
local e = 2;
if ((e += 3) > 4) print("cv.condition " + e + "\n");
local str = "a";
local str2 = (str += "b");
print("cv.string " + str2 + " " + str + "\n");
