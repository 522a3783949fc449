// Integer work: a sieve of Eratosthenes and a checksum loop with wrap-around.
function run() {
	local n = 20000;
	local sieve = array(n + 1, true);
	sieve[0] = false; sieve[1] = false;
	for (local i = 2; i * i <= n; i++) {
		if (sieve[i]) {
			for (local j = i * i; j <= n; j += i) sieve[j] = false;
		}
	}
	local count = 0;
	for (local i = 0; i <= n; i++) if (sieve[i]) count++;
	local h = 17;
	for (local i = 0; i < 20000; i++) {
		h = h * 31 + i;
		h = h ^ (h >>> 7);
	}
	return count + h;
}
