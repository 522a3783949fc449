// A JSON encoder and a small decoder over tables, arrays, strings and numbers, written the
// way imp libraries do it (typeof dispatch, _serialize hooks, escape tables, format).
class JSON {
	static ESC = { [34] = "\\\"", [92] = "\\\\", [10] = "\\n", [13] = "\\r", [9] = "\\t", [8] = "\\b", [12] = "\\f" };
	static function encode(v) {
		switch (typeof v) {
			case "table":
				local parts = [];
				foreach (k, x in v) parts.push(JSON.encode(k.tostring()) + ":" + JSON.encode(x));
				return "{" + JSON.join(parts) + "}";
			case "array":
				return "[" + JSON.join(v.map(@(x) JSON.encode(x))) + "]";
			case "string": return JSON.quote(v);
			case "integer": return v.tostring();
			case "float": return v == v.tointeger() ? format("%d", v.tointeger()) : format("%g", v);
			case "bool": return v ? "true" : "false";
			case "null": return "null";
			case "instance":
				if ("_serialize" in v.getclass()) return JSON.encode(v._serialize());
				return JSON.quote(v.tostring().slice(0, 10));
			default: return JSON.quote(typeof v);
		}
	}
	static function join(parts) {
		local s = "";
		foreach (i, p in parts) s += (i ? "," : "") + p;
		return s;
	}
	static function quote(s) {
		local out = "\"";
		foreach (c in s) {
			if (c in JSON.ESC) out += JSON.ESC[c];
			else if (c >= 0 && c < 32) out += format("\\u%04x", c);
			else out += c.tochar();
		}
		return out + "\"";
	}
	static function decode(s) {
		local p = { s = s, i = 0 };
		return JSON.value(p);
	}
	static function ws(p) { while (p.i < p.s.len() && (p.s[p.i] == ' ' || p.s[p.i] == '\n')) p.i++; }
	static function value(p) {
		JSON.ws(p);
		local c = p.s[p.i];
		if (c == '{') {
			local t = {}; p.i++; JSON.ws(p);
			if (p.s[p.i] == '}') { p.i++; return t; }
			while (true) {
				local k = JSON.value(p); JSON.ws(p); p.i++;
				t[k] <- JSON.value(p); JSON.ws(p);
				if (p.s[p.i++] == '}') return t;
			}
		}
		if (c == '[') {
			local a = []; p.i++; JSON.ws(p);
			if (p.s[p.i] == ']') { p.i++; return a; }
			while (true) { a.push(JSON.value(p)); JSON.ws(p); if (p.s[p.i++] == ']') return a; }
		}
		if (c == '"') {
			local start = ++p.i;
			while (p.s[p.i] != '"') p.i++;
			return p.s.slice(start, p.i++);
		}
		local start = p.i;
		while (p.i < p.s.len() && "-+.eE0123456789truefalsn".find(p.s.slice(p.i, p.i + 1)) != null) p.i++;
		local tok = p.s.slice(start, p.i);
		if (tok == "true") return true;
		if (tok == "false") return false;
		if (tok == "null") return null;
		return tok.find(".") != null ? tok.tofloat() : tok.tointeger();
	}
}
class Reading {
	sensor = null; value = null;
	constructor(s, v) { sensor = s; value = v; }
	function _serialize() { return { sensor = sensor, value = value }; }
}
print("json.scalars " + JSON.encode(1) + " " + JSON.encode(-2.5) + " " + JSON.encode(3.0) + " " + JSON.encode(true) + " " + JSON.encode(null) + "\n");
print("json.string " + JSON.encode("a\"b\\c\nd\te\x01") + "\n");
print("json.utf8 " + JSON.encode("café") + "\n");
print("json.array " + JSON.encode([1, "two", [3, [4]], {}, []]) + "\n");
print("json.table " + JSON.encode({ id = 7, name = "dev", tags = ["a", "b"], on = false }) + "\n");
print("json.nested " + JSON.encode({ a = { b = { c = [1, { d = null }] } } }) + "\n");
print("json.intkeys " + JSON.encode({ [1] = "one", [2] = "two", [10] = "ten" }) + "\n");
print("json.instance " + JSON.encode([Reading("t1", 21.5), Reading("h1", 40)]) + "\n");
print("json.floats " + JSON.encode([0.1, 1.5e6, 123456.7, -0.001]) + "\n");
print("json.function " + JSON.encode(print) + "\n");
local decoded = JSON.decode("{\"a\": 1, \"b\": [true, false, null], \"c\": {\"d\": \"text\"}, \"e\": -2.5}");
print("json.decode " + decoded.a + " " + decoded.b.len() + " " + decoded.b[0] + " " + decoded.c.d + " " + decoded.e + "\n");
print("json.roundtrip " + JSON.encode(JSON.decode(JSON.encode({ x = [1, 2, 3], y = "z" }))) + "\n");
local big = {};
for (local i = 0; i < 12; i++) big["k" + i] <- i * i;
print("json.big " + JSON.encode(big) + "\n");
print("json.typeof " + typeof JSON + "\n");
