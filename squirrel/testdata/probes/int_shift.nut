// Shifts: << >> (arithmetic) >>> (logical). Counts of 32 and more, and negative counts, are
// masked to 5 bits by the x86 oracle (1 << 32 == 1); they are in the int.shift.mask lines.
print("int.shl.1_0 " + (1 << 0) + "\n");
print("int.shl.1_1 " + (1 << 1) + "\n");
print("int.shl.1_30 " + (1 << 30) + "\n");
print("int.shl.1_31 " + (1 << 31) + "\n");
print("int.shl.3_31 " + (3 << 31) + "\n");
print("int.shl.ff_24 " + (0xFF << 24) + "\n");
print("int.shl.neg " + (-1 << 4) + "\n");
print("int.shl.big " + (0x12345678 << 8) + "\n");
print("int.shr.16_2 " + (16 >> 2) + "\n");
print("int.shr.neg " + (-16 >> 2) + "\n");
print("int.shr.neg1 " + (-1 >> 31) + "\n");
print("int.shr.min " + ((-2147483647 - 1) >> 31) + "\n");
print("int.shr.min4 " + ((-2147483647 - 1) >> 4) + "\n");
print("int.shr.max " + (2147483647 >> 30) + "\n");
print("int.ushr.16_2 " + (16 >>> 2) + "\n");
print("int.ushr.neg1_1 " + (-1 >>> 1) + "\n");
print("int.ushr.neg1_28 " + (-1 >>> 28) + "\n");
print("int.ushr.neg1_31 " + (-1 >>> 31) + "\n");
print("int.ushr.neg16_2 " + (-16 >>> 2) + "\n");
print("int.ushr.min_31 " + ((-2147483647 - 1) >>> 31) + "\n");
print("int.ushr.neg_0 " + (-5 >>> 0) + "\n");
print("int.shl.var " + (function(n) { return 1 << n; })(12) + "\n");
local v = 0x0F;
v = v << 4;
print("int.shl.assign " + v + "\n");
v = v >> 2;
print("int.shr.assign " + v + "\n");
// byte packing and unpacking
local b0 = 0x12, b1 = 0x34, b2 = 0xAB, b3 = 0xCD;
local packed = (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
print("int.pack " + packed + "\n");
print("int.unpack " + ((packed >> 24) & 0xFF) + " " + ((packed >> 16) & 0xFF) + " " + ((packed >> 8) & 0xFF) + " " + (packed & 0xFF) + "\n");
local negpacked = (0xFE << 24) | 1;
print("int.pack.neg " + negpacked + "\n");
print("int.unpack.shr " + (negpacked >> 24) + "\n");
print("int.unpack.ushr " + (negpacked >>> 24) + "\n");
// precedence: shifts below + and -, above comparisons
print("int.shift.prec1 " + (1 << 3 - 1) + "\n");
print("int.shift.prec2 " + (256 >> 2 * 2) + "\n");
print("int.shift.prec3 " + (1 << 4 > 8) + "\n");
print("int.shift.typeof " + typeof (1 << 31) + "\n");
print("int.shift.mask.1_32 " + (1 << 32) + "\n");
print("int.shift.mask.1_33 " + (1 << 33) + "\n");
print("int.shift.mask.256_40 " + (256 >> 40) + "\n");
print("int.shift.mask.neg1_32 " + (-1 >>> 32) + "\n");
print("int.shift.mask.1_neg1 " + (1 << -1) + "\n");
