function run() {
	const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"];
	const counts = {};
	for (let i = 0; i < 3000; i++) {
		const w = words[(i * 7) % words.length] + (i % 13);
		if (w in counts) counts[w]++;
		else counts[w] = 1;
	}
	let total = 0;
	for (const k in counts) total += counts[k] * k.length;
	const rec = { name: "sensor", value: 0, unit: "C", history: [] };
	for (let i = 0; i < 3000; i++) {
		rec.value = rec.value + i;
		if (i % 100 === 0) rec.history.push(rec.value);
	}
	return (total + rec.history.length + rec.value) | 0;
}
