// Generators: a function containing yield returns a generator; resume runs it to the next
// yield; the final return value is what the last resume gets; then it is dead.
function counter(limit) {
	local i = 0;
	while (i < limit) { yield i; i++; }
	return "done";
}
local g = counter(2);
print("gen.typeof " + typeof g + " " + type(g) + "\n");
print("gen.status.new " + g.getstatus() + "\n");
print("gen.resume.1 " + resume g + "\n");
print("gen.status.after.yield " + g.getstatus() + "\n");
print("gen.resume.2 " + resume g + "\n");
print("gen.resume.3 " + resume g + "\n");
print("gen.status.dead " + g.getstatus() + "\n");
try { resume g; } catch (e) print("gen.resume.dead ERR " + e + "\n");
function noReturn() { yield 1; }
local g2 = noReturn();
resume g2;
local last = resume g2;
print("gen.noreturn.last " + (last == null) + " " + g2.getstatus() + "\n");
// yield without a value
function bare() { yield; yield 5; }
local g3 = bare();
local first = resume g3;
print("gen.bare.yield " + (first == null) + " " + resume g3 + "\n");
// the generator sees its arguments and captured variables
local captured = "cap";
function withArgs(a, b = "dflt") { yield a + b + captured; captured = "changed"; yield captured; }
local g4 = withArgs("x");
print("gen.args " + resume g4 + " " + resume g4 + " outer=" + captured + "\n");
// a generator's this is the caller's this at creation
local holder = { name = "holder", gen = function() { yield name; } };
print("gen.this " + resume holder.gen() + "\n");
// resuming a generator from inside itself
local selfRef = null;
function selfResume() { yield resume selfRef; }
selfRef = selfResume();
try { resume selfRef; } catch (e) print("gen.resume.active ERR " + e + "\n");
print("gen.status.after.error " + selfRef.getstatus() + "\n");
// errors inside a generator kill it
function thrower() { yield 1; throw "gen failure"; }
local g5 = thrower();
resume g5;
try { resume g5; } catch (e) print("gen.throw ERR " + e + " status=" + g5.getstatus() + "\n");
// resume on non-generators
try { resume 5; } catch (e) print("gen.resume.int ERR " + e + "\n");
try { local f = function() { return 1; }; resume f; } catch (e) print("gen.resume.function ERR " + e + "\n");
// generators as methods of class instances
class Tree {
	items = null;
	constructor(a) { items = a; }
	function each() { foreach (x in items) yield x * 2; }
}
local s = "";
foreach (v in Tree([1, 2, 3]).each()) s += v + " ";
print("gen.method " + s + "\n");
// infinite generator consumed partially
function naturals() { local n = 0; while (true) yield n++; }
local nat = naturals();
local firstFive = "";
for (local i = 0; i < 5; i++) firstFive += resume nat;
print("gen.infinite " + firstFive + " " + nat.getstatus() + "\n");
// generator with try/catch inside
function safeGen() {
	try { yield "in-try"; throw "x"; } catch (e) { yield "caught " + e; }
	yield "after";
}
local sg = safeGen();
print("gen.try " + resume sg + " | " + resume sg + " | " + resume sg + "\n");
// two generators from the same function are independent
local ga = counter(3), gb = counter(3);
resume ga; resume ga;
print("gen.independent " + resume ga + " " + resume gb + "\n");
// a generator function called with the wrong arity
try { counter(); } catch (e) print("gen.arity ERR " + e + "\n");
