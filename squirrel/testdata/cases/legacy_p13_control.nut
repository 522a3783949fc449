for (local i = 0; i < 10; i++) {
  if (i == 2) continue;
  if (i == 6) break;
  print(i);
}
print("\n");
local i = 0;
while (true) { i++; if (i > 5) break; }
print(i + "\n");
do { i--; } while (i > 0);
print(i + "\n");
function sw(x) {
  switch (x) {
    case 1: return "one";
    case 2:
    case 3: return "two-three";
    case "s": return "string";
    case 1.5: return "float";
    default: return "other";
  }
}
print(sw(1) + " " + sw(2) + " " + sw(3) + " " + sw("s") + " " + sw(1.5) + " " + sw(9) + "\n");
local fall = "";
switch (2) { case 1: fall += "1"; case 2: fall += "2"; case 3: fall += "3"; break; case 4: fall += "4"; }
print(fall + "\n");
local r = 0;
try { throw "boom"; } catch (e) { r = e; }
print(r + "\n");
try { throw {code = 5}; } catch (e) { print(e.code + "\n"); }
try { local x = null; x.y; } catch (e) { print(e + "\n"); }
function nested() { try { throw 1; } catch (e) { throw e + 1; } }
try { nested(); } catch (e) { print(e + "\n"); }
print((1 && 2) + " " + (0 && 2) + " " + (null || "d") + " " + (false || 0) + "\n");
print((1 ? "y" : "n") + ((0.0) ? "y" : "n") + ("" ? "y" : "n") + (null ? "y" : "n") + "\n");
local x = 5;
x += 3; x -= 1; x *= 2; x /= 3; x %= 3;
print(x + "\n");
print((x++) + " " + x + " " + (++x) + " " + (x--) + " " + x + "\n");
const C1 = 10;
enum E { A, B = 5, C }
print(C1 + " " + E.A + " " + E.B + " " + E.C + "\n");
function usesConst() { const INNER = 3; return INNER; }
print(usesConst() + " " + INNER + "\n");
