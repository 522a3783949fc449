// Squirrel 3.0.4 runtime, part 3: slot access on any value (SQVM::Get, Set,
// NewSlot, DeleteSlot and their fallbacks), metamethods and calls. These are
// the slow paths: compiled code inlines the common cases and calls these for
// the rest.

let ROOT = null;          // the root table
const rootSetters = [];   // programs' copies of the root, updated by setroottable
const NOTFOUND = undefined;
const IT = { k: null, v: null }; // foreach results
const END = Object.create(null); // foreach: no more items

// metamethod returns the metamethod `name` of a table (its delegate's own
// slot) or instance (its class's), or undefined.
function metamethod(o, name) {
	if (o.Āt === TBL) {
		const d = o.Ād;
		if (d === null || d === undefined) return undefined;
		return tRawGet(d, name);
	}
	if (o.Āt === INST) return o.Āc.Āmm[name];
	return undefined;
}
function callMeta(mm, self, ...args) {
	if (typeof mm === "function") return mm(self, ...args);
	return call(mm, self, ...args);
}

// ownGet is the first step of SQVM::Get: the object's own slots. Arrays and
// strings raise an index error for numeric keys out of range.
function ownGet(o, k) {
	switch (typeof o) {
		case "string": {
			if (typeof k === "number" || isFloat(k)) {
				const n = typeof k === "number" ? k : f2i(k.Āv);
				if (n >= 0 && n < o.length) {
					const c = o.charCodeAt(n);
					return c >= 128 ? c - 256 : c;
				}
				idxErr(k);
			}
			return NOTFOUND;
		}
		case "object":
			if (o === null || k === null) return NOTFOUND;
			switch (o.Āt) {
				case TBL: return tRawGet(o, k);
				case ARR: {
					if (typeof k === "number" || isFloat(k)) {
						const n = typeof k === "number" ? k : f2i(k.Āv);
						const a = o.Āa;
						if (n >= 0 && n < a.length) return a[n];
						idxErr(k);
					}
					return NOTFOUND;
				}
				case INST: {
					const e = ek(k);
					return o.Āc.Āmem[e] !== undefined ? o[e] : NOTFOUND;
				}
				case CLS: {
					const e = ek(k);
					return o.Āmem[e] !== undefined ? o[e] : NOTFOUND;
				}
			}
	}
	return NOTFOUND;
}

// fallbackGet is FallBackGet: the delegate chain, then _get. A _get that
// throws null means "not found".
function fallbackGet(o, k) {
	if (typeof o !== "object" || o === null) return NOTFOUND;
	let mm;
	if (o.Āt === TBL) {
		const d = o.Ād;
		if (d === null || d === undefined) return NOTFOUND;
		const v = quietGet(d, k);
		if (v !== NOTFOUND) return v;
		mm = tRawGet(d, "_get");
	} else if (o.Āt === INST) {
		mm = o.Āc.Āmm._get;
	} else {
		return NOTFOUND;
	}
	if (mm === undefined) return NOTFOUND;
	try {
		return callMeta(mm, o, k);
	} catch (e) {
		if (e === null) return NOTFOUND;
		throw e;
	}
}
// quietGet is Get(delegate, key, DONT_FALL_BACK) as the delegate lookup uses
// it: any failure, even a metamethod error, only means "not found".
function quietGet(o, k) {
	try {
		let v = ownGet(o, k);
		if (v !== NOTFOUND) return v;
		v = fallbackGet(o, k);
		if (v !== NOTFOUND) return v;
		return ddelGet(o, k);
	} catch (e) {
		if (typeof e === "object" && e !== null && e instanceof Error) throw e;
		return NOTFOUND;
	}
}
function ddelGet(o, k) {
	if (typeof k !== "string") return NOTFOUND;
	let dd;
	switch (typeof o) {
		case "string": dd = DD_STRING; break;
		case "number": case "boolean": dd = DD_NUMBER; break;
		case "function": dd = DD_CLOSURE; break;
		case "object":
			if (o === null) return NOTFOUND;
			switch (o.Āt) {
				case TBL: dd = DD_TABLE; break;
				case ARR: dd = DD_ARRAY; break;
				case INST: dd = DD_INSTANCE; break;
				case CLS: dd = DD_CLASS; break;
				case FLT: dd = DD_NUMBER; break;
				case GEN: dd = DD_GENERATOR; break;
				case WREF: dd = DD_WEAKREF; break;
				case THR: dd = DD_THREAD; break;
				default: return NOTFOUND;
			}
			break;
		default: return NOTFOUND;
	}
	return Object.hasOwn(dd, k) ? dd[k] : NOTFOUND;
}

