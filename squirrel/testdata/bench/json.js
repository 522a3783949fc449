function encode(v) {
	if (v === null) return "null";
	if (Array.isArray(v)) {
		let s = "[";
		v.forEach((x, i) => { s += (i > 0 ? "," : "") + encode(x); });
		return s + "]";
	}
	switch (typeof v) {
		case "object": {
			const parts = [];
			for (const k in v) parts.push("\"" + k + "\":" + encode(v[k]));
			let s = "{";
			parts.forEach((p, i) => { s += (i > 0 ? "," : "") + p; });
			return s + "}";
		}
		case "string":
			return "\"" + v + "\"";
		default:
			return String(v);
	}
}
function run() {
	const doc = { device: "imp-1234", readings: [], ok: true };
	for (let i = 0; i < 60; i++) doc.readings.push({ t: i, temp: 20 + i % 7, label: "r" + i, tags: ["a", "b"] });
	let total = 0;
	for (let k = 0; k < 5; k++) total += encode(doc).length;
	return total;
}
