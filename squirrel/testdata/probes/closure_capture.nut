// Closures capture variables, not values: closures made in a loop share the loop variable
// (trap 7); each call of the enclosing function makes new variables.
local fs = [];
for (local i = 0; i < 3; i++) fs.push(function() { return i; });
print("cap.for " + fs[0]() + fs[1]() + fs[2]() + "\n");
local gs = [];
foreach (v in ["a", "b", "c"]) gs.push(function() { return v; });
print("cap.foreach.value " + gs[0]() + gs[1]() + gs[2]() + "\n");
local hs = [];
foreach (idx, v in ["a", "b", "c"]) hs.push(@() idx);
print("cap.foreach.index " + hs[0]() + hs[1]() + hs[2]() + "\n");
local ws = [];
local n = 0;
while (n < 3) { local copy = n; ws.push(@() copy); n++; }
print("cap.while.local " + ws[0]() + ws[1]() + ws[2]() + "\n");
// a helper function gives each closure its own variable
function bind(x) { return function() { return x; }; }
local bs = [];
for (local i = 0; i < 3; i++) bs.push(bind(i));
print("cap.helper " + bs[0]() + bs[1]() + bs[2]() + "\n");
// shared mutable state between closures
function counterPair() {
	local count = 0;
	return { inc = function() { return ++count; }, get = function() { return count; } };
}
local c1 = counterPair(), c2 = counterPair();
c1.inc(); c1.inc(); c2.inc();
print("cap.shared " + c1.get() + " " + c2.get() + "\n");
// the closure sees later assignments to the captured variable
local late = "before";
local seeLate = function() { return late; };
late = "after";
print("cap.late.assign " + seeLate() + "\n");
// closures can assign to captured variables
local total = 0;
local add = function(x) { total += x; };
add(5); add(7);
print("cap.assign " + total + "\n");
// nested closures
function outer() {
	local a = 1;
	return function() {
		local b = 2;
		return function() { a++; return a * 10 + b; };
	};
}
local inner = outer()();
print("cap.nested " + inner() + " " + inner() + "\n");
// captured loop variable after the loop has finished
local after = [];
for (local k = 0; k < 2; k++) after.push(function() { return k; });
print("cap.after.loop " + after[0]() + " " + after[1]() + "\n");
// a variable declared inside the loop body is fresh per iteration? (no: same stack slot)
local body = [];
for (local k = 0; k < 3; k++) { local sq = k * k; body.push(@() sq); }
print("cap.loop.body.local " + body[0]() + body[1]() + body[2]() + "\n");
// closures outlive their frame
function makeAdder(step) { local acc = 0; return function() { acc += step; return acc; }; }
local byTwo = makeAdder(2);
byTwo(); byTwo();
print("cap.outlive " + byTwo() + "\n");
// recursion through a captured local
local fact;
fact = function(x) { return x <= 1 ? 1 : x * fact(x - 1); };
print("cap.recursive " + fact(10) + "\n");
// local function declarations
local function localFn(x) { return x + 1; }
print("cap.local.function " + localFn(1) + "\n");
// closures in a table capture the locals of the creating scope, not the table
local name = "outer-name";
local obj = { name = "table-name", get = function() { return name; } };
print("cap.local.vs.slot " + obj.get() + "\n");