// gk is obj[key] / obj.key on any value.
function gk(o, k) {
	let v = ownGet(o, k);
	if (v !== NOTFOUND) return v;
	v = fallbackGet(o, k);
	if (v !== NOTFOUND) return v;
	v = ddelGet(o, k);
	if (v !== NOTFOUND) return v;
	idxErr(k);
}
// gn is a read of `this`'s slot (a bare name or this.key): like gk, but a
// miss falls back to the root table.
function gn(o, k) {
	let v = ownGet(o, k);
	if (v !== NOTFOUND) return v;
	v = fallbackGet(o, k);
	if (v !== NOTFOUND) return v;
	v = ddelGet(o, k);
	if (v !== NOTFOUND) return v;
	if (ROOT !== null && k !== null) {
		v = tRawGet(ROOT, k);
		if (v !== NOTFOUND) return v;
	}
	idxErr(k);
}

// ownSet is the first step of SQVM::Set. It returns true when done, false
// to continue with the fallbacks, and throws for arrays and non-containers.
function ownSet(o, k, v) {
	if (typeof o === "object" && o !== null) {
		switch (o.Āt) {
			case TBL:
				if (k === null) return false;
				if (typeof k === "string") {
					if (o[k] === undefined) return false;
					o[k] = v;
					return true;
				} else {
					const e = ek(k);
					if (o[e] === undefined) return false;
					o[e] = v;
					return true;
				}
			case INST: {
				if (k === null) return false;
				const e = ek(k);
				if (o.Āc.Āmem[e] !== FIELD) return false;
				o[e] = v;
				return true;
			}
			case ARR: {
				if (typeof k !== "number" && !isFloat(k)) err("indexing array with " + typeName(k));
				const n = typeof k === "number" ? k : f2i(k.Āv);
				const a = o.Āa;
				if (n >= 0 && n < a.length) {
					a[n] = v;
					return true;
				}
				idxErr(k);
			}
		}
	}
	err("trying to set '" + typeName(o) + "'");
}
// fallbackSet is FallBackSet: the delegate chain, then _set.
function fallbackSet(o, k, v) {
	let mm;
	if (o.Āt === TBL) {
		const d = o.Ād;
		if (d !== null && d !== undefined) {
			try {
				if (ownSet(d, k, v) || fallbackSet(d, k, v)) return true;
			} catch (e) {
				if (typeof e === "object" && e !== null && e instanceof Error) throw e;
			}
			mm = tRawGet(d, "_set");
		}
	} else if (o.Āt === INST) {
		mm = o.Āc.Āmm._set;
	}
	if (mm === undefined) return false;
	try {
		callMeta(mm, o, k, v);
		return true;
	} catch (e) {
		if (e === null) return false;
		throw e;
	}
}
function sk(o, k, v) {
	v = rv(v);
	if (!ownSet(o, k, v) && !fallbackSet(o, k, v)) idxErr(k);
	return v;
}
function sn(o, k, v) {
	v = rv(v);
	if (!ownSet(o, k, v) && !fallbackSet(o, k, v)) {
		if (ROOT === null || k === null || tRawGet(ROOT, k) === NOTFOUND) idxErr(k);
		tRawSet(ROOT, k, v);
	}
	return v;
}

// ns is the new-slot operator obj[key] <- val.
function ns(o, k, v) {
	if (k === null) err("null cannot be used as index");
	if (typeof o === "object" && o !== null) {
		switch (o.Āt) {
			case TBL: {
				const d = o.Ād;
				if (d !== null && d !== undefined && tRawGet(o, k) === NOTFOUND) {
					const mm = tRawGet(d, "_newslot");
					if (mm !== undefined) {
						callMeta(mm, o, k, v);
						return v;
					}
				}
				tRawSet(o, k, v);
				return v;
			}
			case INST: {
				const mm = o.Āc.Āmm._newslot;
				if (mm !== undefined) {
					callMeta(mm, o, k, v);
					return v;
				}
				err("class instances do not support the new slot operator");
			}
			case CLS:
				clsNewSlot(o, k, v, false);
				return v;
		}
	}
	err("indexing " + typeName(o) + " with " + typeName(k));
}

// nsNew adds string key k, which it does not have, to table t (no delegate).
function nsNew(t, k, v) {
	v = rv(v);
	logOp(t, INS, k);
	t[k] = v;
	return v;
}

function del(o, k) {
	if (typeof o === "object" && o !== null && (o.Āt === TBL || o.Āt === INST)) {
		const mm = metamethod(o, "_delslot");
		if (mm !== undefined) return callMeta(mm, o, k);
		if (o.Āt === INST) err("cannot delete a slot from instance");
		const old = k === null ? NOTFOUND : tRawGet(o, k);
		if (old === NOTFOUND) idxErr(k);
		tRawDelete(o, k);
		return old;
	}
	err("attempt to delete a slot from a " + typeName(o));
}

// has is the `in` operator: a raw lookup, no delegates or metamethods.
function has(k, o) {
	switch (typeof o) {
		case "string": {
			const n = typeof k === "number" ? k : (isFloat(k) ? f2i(k.Āv) : null);
			return n !== null && Math.abs(n) < o.length;
		}
		case "object":
			if (o === null || k === null) return false;
			switch (o.Āt) {
				case TBL: return tRawGet(o, k) !== NOTFOUND;
				case ARR: {
					const n = typeof k === "number" ? k : (isFloat(k) ? f2i(k.Āv) : null);
					return n !== null && n >= 0 && n < o.Āa.length;
				}
				case INST: return o.Āc.Āmem[ek(k)] !== undefined;
				case CLS: return o.Āmem[ek(k)] !== undefined;
			}
	}
	return false;
}

