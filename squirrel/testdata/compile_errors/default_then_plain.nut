function ok(a, b = 1) { return a + b; }
function bad(a = 1, b) { return a + b; }
