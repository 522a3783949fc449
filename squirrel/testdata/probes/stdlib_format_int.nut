// format(): integer directives %d %i %u %o %x %X %c with flags, widths and precision.
local vals = [0, 1, -1, 42, -42, 255, 2147483647, -2147483647 - 1, 65535, 100000];
foreach (v in vals) {
	print("fmt.int " + v + " d=[" + format("%d", v) + "] i=[" + format("%i", v) + "] u=[" + format("%u", v) +
		"] o=[" + format("%o", v) + "] x=[" + format("%x", v) + "] X=[" + format("%X", v) + "]\n");
}
print("fmt.width [" + format("%5d", 42) + "] [" + format("%-5d", 42) + "] [" + format("%05d", 42) + "] [" + format("%05d", -42) + "]\n");
print("fmt.sign [" + format("%+d", 42) + "] [" + format("%+d", -42) + "] [" + format("% d", 42) + "] [" + format("% d", -42) + "]\n");
print("fmt.precision [" + format("%.3d", 7) + "] [" + format("%6.3d", 7) + "] [" + format("%-6.3d|", 7) + "]\n");
print("fmt.alt [" + format("%#o", 8) + "] [" + format("%#X", 255) + "] [" + format("%#x", 255).slice(1) + "]\n");
print("fmt.hex.pad [" + format("%08x", 0xBEEF) + "] [" + format("%02X", 10) + "] [" + format("%02x", 300) + "]\n");
print("fmt.width99 [" + format("%20d", 1) + "] " + format("%99d", 1).len() + "\n");
print("fmt.float.as.int [" + format("%d", 3.99) + "] [" + format("%d", -3.99) + "] [" + format("%x", 255.5) + "]\n");
print("fmt.char [" + format("%c", 65) + "] [" + format("%c%c%c", 72, 105, 33) + "] [" + format("%3c", 'z') + "]\n");
print("fmt.char.float [" + format("%c", 66.7) + "] [" + format("%c", 256 + 67) + "]\n");
print("fmt.char.nul.len " + format("a%cb", 0).len() + "\n");
print("fmt.char.high " + format("%c", 233)[0] + "\n");
try { print("fmt.int.str [" + format("%d", "5") + "]\n"); } catch (e) print("fmt.int.str ERR " + e + "\n");
try { print("fmt.int.bool [" + format("%d", true) + "]\n"); } catch (e) print("fmt.int.bool ERR " + e + "\n");
try { print("fmt.int.null [" + format("%d", null) + "]\n"); } catch (e) print("fmt.int.null ERR " + e + "\n");
try { print("fmt.int.table [" + format("%x", {}) + "]\n"); } catch (e) print("fmt.int.table ERR " + e + "\n");
try { print("fmt.char.str [" + format("%c", "A") + "]\n"); } catch (e) print("fmt.char.str ERR " + e + "\n");
try { print("fmt.long [" + format("%ld", 5) + "]\n"); } catch (e) print("fmt.long ERR " + e + "\n");
try { print("fmt.width.3digits [" + format("%100d", 5) + "]\n"); } catch (e) print("fmt.width.3digits ERR " + e + "\n");
try { print("fmt.prec.3digits [" + format("%.100d", 5) + "]\n"); } catch (e) print("fmt.prec.3digits ERR " + e + "\n");
try { print("fmt.missing.arg [" + format("%d %d", 1) + "]\n"); } catch (e) print("fmt.missing.arg ERR " + e + "\n");
try { print("fmt.star [" + format("%*d", 5, 1) + "]\n"); } catch (e) print("fmt.star ERR " + e + "\n");
print("fmt.extra.args [" + format("%d", 1, 2, 3) + "]\n");
print("fmt.many.flags [" + format("%-+5d|", 3) + "] [" + format("%+05d", 3) + "] [" + format("%- 5d|", 3) + "]\n");
print("fmt.mac [" + format("%02x:%02x:%02x", 0, 171, 7) + "]\n");
print("fmt.ip [" + format("%d.%d.%d.%d", 192, 168, 1, 20) + "]\n");
print("fmt.time [" + format("%04d-%02d-%02dT%02d:%02d:%02dZ", 2024, 3, 9, 7, 5, 0) + "]\n");
local hex = "";
foreach (b in "Hi\xff") hex += format("%02x", b & 0xFF);
print("fmt.hexdump " + hex + "\n");
local neghex = "";
foreach (b in "\xff") neghex += format("%02x", b);
print("fmt.hexdump.signed " + neghex + "\n");
