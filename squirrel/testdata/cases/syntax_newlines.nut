// Where newlines end statements, and the postfix/call/index rules around them.
local a = 1
local b = 2
a
++b
print("nl.prefix.inc " + a + " " + b + "\n");
local f = function(x) { return x * 2; }
local r = f
(3)
print("nl.call.continues " + r + "\n");
local t = { x = 1 }; local y = t
.x
print("nl.dot.continues " + y + "\n");
local s = "a" +
	"b"
print("nl.operator.continues " + s + "\n");
local c = 1; c++
print("nl.postfix.same.line " + c + "\n");
if (a) print("nl.if.inline\n"); else print("nl.else.inline\n")
local arr = [1
	2 3]
print("nl.array.nocommas " + arr.len() + "\n");
function noSemi() { return 1 }
print("nl.return.brace " + noSemi() + "\n");
local tab = { p = 1
	q = 2 }
print("nl.table.nocommas " + tab.q + "\n");