function typeOf(x) {
	if (typeof x === "object" && x !== null && (x.Āt === TBL || x.Āt === INST)) {
		const mm = metamethod(x, "_typeof");
		if (mm !== undefined) return callMeta(mm, x);
	}
	return typeName(x);
}

function instanceOf(a, c) {
	if (!(typeof c === "object" && c !== null && c.Āt === CLS)) {
		err("cannot apply instanceof between a " + typeName(c) + " and a " + typeName(a));
	}
	if (!(typeof a === "object" && a !== null && a.Āt === INST)) return false;
	for (let k = a.Āc; k !== null; k = k.Āb) if (k === c) return true;
	return false;
}

function clone(x) {
	if (typeof x === "object" && x !== null) {
		let n;
		switch (x.Āt) {
			case TBL: n = tClone(x); break;
			case INST: n = instClone(x); break;
			case ARR: return A(x.Āa.slice());
			default: err("cloning a " + typeName(x));
		}
		const mm = metamethod(n, "_cloned");
		if (mm !== undefined) callMeta(mm, n, x);
		return n;
	}
	err("cloning a " + typeName(x));
}

// call invokes any callable value: closures directly, classes by creating
// an instance, tables and instances through _call.
function call(f, self, ...args) {
	if (typeof f === "function") return f(self, ...args);
	if (typeof f === "object" && f !== null) {
		if (f.Āt === CLS) return construct(f, args);
		if (f.Āt === TBL || f.Āt === INST) {
			const mm = metamethod(f, "_call");
			if (mm !== undefined) return callMeta(mm, f, self, ...args);
		}
	}
	err("attempt to call '" + typeName(f) + "'");
}
// mc is o.k(...args): the method call compiled code falls back to when an
// inlined built-in method does not apply.
function mc(o, k, ...args) { return call(gk(o, k), o, ...args); }
function arityErr() { err("wrong number of parameters"); }
// len is x.len() for a receiver compiled code has found to be neither a
// string nor an array: a table without a delegate or a slot "len" calls the
// table delegate's len, anything else looks the method up and calls it.
function len(x) {
	if (typeof x === "object" && x !== null && x.Āw === WTBL && x.Ād === null && x.len === undefined) return DD_TABLE.len(x);
	return call(gk(x, "len"), x);
}

// nx advances a foreach over anything but an array (arrays are iterated
// inline by compiled code). s is the previous state (null at the start);
// it returns the next state, or END, and leaves the key and value in IT.
function nx(c, s) {
	switch (typeof c) {
		case "string": {
			const i = s === null ? 0 : s;
			if (i >= c.length) return END;
			const ch = c.charCodeAt(i);
			IT.k = i;
			IT.v = ch >= 128 ? ch - 256 : ch;
			return i + 1;
		}
		case "object":
			if (c === null) break;
			switch (c.Āt) {
				case TBL: {
					const i = tNext(c, s === null ? 0 : s);
					if (i === -1) return END;
					IT.k = nextKey;
					IT.v = nextVal;
					return i;
				}
				case ARR: {
					const i = s === null ? 0 : s;
					if (i >= c.Āa.length) return END;
					IT.k = i;
					IT.v = c.Āa[i];
					return i + 1;
				}
				case CLS: {
					const i = tNext(c, s === null ? 0 : s);
					if (i === -1) return END;
					IT.k = nextKey;
					IT.v = nextVal;
					return i;
				}
				case INST: {
					const mm = c.Āc.Āmm._nexti;
					if (mm === undefined) err("_nexti failed");
					const itr = callMeta(mm, c, s);
					if (itr === null) return END;
					IT.k = itr;
					const v = quietGet(c, itr);
					if (v === NOTFOUND) err("_nexti returned an invalid idx");
					IT.v = v;
					return itr;
				}
				case GEN: {
					if (c.Āst === "dead") return END;
					const i = typeof s === "number" ? s + 1 : 0;
					const v = resume(c);
					if (c.Āst === "dead") return END;
					IT.k = i;
					IT.v = v;
					return i;
				}
			}
	}
	err("cannot iterate " + typeName(c));
}

// exc converts anything a JavaScript catch receives into the Squirrel value
// of the exception: thrown Squirrel values pass through, engine errors
// become their message.
function exc(e) {
	if (e instanceof Error) return utf8Encode(String(e.message));
	if (e === undefined) return null;
	return e;
}

Object.assign($, {
	gk, gn, sk, sn, ns, nsNew, del, has, typeOf, instanceOf, clone, call, len, mc, arityErr, nx, exc, IT, END,
	metamethod,
});
