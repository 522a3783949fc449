// Table work: counting words in generated text, then reading the counts back.
function run() {
	local words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"];
	local counts = {};
	for (local i = 0; i < 3000; i++) {
		local w = words[(i * 7) % words.len()] + (i % 13);
		if (w in counts) counts[w]++;
		else counts[w] <- 1;
	}
	local total = 0;
	foreach (k, v in counts) total += v * k.len();
	local rec = { name = "sensor", value = 0, unit = "C", history = [] };
	for (local i = 0; i < 3000; i++) {
		rec.value = rec.value + i;
		if (i % 100 == 0) rec.history.push(rec.value);
	}
	return total + rec.history.len() + rec.value;
}
