// 32-bit signed integer wrap-around for + - * and unary minus.
local MAX = 2147483647;
local MIN = -2147483647 - 1;
print("int.max " + MAX + "\n");
print("int.min " + MIN + "\n");
print("int.wrap.add " + (MAX + 1) + "\n");
print("int.wrap.add2 " + (MAX + MAX) + "\n");
print("int.wrap.sub " + (MIN - 1) + "\n");
print("int.wrap.sub2 " + (MIN - MAX) + "\n");
print("int.wrap.mul " + (100000 * 100000) + "\n");
print("int.wrap.mul2 " + (65536 * 65536) + "\n");
print("int.wrap.mul3 " + (65536 * 32768) + "\n");
print("int.wrap.mul4 " + (MAX * 2) + "\n");
print("int.wrap.mul5 " + (MAX * MAX) + "\n");
print("int.wrap.mul6 " + (MIN * -1) + "\n");
print("int.wrap.mul7 " + (123456789 * 987654321) + "\n");
print("int.wrap.mul8 " + (-46341 * 46341) + "\n");
print("int.wrap.neg " + (-MIN) + "\n");
print("int.wrap.neg2 " + (-(-MAX)) + "\n");
// MIN / -1 and MIN % -1 are not probed: the x86 oracle dies with SIGFPE there.
print("int.wrap.div " + (MIN / 1) + " " + (MIN / 2) + " " + (MIN / -2) + "\n");
print("int.wrap.abs " + abs(MIN) + "\n");
// wrap in loops and compound assignment
local acc = 1;
for (local i = 0; i < 40; i++) acc *= 3;
print("int.wrap.pow3_40 " + acc + "\n");
local h = 5381;
foreach (c in "hello world") h = h * 33 + c;
print("int.wrap.djb2 " + h + "\n");
local x = MAX;
x++;
print("int.wrap.inc " + x + "\n");
x--;
print("int.wrap.dec " + x + "\n");
local y = MAX;
y += 10;
print("int.wrap.pluseq " + y + "\n");
y -= 20;
print("int.wrap.minuseq " + y + "\n");
local z = 1 << 30;
z *= 4;
print("int.wrap.muleq " + z + "\n");
local t = { v = MAX };
t.v++;
print("int.wrap.slotinc " + t.v + "\n");
t.v += MAX;
print("int.wrap.slotpluseq " + t.v + "\n");
local a = [MIN];
a[0]--;
print("int.wrap.arrdec " + a[0] + "\n");
// fibonacci overflows quietly
local f0 = 0, f1 = 1;
for (local i = 0; i < 50; i++) { local n = f0 + f1; f0 = f1; f1 = n; }
print("int.wrap.fib50 " + f1 + "\n");
// factorial
local fact = 1;
for (local i = 1; i <= 20; i++) fact *= i;
print("int.wrap.fact20 " + fact + "\n");
print("int.wrap.cmp " + (MAX + 1 < 0) + "\n");
print("int.wrap.eq " + (MAX + 1 == MIN) + "\n");
print("int.wrap.typeof " + typeof (MAX + 1) + "\n");
