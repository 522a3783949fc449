// Squirrel 3.0.4 runtime, part 9: the bridge between Squirrel values and the
// host's JavaScript objects (the agent API is implemented in Go and exposed
// as JS objects).
//
//   JS -> Squirrel: null/undefined -> null; booleans; numbers -> integer when
//   they are int32 values, float otherwise; strings -> UTF-8 bytes; arrays ->
//   arrays; functions -> Squirrel-callable functions (the JS `this` is the
//   host object they came from); other objects -> tables of their
//   properties (the same object always maps to the same table).
//   Squirrel -> JS: integers and floats -> numbers; strings -> text (UTF-8
//   decoded, or one code unit per byte when not valid UTF-8); tables and
//   instances -> plain objects; arrays -> arrays; closures -> JS functions
//   whose length is the closure's parameter count; tables made from host
//   objects -> the original objects.

const fromHost = new WeakMap(); // host object -> Squirrel table
const toHost = new WeakMap();   // Squirrel table/function -> host object
const toJSCache = new WeakMap(); // Squirrel closure -> JS function

function utf8Encode(s) {
	let out = "";
	for (let i = 0; i < s.length; i++) {
		let c = s.charCodeAt(i);
		if (c < 0x80) { out += s[i]; continue; }
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < s.length) {
			const d = s.charCodeAt(i + 1);
			if (d >= 0xDC00 && d < 0xE000) { c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00); i++; }
		}
		if (c < 0x800) out += String.fromCharCode(0xC0 | (c >> 6), 0x80 | (c & 63));
		else if (c < 0x10000) out += String.fromCharCode(0xE0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
		else out += String.fromCharCode(0xF0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
	}
	return out;
}
function utf8Decode(s) {
	let ascii = true;
	for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) { ascii = false; break; }
	if (ascii) return s;
	let out = "";
	for (let i = 0; i < s.length;) {
		const c = s.charCodeAt(i);
		let n = 0, cp = 0;
		if (c < 0x80) { out += s[i++]; continue; }
		else if (c >= 0xC2 && c < 0xE0) { n = 1; cp = c & 31; }
		else if (c >= 0xE0 && c < 0xF0) { n = 2; cp = c & 15; }
		else if (c >= 0xF0 && c < 0xF5) { n = 3; cp = c & 7; }
		else return s;
		if (i + n >= s.length) return s;
		for (let j = 1; j <= n; j++) {
			const d = s.charCodeAt(i + j);
			if (!(d >= 0x80 && d < 0xC0)) return s;
			cp = (cp << 6) | (d & 63);
		}
		if ((n === 2 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) || (n === 3 && (cp < 0x10000 || cp > 0x10FFFF))) return s;
		out += String.fromCodePoint(cp);
		i += n + 1;
	}
	return out;
}

// host classes: the prototype of the objects a host class's constructor
// returns -> the Squirrel class that wraps them
const hostProtos = new Map();
function wrapHost(C, h) {
	const inst = newInst(C);
	inst.Āh = h;
	fromHost.set(h, inst);
	toHost.set(inst, h);
	return inst;
}

function toSq(v) {
	switch (typeof v) {
		case "undefined": return null;
		case "boolean": return v;
		case "number":
			if ((v | 0) === v && !Object.is(v, -0)) return v;
			return F(fround(v));
		case "string": return utf8Encode(v);
		case "bigint": return F(fround(Number(v)));
		case "function": return hostFunc(v, undefined);
		case "symbol": return null;
	}
	if (v === null) return null;
	if (v.Āt !== undefined) return v; // already a Squirrel value
	const known = fromHost.get(v);
	if (known !== undefined) return known;
	if (Array.isArray(v)) return A(v.map(toSq));
	const hc = hostProtos.get(Object.getPrototypeOf(v));
	if (hc !== undefined) return wrapHost(hc, v);
	const t = newTable(0);
	fromHost.set(v, t);
	toHost.set(t, v);
	const seen = new Set();
	for (let o = v; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
		for (const k of Object.getOwnPropertyNames(o)) {
			if (k === "constructor" || seen.has(k)) continue;
			seen.add(k);
			let x;
			try { x = v[k]; } catch (e) { continue; }
			tRawSet(t, utf8Encode(k), typeof x === "function" ? hostFunc(x, v) : toSq(x));
		}
	}
	return t;
}

