// In-place updates of slots (x.k += n, x[k]++, x.k = x.k + n) on every kind
// of container and value, including the cases that must fail or take the
// general path.
function show(label, v) { print(label + ": " + v + " (" + typeof v + ")\n"); }
function attempt(label, f) {
	try { f(); } catch (e) { print(label + " threw: " + e + "\n"); }
}

local t = { n = 1, f = 1.5, s = "ab", b = true, big = 2147483647 };
t.n += 2; show("t.n += 2", t.n);
t.n -= 5; show("t.n -= 5", t.n);
t.f += 1; show("t.f += 1", t.f);
t.n += 0.5; show("t.n += 0.5", t.n);
t.s += 1; show("t.s += 1", t.s);
t.big += 1; show("t.big += 1", t.big);
t.big--; show("t.big--", t.big);
show("t.n++ value", t.n++);
show("++t.n value", ++t.n);
show("(t.n += 3) value", t.n += 3);
local k = "n";
t[k]++; show("t[k]++", t[k]);
t[k] += 10; show("t[k] += 10", t[k]);
t[k] = t[k] + 1; show("t[k] = t[k] + 1", t[k]);
t.n = t.n - 100; show("t.n = t.n - 100", t.n);
show("value of t.n = t.n + 1", t.n = t.n + 1);
attempt("t.b += 1", function() { t.b += 1; });
attempt("t.missing += 1", function() { t.missing += 1; });
attempt("t.missing++", function() { t.missing++; });
attempt("t.missing = t.missing + 1", function() { t.missing = t.missing + 1; });
local nk = 5;
attempt("t[5]++", function() { t[nk]++; });
t[5] <- 1; t[nk]++; show("t[5]++", t[5]);
t[nk] += 2; show("t[5] += 2", t[5]);

local a = [1, 2.5, "x", null];
local i = 0;
a[i] += 5; show("a[0] += 5", a[0]);
a[i]++; show("a[0]++", a[0]);
a[0] = a[0] + 1; show("a[0] = a[0] + 1", a[0]);
i = 1; a[i] += 1; show("a[1] += 1", a[1]);
i = 2; a[i] += 1; show("a[2] += 1", a[2]);
i = 3; attempt("a[3] += 1", function() { a[i] += 1; });
i = 9; attempt("a[9] += 1", function() { a[i] += 1; });
i = -1; attempt("a[-1]++", function() { a[i]++; });
attempt("a.len += 1", function() { a.len += 1; });
local u = a;
local ui = 0;
u[ui] -= 3; show("u[0] -= 3", u[0]);

class C {
	x = 1;
	y = "s";
	static S = 7;
	function bump() { x += 1; x++; this.x = this.x + 1; return x; }
}
local c = C();
c.x += 4; show("c.x += 4", c.x);
c.x++; show("c.x++", c.x);
c.x = c.x + 2; show("c.x = c.x + 2", c.x);
show("c.bump()", c.bump());
c.y += 1; show("c.y += 1", c.y);
attempt("c.S += 1", function() { c.S += 1; });
attempt("c.nope++", function() { c.nope++; });
show("C().x", C().x);

// delegates: a missing slot with _get/_set metamethods
local log = [];
local d = { v = 1 }.setdelegate({
	_get = function(key) { log.push("get " + key); return 10; },
	_set = function(key, value) { log.push("set " + key + "=" + value); }
});
d.v += 1; show("d.v += 1", d.v);
d.w += 1; show("log", log.reduce(@(acc, s) acc + "; " + s));
d.w++;
d.w = d.w + 5;
show("log", log.reduce(@(acc, s) acc + "; " + s));

// a float on the right, a string on the right
local r = { n = 3 };
local fl = 0.25, st = "z";
r.n += fl; show("r.n += fl", r.n);
r.n = 3; r.n += st; show("r.n += st", r.n);
r.n = 3; r.n = r.n + fl; show("r.n = r.n + fl", r.n);

// a key that is not a string
local m = {};
m[1] <- 1; m[1.5] <- 2; m[true] <- 3;
local keys = [1, 1.5, true];
foreach (key in keys) { m[key] += 1; m[key]++; }
foreach (key in keys) show("m[" + key + "]", m[key]);

// bare names: slots of `this` (a table, an instance, the root table) or,
// when `this` lacks them, of the root table
counter <- 10;
function bumpGlobal() { counter++; counter += 2; counter = counter + 3; counter -= 1; return counter; }
show("bumpGlobal()", bumpGlobal());
local host = { n = 1, counter = 100, f = function() { n++; n += 2; n = n + 3; counter++; return n + counter; } };
show("host.f()", host.f());
show("root counter", counter);
local other = { f = host.f };
other.f = host.f;
attempt("other.f()", function() { other.f(); });
local guest = { f = host.f, n = 1.5 };
attempt("guest.f()", function() { show("guest.f()", guest.f()); });
show("root counter", counter);
local deleg = { n = 5 }.setdelegate({ counter = 1000 });
deleg.f <- host.f;
attempt("deleg.f()", function() { show("deleg.f()", deleg.f()); });
class D {
	n = 0;
	function go() { n = n + 5; n++; n -= 2; counter = counter + 1; return n; }
}
show("D().go()", D().go());
show("root counter", counter);
