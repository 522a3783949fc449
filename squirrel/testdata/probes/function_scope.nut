// Recursion (3.0.4 compiles `return f(x)` as a tail call, so tail recursion does not grow
// the stack), default values evaluated in the enclosing scope, block scoping, redeclaration.
function count(n, acc) { if (n == 0) return acc; return count(n - 1, acc + 1); }
print("fs.tail.100000 " + count(100000, 0) + "\n");
function deep(n) { if (n == 0) return 0; return 1 + deep(n - 1); }
print("fs.nontail.2000 " + deep(2000) + "\n");
function isEven(n) { return n == 0 ? true : isOdd(n - 1); }
function isOdd(n) { return n == 0 ? false : isEven(n - 1); }
print("fs.mutual " + isEven(10) + " " + isOdd(7) + " " + isEven(5001) + "\n");
function ack(m, n) {
	if (m == 0) return n + 1;
	if (n == 0) return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}
print("fs.ackermann " + ack(2, 3) + "\n");
// a default value is an expression of the enclosing scope, evaluated when the closure is made:
// it cannot see the function's own earlier parameters
a <- "root-a";
function dflt(a, b = a) { return a + "/" + b; }
print("fs.default.scope " + dflt("arg") + "\n");
local outerLocal = "outer-local";
local viaLocal = function(x = outerLocal) { return x; };
outerLocal = "changed";
print("fs.default.local.snapshot " + viaLocal() + "\n");
local made = [];
for (local i = 0; i < 3; i++) made.push(function(v = i) { return v; });
print("fs.default.loop " + made[0]() + made[1]() + made[2]() + "\n");
// block scoping
local blk = "outer";
{
	local blk = "inner";
	print("fs.block.inner " + blk + "\n");
}
print("fs.block.outer " + blk + "\n");
if (true) { local onlyInIf = 1; }
try { print("fs.block.leak " + onlyInIf + "\n"); } catch (e) print("fs.block.leak ERR " + e + "\n");
// redeclaring a local in the same scope makes a new variable
local re = 1;
local getRe = function() { return re; };
local re = 2;
print("fs.redeclare " + re + " closure=" + getRe() + "\n");
// parameters are locals: assigning them does not affect the caller
function mutate(x, arr) { x = 99; arr.push(99); arr = null; }
local n = 1, list = [];
mutate(n, list);
print("fs.param.by.value " + n + " " + list.len() + "\n");
// a local shadows a root function of the same name
local print2 = print;
local format = function(...) { return "local format"; };
print2("fs.shadow.root " + format("%d", 1) + " " + ::format("%d", 1) + "\n");
// functions are values: stored, passed, returned
local ops = { add = @(x, y) x + y, mul = @(x, y) x * y };
local apply = function(op, x, y) { return ops[op](x, y); };
print("fs.table.of.functions " + apply("add", 2, 3) + " " + apply("mul", 2, 3) + "\n");
function compose(f, g) { return @(x) f(g(x)); }
print("fs.compose " + compose(@(x) x * 2, @(x) x + 1)(5) + "\n");
// calling with an explicit this through a table slot
local tbl = { v = 10, get = function() { return v; } };
local other = { v = 20 };
other.get <- tbl.get;
print("fs.method.moved " + other.get() + "\n");
// return with no value gives null; falling off the end too
function nothing() { }
print("fs.no.return " + (nothing() == null) + "\n");
// immediate function call expressions
print("fs.iife " + (function(x) { return x * x; })(7) + "\n");
print("fs.lambda.iife " + (@(x) x + 1)(1) + "\n");
