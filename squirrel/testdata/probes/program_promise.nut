// A small Promise library in the style imp agents use (then/fail/finally chains, bindenv,
// callbacks calling sibling methods by bare name), driven by a hand-run task queue.
local tasks = [];
function defer(f) { tasks.push(f); }
function runTasks() { while (tasks.len() > 0) tasks.remove(0)(); }
class Promise {
	static PENDING = 0; static RESOLVED = 1; static REJECTED = 2;
	// Every promise is kept in keepAlive: desktop 3.0.4's bindenv holds its object weakly, so an
	// unstored promise in a chain would run its bound callbacks with this == null (the imp
	// keeps it alive; see trap 16 in the corpus README).
	static keepAlive = [];
	_state = null; _value = null; _handlers = null;
	constructor(action) {
		keepAlive.push(this);
		_state = PENDING;
		_handlers = [];
		try { action(_resolve.bindenv(this), _reject.bindenv(this)); }
		catch (e) { _reject(e); }
	}
	function _resolve(v = null) {
		if (_state != PENDING) return;
		if (v instanceof Promise) { v.then(_resolve.bindenv(this), _reject.bindenv(this)); return; }
		_state = RESOLVED; _value = v; _flush();
	}
	function _reject(e = null) {
		if (_state != PENDING) return;
		_state = REJECTED; _value = e; _flush();
	}
	function _flush() {
		local hs = _handlers;
		_handlers = [];
		foreach (h in hs) _dispatch(h);
	}
	function _dispatch(h) {
		local self = this;
		defer(function() {
			// this is the root table here (runTasks calls plainly): statics need the class name
			local cb = self._state == Promise.RESOLVED ? h.onOk : h.onFail;
			if (cb == null) {
				if (self._state == Promise.RESOLVED) h.resolve(self._value); else h.reject(self._value);
				return;
			}
			try { h.resolve(cb(self._value)); } catch (e) { h.reject(e); }
		});
	}
	function then(onOk = null, onFail = null) {
		local parent = this;
		return Promise(function(resolve, reject) {
			local h = { onOk = onOk, onFail = onFail, resolve = resolve, reject = reject };
			if (parent._state == PENDING) parent._handlers.push(h); else parent._dispatch(h);
		});
	}
	function fail(onFail) { return then(null, onFail); }
	function finally(f) { return then(function(v) { f(v); return v; }, function(e) { f(e); throw e; }); }
	static function resolve(v) { return Promise(function(ok, no) { ok(v); }); }
	static function reject(e) { return Promise(function(ok, no) { no(e); }); }
	static function all(list) {
		return Promise(function(ok, no) {
			local results = array(list.len()), left = list.len();
			if (left == 0) { ok(results); return; }
			foreach (i, p in list) {
				local idx = i;
				p.then(function(v) { results[idx] = v; if (--left == 0) ok(results); }, no);
			}
		});
	}
	function _typeof() { return "Promise"; }
}
local log = [];
function say(s) { log.push(s); }
Promise.resolve(1)
	.then(@(v) v + 1)
	.then(function(v) { say("chain " + v); return v * 10; })
	.then(@(v) say("chain.final " + v));
Promise.reject("bad")
	.then(@(v) say("never"))
	.fail(function(e) { say("caught " + e); return "recovered"; })
	.then(@(v) say("after.fail " + v));
Promise(function(ok, no) { throw "thrown in executor"; })
	.fail(@(e) say("executor " + e));
Promise.resolve("x")
	.then(function(v) { local missing = {}; return missing.field; })
	.fail(@(e) say("runtime error " + e));
local pending = null;
local late = Promise(function(ok, no) { pending = ok; });
late.then(@(v) say("late " + v));
Promise.all([Promise.resolve("a"), late, Promise.resolve("c")])
	.then(@(vs) say("all " + vs[0] + vs[1] + vs[2]));
Promise.resolve(Promise.resolve("nested")).then(@(v) say("flatten " + v));
Promise.resolve(5).finally(@(v) say("finally " + v)).then(@(v) say("after.finally " + v));
say("sync.done " + typeof late);
runTasks();
say("before.late.resolve");
pending("L");
runTasks();
foreach (i, line in log) print("promise." + i + " " + line + "\n");
