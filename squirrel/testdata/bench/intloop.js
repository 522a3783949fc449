function run() {
	const n = 20000;
	const sieve = new Array(n + 1).fill(true);
	sieve[0] = false; sieve[1] = false;
	for (let i = 2; i * i <= n; i++) {
		if (sieve[i]) {
			for (let j = i * i; j <= n; j += i) sieve[j] = false;
		}
	}
	let count = 0;
	for (let i = 0; i <= n; i++) if (sieve[i]) count++;
	let h = 17;
	for (let i = 0; i < 20000; i++) {
		h = (Math.imul(h, 31) + i) | 0;
		h = h ^ (h >>> 7);
	}
	return (count + h) | 0;
}
