class Vec {
	constructor(ax, ay) { this.x = ax; this.y = ay; }
	add(o) { return new Vec((this.x + o.x) | 0, (this.y + o.y) | 0); }
	dot(o) { return (Math.imul(this.x, o.x) + Math.imul(this.y, o.y)) | 0; }
	scale(k) { this.x = Math.imul(this.x, k); this.y = Math.imul(this.y, k); return this; }
}
class Particle {
	constructor(p, v) { this.pos = p; this.vel = v; this.age = 0; }
	step() { this.pos = this.pos.add(this.vel); this.age++; return this.age; }
}
class Node {
	constructor(v, n) { this.value = v; this.next = n; }
}
function run() {
	const ps = [];
	for (let i = 0; i < 100; i++) ps.push(new Particle(new Vec(i, i * 2), new Vec(1, -1)));
	let acc = 0;
	for (let t = 0; t < 20; t++) {
		for (const p of ps) { p.step(); acc = (acc + p.pos.dot(p.vel)) | 0; }
	}
	let head = null;
	for (let i = 0; i < 1000; i++) head = new Node(i, head);
	let sum = 0;
	for (let n = head; n !== null; n = n.next) sum = (sum + n.value) | 0;
	return (acc + sum + new Vec(3, 4).scale(2).x) | 0;
}
