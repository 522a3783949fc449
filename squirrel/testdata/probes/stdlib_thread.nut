// Threads (newthread, call, suspend, wakeup, getstatus): part of the 3.0.4 base library.
local th = newthread(function(a) { return a * 2; });
print("thread.call " + th.call(21) + " " + th.getstatus() + "\n");
// suspend / wakeup round trip
local coro = newthread(function(x) { local y = suspend(x + 1); return y * 10; });
local first = coro.call(1);
print("thread.suspend " + first + " " + coro.getstatus() + "\n");
local second = coro.wakeup(5);
print("thread.wakeup " + second + " " + coro.getstatus() + "\n");
// a thread that suspends several times
local steps = newthread(function(n) {
	local acc = 0;
	for (local i = 0; i < n; i++) acc += suspend(i);
	return "sum " + acc;
});
local out = "" + steps.call(3);
while (steps.getstatus() == "suspended") out += " " + steps.wakeup(10);
print("thread.loop " + out + " " + steps.getstatus() + "\n");
// wakeup without a value resumes with null
local nv = newthread(function() { local v = suspend("first"); return v == null ? "got null" : "got " + v; });
nv.call();
print("thread.wakeup.novalue " + nv.wakeup() + "\n");
// wakeup of an idle thread fails
local idle = newthread(function() { return 1; });
try { idle.wakeup(1); } catch (e) print("thread.wakeup.idle ERR " + e + "\n");
// Not probed: an error inside a thread (desktop sq also reports it to stderr) and suspend()
// on the main thread (it suspends the whole script).
// the thread shares the root table
::threadShared <- 0;
local writer = newthread(function() { ::threadShared = 5; return "ok"; });
print("thread.root.shared " + writer.call() + " " + threadShared + "\n");
try { newthread(5); } catch (e) print("thread.new.int ERR " + e + "\n");
print("thread.typeof " + typeof idle + " " + idle.getstatus() + "\n");
