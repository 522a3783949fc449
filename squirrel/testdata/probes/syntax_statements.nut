// Statement syntax: optional semicolons, newline rules, comments, blocks, commas.
local a = 1
local b = 2; local c = 3
print("syn.nosemicolon " + a + b + c + "\n")
# a hash comment (this is how #require lines survive)
#require "Something.agent.lib.nut:1.0.0"
// a line comment
/* a block
   comment */ local d = /* inline */ 4;
print("syn.comments " + d + "\n");
local e = 1 +
	2 +
	3;
print("syn.continued.line " + e + "\n");
local f = [
	1,
	2
];
print("syn.multiline.array " + f.len() + "\n");
local g = (
	5
	* 2);
print("syn.multiline.parens " + g + "\n");
// a statement may continue on the next line after an operator, not before one
local h = 10
- 3;
print("syn.newline.before.minus " + h + "\n");
// function call arguments: commas are optional
local sum3 = function(x, y, z) { return x + y + z; };
print("syn.call.nocomma " + sum3(1 2 3) + "\n");
print("syn.call.mixed.commas " + sum3(1, 2 3) + "\n");
// an opening parenthesis on the next line still continues the call
local called = sum3
(1, 1, 1);
print("syn.call.newline " + called + "\n");
// blocks and empty statements
{
	local inner = "block";
	print("syn.block " + inner + "\n");
}
;;
print("syn.empty.statements ok\n");
// if/else chains and dangling else
local x = 5, r = "";
if (x > 3) if (x > 10) r = "big"; else r = "medium";
print("syn.dangling.else " + r + "\n");
if (x == 1) r = "one"; else if (x == 5) r = "five"; else r = "other";
print("syn.else.if " + r + "\n");
if (x) print("syn.if.noblock\n");
// comma operator in for headers
local out = "";
for (local i = 0, j = 5; i < j; i++, j--) out += i + "" + j + " ";
print("syn.comma.for " + out + "\n");
// local declarations of several names, some without initialisers
local p, q = 2, s;
print("syn.local.multi " + (p == null) + " " + q + " " + (s == null) + "\n");
// a local function cannot see its own name (the local is made after the closure), so it
// cannot recurse by name; a local declared first and assigned later can
local function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
try { print("syn.local.function.recursive " + fib(15) + "\n"); } catch (err) print("syn.local.function.recursive ERR " + err + "\n");
print("syn.local.function.base.case " + fib(1) + "\n");
local fib2;
fib2 = function(n) { return n < 2 ? n : fib2(n - 1) + fib2(n - 2); };
print("syn.local.assigned.recursive " + fib2(15) + "\n");
// return without a value, and statements after return are not executed
function early(flag) { if (flag) return; return "late"; }
print("syn.return.bare " + (early(true) == null) + " " + early(false) + "\n");
// identifiers may contain digits and underscores; keywords-like names are fine as slots
local _under_score1 = 1, camelCase2 = 2;
local slots = { class_ = 1, local_ = 2, from = 3, of = 4, def = 5 };
print("syn.identifiers " + (_under_score1 + camelCase2) + " " + slots.from + "\n");
// keywords cannot be slot names after a dot, but can be string keys
local kw = {};
kw["class"] <- "k";
print("syn.keyword.key " + kw["class"] + "\n");
// chained method calls across lines
local chained = [3, 1, 2]
	.map(@(v) v * 2)
	.filter(@(i, v) v > 2);
print("syn.chain.lines " + chained.len() + "\n");
// the last statement may omit its semicolon before a closing brace
function noSemi() { return "ok" }
print("syn.no.semicolon.before.brace " + noSemi() + "\n");
