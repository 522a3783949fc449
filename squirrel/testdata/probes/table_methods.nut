// Table default delegate: len, rawget, rawset, rawdelete, rawin, clear, tostring, weakref,
// setdelegate, getdelegate; table literal forms.
local t = { a = 1, b = "two", ["c"] = 3.0, "d": [4], [5] = "five", function f() { return "F"; } };
print("tm.len " + t.len() + "\n");
print("tm.literal " + t.a + " " + t.b + " " + t.c + " " + t.d[0] + " " + t[5] + " " + t.f() + "\n");
print("tm.rawget " + t.rawget("a") + " " + t.rawget(5) + "\n");
try { print("tm.rawget.missing " + t.rawget("zz") + "\n"); } catch (e) print("tm.rawget.missing ERR " + e + "\n");
try { print("tm.rawget.null " + t.rawget(null) + "\n"); } catch (e) print("tm.rawget.null ERR " + e + "\n");
print("tm.rawset.ret " + typeof t.rawset("n", 9) + " " + t.n + "\n");
t.rawset("a", 100);
print("tm.rawset.existing " + t.a + "\n");
try { t.rawset(null, 1); print("tm.rawset.null ok\n"); } catch (e) print("tm.rawset.null ERR " + e + "\n");
print("tm.rawin " + t.rawin("a") + " " + t.rawin("zz") + " " + t.rawin(5) + " " + t.rawin(null) + "\n");
print("tm.rawdelete " + t.rawdelete("n") + " " + t.rawin("n") + "\n");
try { print("tm.rawdelete.missing " + t.rawdelete("zz") + "\n"); } catch (e) print("tm.rawdelete.missing ERR " + e + "\n");
print("tm.tostring.prefix " + t.tostring().slice(0, 8) + "\n");
print("tm.typeof " + typeof t + " " + type(t) + "\n");
local w = t.weakref();
print("tm.weakref " + typeof w + " " + (w.ref() == t) + "\n");
print("tm.getdelegate.none " + (t.getdelegate() == null) + "\n");
try { print("tm.len.args " + t.len(1) + "\n"); } catch (e) print("tm.len.args ERR " + e + "\n");
try { print("tm.rawget.noargs " + t.rawget() + "\n"); } catch (e) print("tm.rawget.noargs ERR " + e + "\n");
local c = { x = 1 };
local cr = c.clear();
print("tm.clear " + c.len() + " " + (cr == null ? "null" : typeof cr) + "\n");
c.y <- 2;
print("tm.clear.reuse " + c.y + "\n");
// method names can be shadowed by slots of the same name
local s = { len = function() { return "mine"; }, rawin = 5 };
print("tm.shadow.len " + s.len() + "\n");
print("tm.shadow.value " + s.rawin + "\n");
try { print("tm.shadow.call " + s.rawin("x") + "\n"); } catch (e) print("tm.shadow.call ERR " + e + "\n");
// trailing separators and newlines in literals
local lit = {
	x = 1,
	y = 2,
};
print("tm.trailing.comma " + lit.len() + "\n");
local lit2 = { p = 1 q = 2 };
print("tm.no.comma " + lit2.p + lit2.q + "\n");
local lit3 = {
	u = 1
	v = 2
}
print("tm.newline.sep " + lit3.u + lit3.v + "\n");
local nested = { inner = { deeper = { value = "deep" } } };
print("tm.nested " + nested.inner.deeper.value + " " + nested["inner"]["deeper"]["value"] + "\n");
local e = {};
print("tm.empty " + e.len() + "\n");
local keyexpr = "dyn";
local d = { [keyexpr + "1"] = 1, [1 + 1] = "two", [true] = "yes" };
print("tm.computed.keys " + d.dyn1 + " " + d[2] + " " + d[true] + "\n");
local fnlit = { function greet(n) { return "hi " + n; } };
print("tm.function.member " + fnlit.greet("x") + "\n");
local self = { name = "me", who = function() { return name; } };
print("tm.this.in.member " + self.who() + "\n");
local dupkeys = { a = 1, b = 2, a = 3 };
print("tm.duplicate.literal.key " + dupkeys.a + " " + dupkeys.len() + "\n");
local sameIntKey = { [1] = "int", ["1"] = "str", [1.0] = "float" };
print("tm.literal.key.types " + sameIntKey.len() + " " + sameIntKey[1] + sameIntKey["1"] + sameIntKey[1.0] + "\n");
