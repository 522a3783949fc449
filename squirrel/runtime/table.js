// Squirrel 3.0.4 runtime, part 2: tables.
//
// A table keeps its values in own properties: a string key is the property
// name itself, any other key is encoded (ek) with a first character >= U+0100
// so that 1, "1", 1.0 and true stay distinct. foreach must visit keys in the
// order of 3.0.4's SQTable node array, which depends on the history of
// inserts and deletes, so every table records that history (cheaply, as a
// log of keys) and replays it into an emulated node array only when it is
// iterated. Tables made by the same literal share one record until changed.

const NOKEY = Object.create(null); // an empty node
const INS = 0, DEL = 1, CLR = 2;

function ek(k) {
	switch (typeof k) {
		case "string": return k;
		case "number": return "ā" + k;
		case "boolean": return k ? "Ăt" : "Ăf";
		case "function": return "ą" + oid(k);
	}
	if (k.Āt === FLT) {
		const v = k.Āv;
		return "ă" + (Object.is(v, -0) ? "-0" : "" + v);
	}
	return "ą" + oid(k);
}

// strHash is 3.0.4's string hash, computed in Go (natives.go).
const strHash = host.strHash;
function khash(k) {
	switch (typeof k) {
		case "string": return strHash(k);
		case "number": return k >>> 0;
		case "boolean": return k ? 1 : 0;
	}
	if (typeof k === "object" && k.Āt === FLT) return f2i(k.Āv) >>> 0;
	return oid(k) >>> 0;
}
function pow2(n) {
	let p = 4;
	while (n > p) p <<= 1;
	return p;
}

// Site is the shared history of tables made by one table literal.
function Site(keys) {
	this.sh = true;
	this.lk = []; // never has pending operations
	this.keys = keys;
	this.n = keys.length;
	this.cap = pow2(keys.length);
	this.lay = null;
}
const SITE0 = new Site([]);
// Ord is a table's private history: pending operations not yet applied to
// its node array (lay, created on first iteration).
function Ord(cap, n) {
	this.sh = false;
	this.n = n;
	this.cap = cap;
	this.lk = logArray();
	this.lo = logArray();
	this.lay = null;
}
// logArray makes an array for a history log. It has no prototype: goja
// appends to such an array directly, while an append to an ordinary one
// (push included) first looks the index up on Array.prototype by name.
// Logs are appended to with ordAdd and read by index only.
function logArray() { return Object.setPrototypeOf([], null); }
function ordAdd(o, k, op) {
	const n = o.lk.length;
	o.lk[n] = k;
	o.lo[n] = op;
}

function Layout(size) {
	layAlloc(this, size);
	this.used = 0;
}

function layAlloc(L, size) {
	L.size = size;
	L.ks = dense(size, NOKEY);
	L.eks = dense(size, "");
	L.hs = new Int32Array(size);
	L.nx = new Int32Array(size).fill(-1);
	L.ff = size - 1;
}

// layInsert is SQTable::NewSlot for a key known to be absent.
function layInsert(L, key, e, h) {
	const mask = L.size - 1, ks = L.ks, nx = L.nx, hs = L.hs, eks = L.eks;
	const mp = h & mask;
	let n = mp;
	if (ks[mp] !== NOKEY) {
		const free = L.ff;
		const other = hs[mp] & mask;
		if (mp > free && other !== mp) {
			let o = other;
			while (nx[o] !== mp) o = nx[o];
			nx[o] = free;
			ks[free] = ks[mp]; eks[free] = eks[mp]; hs[free] = hs[mp];
			nx[free] = nx[mp];
			ks[mp] = NOKEY; eks[mp] = ""; nx[mp] = -1;
		} else {
			nx[free] = nx[mp];
			nx[mp] = free;
			n = free;
		}
	}
	ks[n] = key; eks[n] = e; hs[n] = h;
	let ff = L.ff;
	for (;;) {
		if (ks[ff] === NOKEY && nx[ff] === -1) {
			L.ff = ff;
			L.used++;
			return;
		}
		if (ff === 0) break;
		ff--;
	}
	L.ff = ff;
	layRehash(L, true);
}

function layRehash(L, force) {
	let oldsize = L.size;
	if (oldsize < 4) oldsize = 4;
	const n = L.used;
	let size;
	if (n >= oldsize - (oldsize >> 2)) size = oldsize * 2;
	else if (n <= (oldsize >> 2) && oldsize > 4) size = oldsize >> 1;
	else if (force) size = oldsize;
	else return;
	const oks = L.ks, oeks = L.eks, ohs = L.hs;
	layAlloc(L, size);
	// layInsert of every old node in node order, inlined with the fields in
	// locals (this is most of a layout's cost). The new node array has room
	// for them all, so the free-node search cannot run out; if it did, the
	// rest would go through layInsert, which rehashes as 3.0.4 does.
	const mask = size - 1, ks = L.ks, eks = L.eks, hs = L.hs, nx = L.nx;
	let ff = L.ff, used = 0;
	for (let i = 0; i < oldsize; i++) {
		const key = oks[i];
		if (key === NOKEY) continue;
		const h = ohs[i];
		const mp = h & mask;
		let n = mp;
		if (ks[mp] !== NOKEY) {
			const other = hs[mp] & mask;
			if (mp > ff && other !== mp) {
				let o = other;
				while (nx[o] !== mp) o = nx[o];
				nx[o] = ff;
				ks[ff] = ks[mp]; eks[ff] = eks[mp]; hs[ff] = hs[mp];
				nx[ff] = nx[mp];
				ks[mp] = NOKEY; eks[mp] = ""; nx[mp] = -1;
			} else {
				nx[ff] = nx[mp];
				nx[mp] = ff;
				n = ff;
			}
		}
		ks[n] = key; eks[n] = oeks[i]; hs[n] = h;
		for (;;) {
			if (ks[ff] === NOKEY && nx[ff] === -1) break;
			if (ff === 0) {
				L.ff = 0;
				L.used = used;
				layRehash(L, true);
				for (let j = i + 1; j < oldsize; j++) {
					if (oks[j] !== NOKEY) layInsert(L, oks[j], oeks[j], ohs[j]);
				}
				return;
			}
			ff--;
		}
		used++;
	}
	L.ff = ff;
	L.used = used;
}

