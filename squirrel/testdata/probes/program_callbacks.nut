// A class hierarchy with callbacks that call sibling methods by bare name, the way imp
// libraries are written: handlers registered as closures, bound with bindenv(this), invoked
// later by a dispatcher with a different this.
class EventEmitter {
	_handlers = null;
	constructor() { _handlers = {}; }
	function on(event, cb) {
		if (!(event in _handlers)) _handlers[event] <- [];
		_handlers[event].push(cb);
		return this;
	}
	function emit(event, data = null) {
		if (!(event in _handlers)) return 0;
		foreach (cb in _handlers[event]) cb(data);
		return _handlers[event].len();
	}
}
class Device extends EventEmitter {
	name = null;
	log = null;
	_count = 0;
	constructor(n) {
		base.constructor();
		name = n;
		log = [];
		on("data", _onData.bindenv(this));
		on("error", function(e) { _record("error:" + e); }.bindenv(this));
		on("data", function(d) { if (d > 100) _alarm(d); }.bindenv(this));
	}
	function _onData(d) { _count++; _record("data:" + d); }
	function _record(s) { log.push(name + " " + s); }
	function _alarm(d) { _record("ALARM " + d + " after " + _count); }
	function report() { return name + " saw " + _count; }
}
class Thermostat extends Device {
	target = 20;
	function _onData(d) { base._onData(d); if (d < target) _record("heat on"); }
	function _record(s) { base._record("[thermo] " + s); }
}
local dev = Device("dev1");
local th = Thermostat("th1");
local dispatcher = { name = "dispatcher", deliver = function(target, ev, data) { return target.emit(ev, data); } };
dispatcher.deliver(dev, "data", 5);
dispatcher.deliver(dev, "data", 150);
dispatcher.deliver(dev, "error", "timeout");
dispatcher.deliver(th, "data", 18);
dispatcher.deliver(th, "data", 25);
print("cb.unknown.event " + dispatcher.deliver(th, "nothing", 1) + "\n");
foreach (i, l in dev.log) print("cb.dev." + i + " " + l + "\n");
foreach (i, l in th.log) print("cb.th." + i + " " + l + "\n");
print("cb.report " + dev.report() + " | " + th.report() + "\n");
// an unbound method reference loses its instance
local loose = dev._onData;
try { loose(1); } catch (e) print("cb.unbound ERR " + e + "\n");
// timer-style callbacks stored in a queue and fired later with the root table as this
local timers = [];
function wakeup(delay, cb) { timers.push({ at = delay, cb = cb }); }
class Poller {
	polls = 0;
	function start() { wakeup(2, poll.bindenv(this)); wakeup(1, function() { polls += 10; }.bindenv(this)); }
	function poll() { polls++; if (polls < 3) wakeup(5, poll.bindenv(this)); }
}
local poller = Poller();
poller.start();
while (timers.len() > 0) {
	timers.sort(@(a, b) a.at <=> b.at);
	local t = timers.remove(0);
	t.cb();
}
print("cb.poller " + poller.polls + "\n");
// chained configuration calls returning this
local chained = EventEmitter().on("a", @(d) null).on("b", @(d) null).on("a", @(d) null);
print("cb.chained " + chained.emit("a") + " " + chained.emit("b") + "\n");
