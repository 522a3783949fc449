// The % operator is the one arithmetic instruction whose failure 3.0.4 does not raise: for
// "modulo by zero" and for operand types with no _modulo, the error is dropped and the
// destination register keeps what it held. In a parenthesised expression that is the left
// operand; in an assignment to an existing local it is the local's old value. Compound
// assignment to a slot (t.v %= 0, a[i] %= 0) does raise. A fresh local as destination
// (local r = x % 0) keeps a stale register and is not probed.
print("mod0.literal " + (7 % 0) + "\n");
local z = 0;
print("mod0.var " + (7 % z) + "\n");
print("mod0.negative " + (-7 % 0) + "\n");
local arr = [1, 2];
print("mod0.element " + (arr[1] % 0) + "\n");
print("mod0.string.left " + ("s" % 2) + "\n");
local x = 9, q = 3;
q = x % z;
print("mod0.assign.local.unchanged " + q + "\n");
q %= 0;
print("mod0.compound.local.unchanged " + q + "\n");
local w = 8;
w++;
w %= 0;
print("mod0.compound.after.inc " + w + "\n");
local t = { v = 5 };
try { t.v %= 0; print("mod0.slot.compound " + t.v + "\n"); } catch (e) print("mod0.slot.compound ERR " + e + "\n");
try { arr[0] %= 0; print("mod0.array.compound " + arr[0] + "\n"); } catch (e) print("mod0.array.compound ERR " + e + "\n");
try { t.v %= "x"; print("mod0.slot.compound.string " + t.v + "\n"); } catch (e) print("mod0.slot.compound.string ERR " + e + "\n");
print("mod0.float.typeof " + typeof (7.5 % 0) + " " + typeof (6 % 0.0) + "\n");
print("mod0.ok.after " + (7 % 3) + "\n");
// division by zero does raise, as do the other operators on bad types
try { print("div0 " + (7 / 0) + "\n"); } catch (e) print("div0 ERR " + e + "\n");
try { print("sub.string " + ("s" - 2) + "\n"); } catch (e) print("sub.string ERR " + e + "\n");
