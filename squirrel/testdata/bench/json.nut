// A recursive walk typical of agent libraries: encode nested tables/arrays as JSON text.
function encode(v) {
	switch (typeof v) {
		case "table":
			local parts = [];
			foreach (k, x in v) parts.push("\"" + k + "\":" + encode(x));
			local s = "{";
			foreach (i, p in parts) s += (i > 0 ? "," : "") + p;
			return s + "}";
		case "array":
			local s = "[";
			foreach (i, x in v) s += (i > 0 ? "," : "") + encode(x);
			return s + "]";
		case "string":
			return "\"" + v + "\"";
		case "null":
			return "null";
		default:
			return v.tostring();
	}
}
function run() {
	local doc = { device = "imp-1234", readings = [], ok = true };
	for (local i = 0; i < 60; i++) doc.readings.push({ t = i, temp = 20 + i % 7, label = "r" + i, tags = ["a", "b"] });
	local total = 0;
	for (local k = 0; k < 5; k++) total += encode(doc).len();
	return total;
}
