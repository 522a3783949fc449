// math library: results are 32-bit floats (abs returns an integer); rand is probed only for
// its range and type.
print("math.sqrt " + sqrt(16) + " " + sqrt(2) + " " + typeof sqrt(16) + "\n");
print("math.sqrt.float " + sqrt(0.25) + " " + sqrt(1.0e10) + "\n");
print("math.trig " + sin(0) + " " + cos(0) + " " + tan(0) + "\n");
print("math.trig.pi " + sin(PI / 2) + " " + cos(PI) + " " + format("%.4f", sin(PI)) + "\n");
print("math.trig.inverse " + asin(1) + " " + acos(1) + " " + atan(1) + "\n");
print("math.atan2 " + atan2(1, 1) + " " + atan2(-1, -1) + " " + atan2(0, -1) + " " + atan2(1, 0) + "\n");
print("math.pow " + pow(2, 10) + " " + pow(2, 0.5) + " " + pow(10, -2) + " " + pow(-8, 3) + " " + typeof pow(2, 2) + "\n");
print("math.pow.big " + pow(2, 31) + " " + pow(10, 38) + " " + pow(10, 39) + "\n");
print("math.exp.log " + exp(0) + " " + exp(1) + " " + log(1) + " " + log(exp(2)) + " " + log10(1000) + "\n");
print("math.log.zero " + log(0) + " " + log10(0) + "\n");
print("math.floor.ceil " + floor(2.7) + " " + floor(-2.7) + " " + ceil(2.1) + " " + ceil(-2.1) + " " + typeof floor(2.7) + "\n");
print("math.floor.int " + floor(5) + " " + ceil(5) + " " + typeof floor(5) + "\n");
print("math.fabs " + fabs(-2.5) + " " + fabs(3) + " " + typeof fabs(3) + "\n");
print("math.abs " + abs(-5) + " " + abs(5) + " " + abs(0) + " " + typeof abs(-5) + "\n");
print("math.abs.float " + abs(-2.7) + " " + abs(2.7) + " " + typeof abs(-2.7) + "\n");
print("math.round.idiom " + floor(2.5 + 0.5) + " " + floor(-2.5 + 0.5) + " " + (2.5 + 0.5).tointeger() + "\n");
print("math.constants " + PI + " " + format("%.7f", PI) + "\n");
print("math.rand.max " + (RAND_MAX >= 32767) + " " + typeof RAND_MAX + "\n");
local allInRange = true;
for (local i = 0; i < 200; i++) { local r = rand(); if (r < 0 || r > RAND_MAX || typeof r != "integer") allInRange = false; }
print("math.rand.range " + allInRange + "\n");
srand(42);
local first = rand();
srand(42);
print("math.srand.repeatable " + (rand() == first) + "\n");
local scaled = true;
for (local i = 0; i < 100; i++) { local r = (1.0 * rand() / RAND_MAX * 6).tointeger(); if (r < 0 || r > 6) scaled = false; }
print("math.rand.scaled " + scaled + "\n");
try { sqrt("4"); } catch (e) print("math.sqrt.string ERR " + e + "\n");
try { sqrt(); } catch (e) print("math.sqrt.noargs ERR " + e + "\n");
try { pow(2); } catch (e) print("math.pow.onearg ERR " + e + "\n");
try { srand("x"); } catch (e) print("math.srand.string ERR " + e + "\n");
try { srand(1.5); print("math.srand.float ok\n"); } catch (e) print("math.srand.float ERR " + e + "\n");
try { rand(1); } catch (e) print("math.rand.arg ERR " + e + "\n");
try { abs(null); } catch (e) print("math.abs.null ERR " + e + "\n");
print("math.sqrt.negative.isnan " + (function() { local n = sqrt(-1); return n != n || typeof n; })() + "\n");
// geometry helpers typical of sensor code
local dx = 3.0, dy = 4.0;
print("math.hypot " + sqrt(dx * dx + dy * dy) + "\n");
local celsius = 21.5;
print("math.fahrenheit " + (celsius * 9 / 5 + 32) + "\n");
local deg = 45;
print("math.deg2rad " + (deg * PI / 180) + " " + sin(deg * PI / 180) + "\n");
local raw = 0x0FFF;
print("math.adc " + (raw * 3.3 / 4095) + "\n");
