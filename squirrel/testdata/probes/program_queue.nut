// A message queue with retries, acknowledgements and timeouts, shaped like MessageManager-style
// imp code: tables as records, ids from a counter, callbacks per message, a simulated clock.
class MessageQueue {
	_nextId = 1;
	_pending = null;
	_sent = null;
	_now = 0;
	_onFail = null;
	_onAck = null;
	static MAX_RETRIES = 2;
	static TIMEOUT = 10;
	constructor() { _pending = []; _sent = {}; }
	function send(name, data, handlers = null) {
		local msg = { id = _nextId++, name = name, data = data, tries = 0, handlers = handlers == null ? {} : handlers };
		_pending.push(msg);
		return msg.id;
	}
	function onFail(cb) { _onFail = cb; }
	function onAck(cb) { _onAck = cb; }
	function tick(dt, transport) {
		_now += dt;
		while (_pending.len() > 0) {
			local msg = _pending.remove(0);
			msg.tries++;
			msg.sentAt <- _now;
			_sent[msg.id] <- msg;
			transport(msg);
		}
		local expired = [];
		foreach (id, msg in _sent) if (_now - msg.sentAt >= TIMEOUT) expired.push(id);
		expired.sort();
		foreach (id in expired) {
			local msg = delete _sent[id];
			if (msg.tries <= MAX_RETRIES) { delete msg.sentAt; _pending.push(msg); }
			else _fail(msg, "timeout after " + msg.tries + " tries");
		}
	}
	function ack(id, reply = null) {
		if (!(id in _sent)) return false;
		local msg = delete _sent[id];
		if ("onReply" in msg.handlers) msg.handlers.onReply(reply);
		if (_onAck) _onAck(msg);
		return true;
	}
	function _fail(msg, why) {
		if ("onFail" in msg.handlers) msg.handlers.onFail(why);
		else if (_onFail) _onFail(msg, why);
	}
	function stats() { return "pending=" + _pending.len() + " inflight=" + _sent.len() + " next=" + _nextId; }
}
local out = [];
function log(s) { out.push(s); }
local q = MessageQueue();
q.onFail(function(msg, why) { log("global fail " + msg.name + ": " + why); });
q.onAck(function(msg) { log("acked " + msg.id + " " + msg.name); });
local lost = {};
local transport = function(msg) {
	log("send " + msg.id + " " + msg.name + " try " + msg.tries);
	if (msg.name in lost) return;
	if (msg.name == "slow" && msg.tries < 2) return;
	q.ack(msg.id, msg.name == "ping" ? "pong" : null);
};
q.send("ping", null, { onReply = function(r) { log("reply " + r); } });
q.send("reading", { t = 21.5 });
q.send("slow", 1);
lost["lost"] <- true;
q.send("lost", 2, { onFail = function(why) { log("own fail lost: " + why); } });
lost["dropped"] <- true;
q.send("dropped", 3);
log("stats " + q.stats());
for (local i = 0; i < 9; i++) { q.tick(5, transport); log("t=" + (i + 1) * 5 + " " + q.stats()); }
print("queue.ack.unknown " + q.ack(999) + "\n");
foreach (i, line in out) print("queue." + i + " " + line + "\n");