// hostFunc makes a host function callable from Squirrel; `self` is ignored
// and the host sees its own object as `this`.
function hostFunc(fn, obj) {
	const w = function (self, ...args) {
		const r = fn.apply(obj, args.map((a) => toJS(a)));
		return toSq(r);
	};
	w.Ān = fn.name || "native";
	w.Āpc = 0;
	w.Ātc = null;
	toHost.set(w, fn);
	return w;
}

function toJS(v, seen) {
	switch (typeof v) {
		case "number": case "boolean": return v;
		case "string": return utf8Decode(v);
		case "function": {
			const h = toHost.get(v);
			if (h !== undefined) return h;
			return closureToJS(v);
		}
	}
	if (v === null) return null;
	const h = toHost.get(v);
	if (h !== undefined) return h;
	if (seen === undefined) seen = new Map();
	if (seen.has(v)) return seen.get(v);
	switch (v.Āt) {
		case FLT: return v.Āv;
		case ARR: {
			const out = [];
			seen.set(v, out);
			for (const x of v.Āa) out.push(toJS(x, seen));
			return out;
		}
		case TBL: case INST: {
			const out = {};
			seen.set(v, out);
			let s = null;
			for (;;) {
				s = nx(v.Āt === INST ? instanceKeys(v) : v, s);
				if (s === END) break;
				const k = IT.k;
				out[typeof k === "string" ? utf8Decode(k) : str(k)] = toJS(IT.v, seen);
			}
			return out;
		}
		case WREF: return toJS(v.Ār, seen);
	}
	return v;
}
// instanceKeys presents an instance's fields as a table for conversion.
function instanceKeys(o) {
	const t = newTable(0);
	const C = o.Āc;
	for (let s = null; (s = nx(C, s)) !== END;) {
		if (C.Āmem[ek(IT.k)] === FIELD) tRawSet(t, IT.k, o[ek(IT.k)]);
	}
	return t;
}

function closureToJS(f) {
	const known = toJSCache.get(f);
	if (known !== undefined) return known;
	const w = function (...args) {
		return toJS(f(ROOT, ...args.map(toSq)));
	};
	const n = arity(f);
	Object.defineProperty(w, "length", { value: n > 0 ? n - 1 : (n < 0 ? -n - 1 : 0) });
	toJSCache.set(f, w);
	toHost.set(w, f);
	return w;
}

// hostCall calls Squirrel function f with `this` the root table and JS
// arguments, returning the result as JS.
function hostCall(f, args) {
	const a = [];
	for (let i = 0; i < args.length; i++) a.push(toSq(args[i]));
	return toJS(call(f, ROOT, ...a));
}
function setRoot(name, v) { tRawSet(ROOT, utf8Encode(name), toSq(v)); }
function getRoot(name) {
	const v = tRawGet(ROOT, utf8Encode(name));
	return v === undefined ? undefined : toJS(v);
}
function onRoot(f) { rootSetters.push(f); }

// hostClass installs a class implemented by the host: the constructor
// creates the host object, methods forward to it.
function hostClass(name, ctor, methods, typeName) {
	const C = newClass(null, null);
	newMember(C, "constructor", nat("constructor", -1, null, (self, ...args) => {
		const h = ctor(...args.map((a) => toJS(a)));
		if (typeof h === "object" && h !== null) {
			hostProtos.set(Object.getPrototypeOf(h), C);
			self.Āh = h;
			fromHost.set(h, self);
			toHost.set(self, h);
		}
	}), null, false);
	for (const m of methods) {
		newMember(C, utf8Encode(m), nat(m, -1, null, (self, ...args) => {
			const h = self.Āh;
			if (h === undefined) err("the object has no host value");
			return toSq(h[m](...args.map((a) => toJS(a))));
		}), null, false);
	}
	if (typeName) newMember(C, "_typeof", nat("_typeof", 1, null, () => utf8Encode(typeName)), null, false);
	tRawSet(ROOT, utf8Encode(name), C);
	return C;
}
// run executes a compiled program's main chunk (Program.Script).
function run(factory) {
	const main = factory($);
	main(ROOT);
}
// rootValue returns a root slot's raw Squirrel value (undefined if absent).
function rootValue(name) { return tRawGet(ROOT, utf8Encode(name)); }
function errorText(e) { return e instanceof Error ? e.message : utf8Decode(str(e)); }

Object.assign($, { toSq, toJS, hostCall, setRoot, getRoot, rootValue, onRoot, errorText, hostClass, run });
