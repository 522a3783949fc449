// Squirrel 3.0.4 runtime, part 6: the default delegates (the methods every
// table, array, string, number, class and instance has).

function selfErr(v, mask) { paramTypeErr(0, mask, v); }
function isArr(x) { return typeof x === "object" && x !== null && x.Āt === ARR; }
function isTbl(x) { return typeof x === "object" && x !== null && x.Āt === TBL; }
function toInt(x) { return typeof x === "number" ? x : f2i(x.Āv); }
function isNum(x) { return typeof x === "number" || isFloat(x); }

// ---- numbers and strings ----

// str2num is 3.0.4's str2num: a float when the text has '.', 'e' or 'E'.
function str2num(s) {
	const z = s.indexOf("\0");
	if (z >= 0) s = s.slice(0, z);
	if (/[.eE]/.test(s)) {
		const r = host.strtod(s);
		return r === null ? undefined : F(fround(r));
	}
	const r = host.strtol(s);
	return r === null ? undefined : r;
}
function tointeger(x) {
	switch (typeof x) {
		case "number": return x;
		case "boolean": return x ? 1 : 0;
		case "string": {
			const r = str2num(x);
			if (r === undefined) err("cannot convert the string");
			return typeof r === "number" ? r : f2i(r.Āv);
		}
	}
	if (isFloat(x)) return f2i(x.Āv);
	return null;
}
function tofloat(x) {
	switch (typeof x) {
		case "number": return F(fround(x));
		case "boolean": return F(x ? 1 : 0);
		case "string": {
			const r = str2num(x);
			if (r === undefined) err("cannot convert the string");
			return typeof r === "number" ? F(fround(r)) : r;
		}
	}
	if (isFloat(x)) return x;
	return null;
}
function tochar(x) {
	const c = (typeof x === "boolean" ? (x ? 1 : 0) : toInt(x)) & 0xFF;
	return String.fromCharCode(c);
}

