// Bitwise operators on 32-bit integers, and their errors on other types.
print("int.and " + (0xF0F0 & 0x0FF0) + "\n");
print("int.or " + (0xF000 | 0x000F) + "\n");
print("int.xor " + (0xFF ^ 0x0F) + "\n");
print("int.not0 " + (~0) + "\n");
print("int.not5 " + (~5) + "\n");
print("int.notneg " + (~-1) + "\n");
print("int.notmax " + (~2147483647) + "\n");
print("int.and.neg " + (-1 & 0xFF) + "\n");
print("int.and.neg2 " + (-256 & 0xFFFF) + "\n");
print("int.or.neg " + (0x80000000 | 1) + "\n");
print("int.xor.neg " + (-1 ^ 0x7FFFFFFF) + "\n");
print("int.xor.self " + (12345 ^ 12345) + "\n");
print("int.hex.ffffffff " + 0xFFFFFFFF + "\n");
print("int.hex.80000000 " + 0x80000000 + "\n");
print("int.mask.byte " + ((0x12345678 >> 8) & 0xFF) + "\n");
print("int.mask.set " + (0 | (1 << 3) | (1 << 5)) + "\n");
print("int.mask.clear " + (0xFF & ~(1 << 2)) + "\n");
print("int.mask.test " + ((0x20 & (1 << 5)) != 0) + "\n");
local flags = 0;
flags = flags | 4;
flags = flags | 1;
print("int.flags " + flags + "\n");
flags = flags & ~4;
print("int.flags.cleared " + flags + "\n");
// precedence: & binds tighter than ^ which binds tighter than |; all below ==
print("int.prec1 " + (1 | 2 & 3) + "\n");
print("int.prec2 " + (1 ^ 3 & 2) + "\n");
print("int.prec3 " + (6 & (3 == 3 ? 3 : 0)) + "\n");
try { print("int.prec3b " + (6 & 3 == 3) + "\n"); } catch (e) print("int.prec3b ERR " + e + "\n");
print("int.prec4 " + (1 << 2 + 1) + "\n");
print("int.prec5 " + (~1 + 1) + "\n");
// bitwise on floats, strings, bools, null throw
try { print("int.and.float " + (1.5 & 1) + "\n"); } catch (e) print("int.and.float ERR " + e + "\n");
try { print("int.or.float2 " + (1 | 2.0) + "\n"); } catch (e) print("int.or.float2 ERR " + e + "\n");
try { print("int.xor.str " + ("a" ^ 1) + "\n"); } catch (e) print("int.xor.str ERR " + e + "\n");
try { print("int.and.bool " + (true & 1) + "\n"); } catch (e) print("int.and.bool ERR " + e + "\n");
try { print("int.or.null " + (null | 1) + "\n"); } catch (e) print("int.or.null ERR " + e + "\n");
try { print("int.not.float " + (~1.0) + "\n"); } catch (e) print("int.not.float ERR " + e + "\n");
try { print("int.not.str " + (~"x") + "\n"); } catch (e) print("int.not.str ERR " + e + "\n");
try { print("int.not.null " + (~null) + "\n"); } catch (e) print("int.not.null ERR " + e + "\n");
try { print("int.shl.float " + (1.0 << 2) + "\n"); } catch (e) print("int.shl.float ERR " + e + "\n");
try { print("int.shr.table " + ({} >> 1) + "\n"); } catch (e) print("int.shr.table ERR " + e + "\n");
// crc-ish mixing
local crc = 0xFFFFFFFF;
foreach (b in "123456789") {
	crc = crc ^ b;
	for (local k = 0; k < 8; k++) {
		if (crc & 1) crc = (crc >>> 1) ^ 0xEDB88320;
		else crc = crc >>> 1;
	}
}
print("int.crc32 " + (crc ^ 0xFFFFFFFF) + "\n");
print("int.crc32.hex " + format("%08x", crc ^ 0xFFFFFFFF) + "\n");
