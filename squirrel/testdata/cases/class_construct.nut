// Instance construction: field defaults of every type, constructor arity at
// every parameter count the fast constructor handles, default parameters.
class P { x = 1; s = "é"; f = 1.5; t = null; a = [1]; constructor(p, q) { x = p + q; } }
local a = P(1, 2); local b = P(3, 4);
print(a.x + " " + b.x + " " + a.s + " " + a.f + " " + (a.a == b.a) + "\n");
try { P(1); } catch (e) print(e + "\n");
try { P(1, 2, 3); } catch (e) print(e + "\n");
try { P(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); } catch (e) print(e + "\n");
class Q { constructor(a, b, c, d, e, f, g) { print(a + b + c + d + e + f + g + "\n"); } }
Q(1, 2, 3, 4, 5, 6, 7);
try { Q(1, 2, 3, 4, 5, 6, 7, 8); } catch (e) print(e + "\n");
class R { constructor(a, b = 5) { print(a + b + "\n"); } }
R(1); R(1, 2);