// sliceIdx reads slice()'s arguments as 3.0.4 does.
function sliceIdx(n, s, e) {
	let si = 0, ei = 0;
	if (s !== null && s !== undefined && isNum(s)) si = toInt(s);
	if (e !== undefined) {
		if (isNum(e)) ei = toInt(e);
	} else {
		ei = n;
	}
	if (si < 0) si = n + si;
	if (ei < 0) ei = n + ei;
	if (ei < si) err("wrong indexes");
	if (ei > n) err("slice out of range");
	return [si, ei];
}
function strFind(s, sub, start) {
	const z = s.indexOf("\0");
	if (z >= 0) s = s.slice(0, z);
	const y = sub.indexOf("\0");
	if (y >= 0) sub = sub.slice(0, y);
	const i = s.indexOf(sub, start);
	return i < 0 ? null : i;
}
function mapBytes(s, lower) {
	return lower ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

const STRING_DEFS = [
	["len", 1, "s", (s) => s.length],
	["tointeger", 1, "s", tointeger],
	["tofloat", 1, "s", tofloat],
	["tostring", 1, ".", (x) => str(x)],
	["slice", -1, " s n  n", (s, a, b) => {
		const n = s.length;
		let i = a === undefined ? 0 : (typeof a === "number" ? a : toInt(a));
		let j = b === undefined ? n : (typeof b === "number" ? b : toInt(b));
		if (i < 0) i += n;
		if (j < 0) j += n;
		if (j < i) err("wrong indexes");
		if (j > n) err("slice out of range");
		if (i < 0) err("slice out of range");
		return s.slice(i, j);
	}, 3],
	["find", -2, "s s n ", (s, sub, start) => {
		const st = start === undefined ? 0 : toInt(start);
		if (!(s.length > st && st >= 0)) return null;
		return strFind(s, sub, st);
	}, 3],
	["tolower", 1, "s", (s) => mapBytes(s, true)],
	["toupper", 1, "s", (s) => mapBytes(s, false)],
	["weakref", 1, null, (x) => weakref(x)],
];
const DD_STRING = ddTable(STRING_DEFS);
$.SD = ddTableSelf(STRING_DEFS);
const DD_NUMBER = ddTable([
	["tointeger", 1, "n|b", tointeger],
	["tofloat", 1, "n|b", tofloat],
	["tostring", 1, ".", (x) => str(x)],
	["tochar", 1, "n|b", tochar],
	["weakref", 1, null, (x) => weakref(x)],
]);

// ---- tables ----

function setdelegate(t, d) {
	if (d !== null) {
		for (let x = d; x !== null && x !== undefined; x = x.Ād) if (x === t) err("delagate cycle");
		t.Ād = d;
		Object.setPrototypeOf(t, DTP);
	} else {
		t.Ād = null;
		Object.setPrototypeOf(t, TP);
	}
	return t;
}
function rawgetErr() { err("the index doesn't exist"); }
function rawget(o, k) {
	switch (o.Āt) {
		case TBL: {
			const v = k === null ? undefined : tRawGet(o, k);
			if (v === undefined) rawgetErr();
			return v;
		}
		case ARR: {
			if (!isNum(k)) err("invalid index type for an array");
			const n = toInt(k);
			if (n >= 0 && n < o.Āa.length) return o.Āa[n];
			rawgetErr();
		}
	}
	const v = k === null ? undefined : ownGet(o, k);
	if (v === undefined) rawgetErr();
	return v;
}
function rawset(o, k, v) {
	if (k === null) err("null key");
	switch (o.Āt) {
		case TBL: tRawSet(o, k, v); return;
		case CLS:
			try { clsNewSlot(o, k, v, false); } catch (e) { if (e instanceof Error) throw e; }
			return;
		case INST: case ARR:
			if (ownSet(o, k, v)) return;
	}
	idxErr(k);
}
function rawin(o, k) {
	try {
		rawget(o, k);
		return true;
	} catch (e) {
		if (e instanceof Error) throw e;
		return false;
	}
}
function clear(o) {
	if (o.Āt === TBL) tClear(o);
	else if (o.Āt === ARR) o.Āa.length = 0;
	else err("clear only works on table and array");
}

const DD_TABLE = ddTable([
	["len", 1, "t", (t) => tLen(t)],
	["rawget", 2, "t", rawget],
	["rawset", 3, "t", rawset],
	["rawdelete", 2, "t", (t, k) => {
		if (k === null) err("null is not a valid key");
		const v = tRawGet(t, k);
		if (v === undefined) return null;
		tRawDelete(t, k);
		return v;
	}],
	["rawin", 2, "t", rawin],
	["weakref", 1, null, (x) => weakref(x)],
	["tostring", 1, ".", (x) => str(x)],
	["clear", 1, ".", clear],
	["setdelegate", 2, ".t|o", setdelegate],
	["getdelegate", 1, ".", (t) => {
		if (t.Āt !== TBL) err("wrong type");
		return t.Ād === undefined ? null : t.Ād;
	}],
]);
// (the table methods are not on TP: a table's own slots are then exactly its
// own properties, which the compiled fast paths rely on; $TD serves compiled
// calls of these methods)
$.TD = DD_TABLE;

// ---- arrays ----

function sortCompare(f, a, b) {
	if (f === null) return cmp(a, b);
	let r;
	try {
		r = typeof f === "function" ? f(ROOT, a, b) : call(f, ROOT, a, b);
	} catch (e) {
		if (typeof e !== "string") err("compare func failed");
		throw e;
	}
	if (typeof r === "number") return r;
	if (isFloat(r)) return f2i(r.Āv);
	err("numeric value expected as return value of the compare function");
}
// heapsort exactly as 3.0.4's array.sort, so that equal elements end up in
// the same (unstable) order.
function siftDown(a, root, bottom, f) {
	let done = false;
	while (root * 2 <= bottom && !done) {
		const root2 = root * 2;
		let maxChild;
		if (root2 === bottom) maxChild = root2;
		else maxChild = sortCompare(f, a[root2], a[root2 + 1]) > 0 ? root2 : root2 + 1;
		if (sortCompare(f, a[root], a[maxChild]) < 0) {
			if (root === maxChild) err("inconsistent compare function");
			const t = a[root]; a[root] = a[maxChild]; a[maxChild] = t;
			root = maxChild;
		} else {
			done = true;
		}
	}
}
function heapSort(a, f) {
	const n = a.length;
	for (let i = n >> 1; i >= 0; i--) siftDown(a, i, n - 1, f);
	for (let i = n - 1; i >= 1; i--) {
		const t = a[0]; a[0] = a[i]; a[i] = t;
		siftDown(a, 0, i - 1, f);
	}
}

const DD_ARRAY = ddTable([
	["len", 1, "a", (a) => a.Āa.length],
	["append", 2, "a", (a, v) => { a.Āa.push(rv(v)); }],
	["extend", 2, "aa", (a, b) => { const x = a.Āa, y = b.Āa, n = y.length; for (let i = 0; i < n; i++) x.push(y[i]); }],
	["push", 2, "a", (a, v) => { a.Āa.push(rv(v)); }],
	["pop", 1, "a", (a) => { if (a.Āa.length === 0) err("empty array"); return a.Āa.pop(); }],
	["top", 1, "a", (a) => { const x = a.Āa; if (x.length === 0) err("top() on a empty array"); return x[x.length - 1]; }],
	["insert", 3, "an", (a, i, v) => {
		const n = toInt(i), x = a.Āa;
		if (n < 0 || n > x.length) err("index out of range");
		x.splice(n, 0, rv(v));
	}],
	["remove", 2, "an", (a, i) => {
		const n = toInt(i), x = a.Āa;
		if (n < 0 || n >= x.length) err("idx out of range");
		return x.splice(n, 1)[0];
	}],
	["resize", -2, "an", (a, size, fill) => {
		const n = toInt(size), x = a.Āa;
		if (n < 0) err("negative size");
		const v = fill === undefined ? null : rv(fill);
		if (n < x.length) x.length = n;
		else while (x.length < n) x.push(v);
	}, 3],
	["reverse", 1, "a", (a) => { a.Āa.reverse(); }],
	["sort", -1, "ac", (a, f) => { if (a.Āa.length > 1) heapSort(a.Āa, f === undefined ? null : f); }, 2],
	["slice", -1, "ann", (a, s, e) => {
		const x = a.Āa;
		const [i, j] = sliceIdx(x.length, s, e);
		const out = [];
		let t = null;
		for (let k = i; k < j; k++) {
			if (k >= 0 && k < x.length) t = x[k];
			out.push(t);
		}
		return A(out);
	}, 3],
	["weakref", 1, null, (x) => weakref(x)],
	["tostring", 1, ".", (x) => str(x)],
	["clear", 1, ".", clear],
	["map", 2, "ac", (a, f) => {
		const x = a.Āa, n = x.length, out = dense(n, null);
		for (let i = 0; i < n; i++) out[i] = rv(callMeta(f, a, x[i]));
		return A(out);
	}],
	["apply", 2, "ac", (a, f) => {
		const x = a.Āa;
		for (let i = 0; i < x.length; i++) x[i] = rv(callMeta(f, a, x[i]));
	}],
	["reduce", 2, "ac", (a, f) => {
		const x = a.Āa;
		if (x.length === 0) return null;
		let r = x[0];
		for (let i = 1; i < x.length; i++) r = callMeta(f, a, r, x[i]);
		return r;
	}],
	["filter", 2, "ac", (a, f) => {
		const x = a.Āa, out = [];
		for (let i = 0; i < x.length; i++) {
			const v = x[i];
			if (T(callMeta(f, a, i, v))) out.push(v);
		}
		return A(out);
	}],
	["find", 2, "a.", (a, v) => {
		const x = a.Āa;
		for (let i = 0; i < x.length; i++) if (eq(x[i], v)) return i;
		return null;
	}],
]);
for (const k in DD_ARRAY) AP[k] = DD_ARRAY[k];
for (const k in DD_NUMBER) FP[k] = DD_NUMBER[k];

// ---- classes and instances ----

function getattributes(c, k) {
	if (k === null) return c.Āat;
	const e = ek(k);
	if (c.Āmem[e] === undefined) err("wrong index");
	const a = c.Āma[e];
	return a === undefined ? null : a;
}
function setattributes(c, k, v) {
	if (k === null) {
		const old = c.Āat;
		c.Āat = v;
		return old;
	}
	const e = ek(k);
	if (c.Āmem[e] === undefined) err("wrong index");
	const old = c.Āma[e];
	c.Āma[e] = v;
	return old === undefined ? null : old;
}
function newmemberNat(raw) {
	return (c, k, v, attrs, st) => {
		if (k === null) err("null key");
		const a = attrs === undefined ? null : attrs;
		const s = st === undefined ? false : T(st);
		if (!raw) newMember(c, k, v === undefined ? null : v, a, s);
		else {
			clsNewSlot(c, k, v === undefined ? null : v, s);
			if (a !== null && c.Āmem[ek(k)] !== undefined) c.Āma[ek(k)] = a;
		}
	};
}

const DD_CLASS = ddTable([
	["getattributes", 2, "y.", getattributes],
	["setattributes", 3, "y..", setattributes],
	["rawget", 2, "y", rawget],
	["rawset", 3, "y", rawset],
	["rawin", 2, "y", rawin],
	["weakref", 1, null, (x) => weakref(x)],
	["tostring", 1, ".", (x) => str(x)],
	["instance", 1, "y", (c) => newInst(c)],
	["getbase", 1, "y", (c) => c.Āb],
	["newmember", -3, "y", newmemberNat(false)],
	["rawnewmember", -3, "y", newmemberNat(true)],
]);
for (const k in DD_CLASS) CLP[k] = DD_CLASS[k];

const DD_INSTANCE = ddTable([
	["getclass", 1, "x", (o) => o.Āc],
	["rawget", 2, "x", rawget],
	["rawset", 3, "x", rawset],
	["rawin", 2, "x", rawin],
	["weakref", 1, null, (x) => weakref(x)],
	["tostring", 1, ".", (x) => str(x)],
]);
for (const k in DD_INSTANCE) IPP[k] = DD_INSTANCE[k];
for (const k in DD_GENERATOR) GP[k] = DD_GENERATOR[k];
for (const k in DD_WEAKREF) WP[k] = DD_WEAKREF[k];
