function run() {
	let s = "";
	for (let i = 0; i < 500; i++) s += "item" + i + ",";
	const parts = s.split(",").filter((x) => x !== "");
	let found = 0;
	for (const p of parts) {
		if (p.indexOf("9") >= 0) found++;
		const tail = p.slice(4);
		found += tail.length;
	}
	const up = s.slice(0, 200).toUpperCase();
	let csv = "";
	for (let i = 0; i < 200; i++) csv += i + ":" + parts[i] + ";";
	return found + up.length + csv.length;
}
