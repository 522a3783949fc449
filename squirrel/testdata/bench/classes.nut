// Classes and method calls: vectors, a particle system, a linked list.
class Vec {
	x = 0; y = 0;
	constructor(ax, ay) { x = ax; y = ay; }
	function add(o) { return Vec(x + o.x, y + o.y); }
	function dot(o) { return x * o.x + y * o.y; }
	function scale(k) { x = x * k; y = y * k; return this; }
}
class Particle {
	pos = null; vel = null; age = 0;
	constructor(p, v) { pos = p; vel = v; }
	function step() { pos = pos.add(vel); age++; return age; }
}
class Node {
	value = 0; next = null;
	constructor(v, n) { value = v; next = n; }
}
function run() {
	local ps = [];
	for (local i = 0; i < 100; i++) ps.push(Particle(Vec(i, i * 2), Vec(1, -1)));
	local acc = 0;
	for (local t = 0; t < 20; t++) {
		foreach (p in ps) { p.step(); acc += p.pos.dot(p.vel); }
	}
	local head = null;
	for (local i = 0; i < 1000; i++) head = Node(i, head);
	local sum = 0;
	for (local n = head; n != null; n = n.next) sum += n.value;
	return acc + sum + Vec(3, 4).scale(2).x;
}