function layRemove(L, e, h) {
	let i = h & (L.size - 1);
	do {
		if (L.ks[i] !== NOKEY && L.eks[i] === e) {
			L.ks[i] = NOKEY;
			L.eks[i] = "";
			L.used--;
			layRehash(L, false);
			return;
		}
		i = L.nx[i];
	} while (i !== -1);
}

function layClear(L) {
	L.ks.fill(NOKEY);
	L.eks.fill("");
	L.used = 0;
	layRehash(L, true);
}

// layout returns t's node array with every pending operation applied.
function layout(o) {
	if (o.sh) {
		if (o.lay === null) {
			const L = new Layout(o.cap);
			for (const k of o.keys) layInsert(L, k, ek(k), khash(k));
			o.lay = L;
		}
		return o.lay;
	}
	let L = o.lay;
	if (L === null) L = o.lay = new Layout(o.cap);
	const lk = o.lk, lo = o.lo;
	if (lk.length > 0) {
		for (let i = 0; i < lk.length; i++) {
			const k = lk[i];
			switch (lo[i]) {
				case INS:
					if (typeof k === "string") layInsert(L, k, k, strHash(k));
					else layInsert(L, k, ek(k), khash(k));
					break;
				case DEL: layRemove(L, ek(k), khash(k)); break;
				default: layClear(L);
			}
		}
		lk.length = 0;
		lo.length = 0;
	}
	return L;
}

// ord returns t's private history, copying a shared one.
function ord(t) {
	let o = t.Āo;
	if (o.sh) {
		const p = new Ord(o.cap, o.n);
		for (const k of o.keys) ordAdd(p, k, INS);
		t.Āo = p;
		o = p;
	}
	return o;
}
function logOp(t, op, k) {
	const o = ord(t);
	ordAdd(o, k, op);
	if (op === INS) o.n++;
	else if (op === DEL) o.n--;
	else o.n = 0;
	if (o.lk.length > 64 + 4 * o.n) layout(o);
}

function newTable(cap) {
	const t = Object.create(TP);
	t.Āo = cap === 0 ? SITE0 : new Ord(pow2(cap), 0);
	return t;
}

// tRawGet returns the value of key k (not null) or undefined.
function tRawGet(t, k) {
	return t[typeof k === "string" ? k : ek(k)];
}
// tRawSet creates or updates slot k (k is not null).
function tRawSet(t, k, v) {
	v = rv(v);
	const e = ek(k);
	if (t[e] === undefined) {
		logOp(t, INS, k);
		t[e] = v;
		return;
	}
	t[e] = v;
}
function tRawDelete(t, k) {
	const e = ek(k);
	if (t[e] === undefined) return false;
	delete t[e];
	logOp(t, DEL, k);
	return true;
}
function tLen(t) { return t.Āo.n; }
function tClear(t) {
	const o = t.Āo;
	if (o.n === 0 && o.sh) return;
	for (const k of Object.keys(t)) if (k.charCodeAt(0) !== 0x100) delete t[k];
	logOp(t, CLR, null);
}

// tNext is SQTable::Next: from iterator position i, the next occupied node;
// it sets nextKey/nextVal and returns the following position, or -1.
let nextKey = null, nextVal = null;
function tNext(t, i) {
	const o = t.Āo;
	const L = (o.lay !== null && (o.sh || o.lk.length === 0)) ? o.lay : layout(o);
	const ks = L.ks, size = L.size;
	while (i < size) {
		const k = ks[i];
		if (k !== NOKEY) {
			nextKey = k;
			nextVal = t[L.eks[i]];
			return i + 1;
		}
		i++;
	}
	return -1;
}

// tClone copies a table the way 3.0.4 does: a table of the same node count,
// filled in iteration order.
function tClone(t) {
	const src = t.Āo;
	const L = layout(src);
	const c = Object.create(Object.getPrototypeOf(t));
	const o = new Ord(L.size, 0);
	c.Āo = o;
	if (Object.hasOwn(t, "Ād")) c.Ād = t.Ād;
	for (let i = 0; i < L.size; i++) {
		const k = L.ks[i];
		if (k === NOKEY) continue;
		const e = L.eks[i];
		c[e] = t[e];
		ordAdd(o, k, INS);
		o.n++;
	}
	return c;
}

Object.assign($, { Site, SITE0, newTable, layout, NOKEY });
