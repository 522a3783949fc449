// strip, lstrip, rstrip remove C isspace() characters (space \t \n \v \f \r).
local cases = ["  abc  ", "abc", "", "   ", "\t\n a b \r\n", "\v\fx\v\f", "a ", " a", "\n"];
foreach (i, c in cases) {
	print("strip." + i + " [" + strip(c) + "] [" + lstrip(c) + "] [" + rstrip(c) + "] " +
		strip(c).len() + " " + lstrip(c).len() + " " + rstrip(c).len() + "\n");
}
local nul = " x\0 ";
print("strip.nul.lengths " + strip(nul).len() + " " + lstrip(nul).len() + " " + rstrip(nul).len() + "\n");
print("strip.inner.kept [" + strip("  a  b  ") + "]\n");
print("strip.nbsp " + strip("\xa0x\xa0").len() + "\n");
print("strip.utf8 [" + strip(" é ") + "]\n");
print("strip.typeof " + typeof strip(" ") + "\n");
try { print("strip.int " + strip(5) + "\n"); } catch (e) print("strip.int ERR " + e + "\n");
try { print("strip.null " + strip(null) + "\n"); } catch (e) print("strip.null ERR " + e + "\n");
try { print("strip.noargs " + strip() + "\n"); } catch (e) print("strip.noargs ERR " + e + "\n");
try { print("strip.twoargs " + strip(" a ", " ") + "\n"); } catch (e) print("strip.twoargs ERR " + e + "\n");
try { print("lstrip.table " + lstrip({}) + "\n"); } catch (e) print("lstrip.table ERR " + e + "\n");
try { print("str.strip.method " + " a ".strip() + "\n"); } catch (e) print("str.strip.method ERR " + e + "\n");
local line = "  temp = 21.5  \r\n";
local parts = split(strip(line), "=");
print("strip.parse [" + strip(parts[0]) + "] [" + strip(parts[1]) + "] " + strip(parts[1]).tofloat() + "\n");
