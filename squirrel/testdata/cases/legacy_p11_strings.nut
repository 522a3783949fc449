local s = "Hello, World";
print(s.len() + " " + s.slice(0, 5) + " " + s.slice(-5) + " " + s.find("World") + " " + s.find("xyz") + "\n");
print(s.tolower() + " " + s.toupper() + "\n");
print(s[0] + " " + s[4] + "\n");
print("é".len() + " " + "é"[0] + " " + '\xff' + " " + 'a' + "\n");
print(split("a,b,,c;d", ",;").len() + "\n");
foreach (p in split("  one  two three ", " ")) print("[" + p + "]");
print("\n[" + strip("  x y  ") + "][" + lstrip("  x ") + "][" + rstrip(" x  ") + "]\n");
print(format("%d %5d %-5d| %05d %x %X %o %c %s %5s %-5s|", 42, 42, 42, 42, 255, 255, 8, 65, "str", "ab", "ab") + "\n");
print(format("%f %.2f %e %g %g %g", 3.14159, 2.5, 12345.678, 0.0001, 123456789.0, 100) + "\n");
print(format("%d", 3.9) + " " + format("%.3s", "abcdef") + " " + format("%%") + "\n");
try { format("%s", 5); } catch (e) { print(e + "\n"); }
try { format("%d"); } catch (e) { print(e + "\n"); }
try { format("%d", "x"); } catch (e) { print(e + "\n"); }
print(format("%x", -1) + " " + format("%+d % d", 5, 5) + "\n");
foreach (i, c in "abc") print(i + ":" + c + " ");
print("\n");
print("abc" < "abd");
print(" " + ("b" > "a") + " " + ("abc" == "abc") + "\n");
print("12".tointeger() + 1);
print(" " + "3.5".tofloat() + " " + (5).tostring() + " " + (5).tofloat() + " " + (5.7).tointeger() + "\n");
print((65.0).tochar());
print("\n");
local r = regexp("([a-z]+)@([a-z]+)\\.com");
local m = r.capture("mail: bob@example.com now");
foreach (x in m) print(x.begin + "-" + x.end + " ");
print("\n" + r.match("bob@example.com") + " " + r.match("x bob@example.com") + "\n");
local sr = regexp("[0-9]+").search("abc 123 def");
print(sr.begin + " " + sr.end + "\n");
print(typeof r + " " + r.subexpcount() + "\n");
