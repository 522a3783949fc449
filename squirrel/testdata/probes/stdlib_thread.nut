// Threads (newthread, call, suspend, wakeup, getstatus): part of the 3.0.4 base library.
local th = newthread(function(a) { return a * 2; });
print("thread.call " + th.call(21) + " " + th.getstatus() + "\n");
// suspend / wakeup round trip
local coro = newthread(function(x) { local y = suspend(x + 1); return y * 10; });
local first = coro.call(1);
print("thread.suspend " + first + " " + coro.getstatus() + "\n");
local second = coro.wakeup(5);
print("thread.wakeup " + second + " " + coro.getstatus() + "\n");
