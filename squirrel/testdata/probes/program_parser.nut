// Text processing the way agents parse device payloads and HTTP-ish input: split, strip,
// find, slice, tointeger/tofloat, format, and tables of handlers keyed by command.
local payload = "  CMD=set;temp=21.5;unit=C;;mode=eco ;ids=1,2,,3  \r\n";
local fields = {};
foreach (part in split(strip(payload), ";")) {
	local eq = part.find("=");
	if (eq == null) continue;
	fields[strip(part.slice(0, eq))] <- strip(part.slice(eq + 1));
}
local keys = [];
foreach (k, v in fields) keys.push(k);
keys.sort();
foreach (k in keys) print("parse.field " + k + "=[" + fields[k] + "]\n");
local ids = split(fields.ids, ",").map(@(s) s.tointeger());
print("parse.ids " + ids.len() + " sum=" + ids.reduce(@(a, b) a + b) + "\n");
print("parse.temp " + (fields.temp.tofloat() * 2) + " " + typeof fields.temp.tofloat() + "\n");
// a query string decoder with %XX escapes
function urldecode(s) {
	local out = "", i = 0;
	while (i < s.len()) {
		local c = s[i];
		if (c == '%' && i + 2 < s.len() + 0) {
			local hex = s.slice(i + 1, i + 3);
			local v = 0;
			foreach (h in hex.toupper()) v = v * 16 + (h >= 'A' ? h - 'A' + 10 : h - '0');
			out += v.tochar();
			i += 3;
		} else {
			out += (c == '+' ? ' ' : c).tochar();
			i++;
		}
	}
	return out;
}
local query = "name=J%C3%BCrgen+M&city=K%C3%B6ln&empty=&flag";
local params = {};
foreach (pair in split(query, "&")) {
	local bits = split(pair, "=");
	params[urldecode(bits[0])] <- bits.len() > 1 ? urldecode(bits[1]) : null;
}
print("parse.query.name [" + params.name + "] " + params.name.len() + "\n");
print("parse.query.city [" + params.city + "]\n");
print("parse.query.empty " + ("empty" in params) + " " + (params.empty == null) + " " + (params.flag == null) + "\n");
// a command dispatcher
local state = { level = 0, history = [] };
local handlers = {
	up = function(n) { state.level += n; return "level " + state.level; },
	down = function(n) { state.level -= n; return "level " + state.level; },
	reset = function(n) { state.level = 0; return "reset"; }
};
foreach (line in split("up 5\ndown 2\nbogus 1\nup x\nreset 0\nup 7", "\n")) {
	local words = split(line, " ");
	local cmd = words[0], arg = words[1];
	local result;
	if (!(cmd in handlers)) result = "unknown " + cmd;
	else {
		try { result = handlers[cmd](arg.tointeger()); }
		catch (e) result = "bad arg " + arg + ": " + e;
	}
	state.history.push(result);
}
foreach (i, h in state.history) print("parse.cmd." + i + " " + h + "\n");
// fixed-width report
local rows = [["sensor", 21.456, 3], ["humidity-long-name", 40.0, 12], ["p", -1.5, 100]];
foreach (r in rows) print("parse.row [" + format("%-10s|%8.2f|%5d", r[0].len() > 10 ? r[0].slice(0, 10) : r[0], r[1], r[2]) + "]\n");
// hex encode / decode
local bytes = "\x00\x7f\x80\xff AZ";
local hex = "";
foreach (b in bytes) hex += format("%02X", b & 0xFF);
print("parse.hex " + hex + "\n");
local back = "";
for (local i = 0; i < hex.len(); i += 2) {
	local hi = hex[i], lo = hex[i + 1];
	local v = ((hi >= 'A' ? hi - 'A' + 10 : hi - '0') << 4) | (lo >= 'A' ? lo - 'A' + 10 : lo - '0');
	back += v.tochar();
}
print("parse.hex.roundtrip " + (back == bytes) + " " + back.len() + "\n");
