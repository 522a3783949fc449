// format(): float directives %f %e %E %g %G, precision and width; the value is a 32-bit float
// widened to double for printf, so digits past the 7th show float rounding.
local vals = [0.0, 1.0, -1.5, 0.1, 3.14159265, 123456.789, 1.0e10, 1.0e-5, 2.5, 100.0, 16777217.0];
foreach (v in vals) {
	print("fmt.float " + v + " f=[" + format("%f", v) + "] e=[" + format("%e", v) + "] E=[" + format("%E", v) +
		"] g=[" + format("%g", v) + "] G=[" + format("%G", v) + "]\n");
}
print("fmt.prec.f [" + format("%.2f", 3.14159) + "] [" + format("%.0f", 2.5) + "] [" + format("%.0f", 3.5) + "] [" + format("%.10f", 0.1) + "]\n");
print("fmt.prec.e [" + format("%.2e", 12345.678) + "] [" + format("%.0e", 5.0) + "]\n");
print("fmt.prec.g [" + format("%.3g", 3.14159) + "] [" + format("%.10g", 0.1) + "] [" + format("%.1g", 0.05) + "] [" + format("%.15g", 1.1) + "]\n");
print("fmt.width.f [" + format("%10.3f", 3.14159) + "] [" + format("%-10.3f|", 3.14159) + "] [" + format("%010.3f", -3.14159) + "]\n");
print("fmt.sign.f [" + format("%+.1f", 1.25) + "] [" + format("% .1f", 1.25) + "] [" + format("%+.1f", -1.25) + "]\n");
print("fmt.alt.g [" + format("%#g", 1.0) + "] [" + format("%#.0f", 3.0) + "]\n");
print("fmt.int.as.float [" + format("%f", 3) + "] [" + format("%.1f", -7) + "] [" + format("%g", 2147483647) + "] [" + format("%e", 0) + "]\n");
print("fmt.round.half [" + format("%.1f", 0.25) + "] [" + format("%.1f", 0.35) + "] [" + format("%.2f", 1.005) + "] [" + format("%.0f", 0.5) + "] [" + format("%.0f", 1.5) + "]\n");
print("fmt.negzero [" + format("%f", -0.0) + "] [" + format("%g", -0.0) + "]\n");
print("fmt.inf [" + format("%f", 1.0 / 0.0) + "] [" + format("%e", -1.0 / 0.0) + "] [" + format("%G", 1.0 / 0.0) + "] [" + format("%5.1f", 1.0 / 0.0) + "]\n");
print("fmt.big.f [" + format("%.0f", 3.0e38) + "]\n");
print("fmt.tiny [" + format("%g", 1.0e-38) + "] [" + format("%.3e", 1.0e-45) + "]\n");
print("fmt.temp [" + format("%.1f C", 21.55) + "] [" + format("%.1f", 21.45) + "]\n");
print("fmt.money [" + format("$%.2f", 1234.5) + "] [" + format("%.2f", 0.015) + "]\n");
print("fmt.percent [" + format("%d%%", 50) + "] [" + format("%.1f%%", 99.5) + "] [" + format("100%%") + "]\n");
try { print("fmt.float.str [" + format("%f", "1.5") + "]\n"); } catch (e) print("fmt.float.str ERR " + e + "\n");
try { print("fmt.float.null [" + format("%g", null) + "]\n"); } catch (e) print("fmt.float.null ERR " + e + "\n");
try { print("fmt.float.bool [" + format("%e", false) + "]\n"); } catch (e) print("fmt.float.bool ERR " + e + "\n");
try { print("fmt.float.a [" + format("%a", 1.0) + "]\n"); } catch (e) print("fmt.float.a ERR " + e + "\n");
try { print("fmt.float.F [" + format("%F", 1.0) + "]\n"); } catch (e) print("fmt.float.F ERR " + e + "\n");
try { print("fmt.float.Lf [" + format("%Lf", 1.0) + "]\n"); } catch (e) print("fmt.float.Lf ERR " + e + "\n");
try { print("fmt.float.width.long [" + format("%123.1f", 1.0) + "]\n"); } catch (e) print("fmt.float.width.long ERR " + e + "\n");
print("fmt.float.width.99 " + format("%99.99f", 1.0).len() + "\n");
