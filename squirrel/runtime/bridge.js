// Squirrel 3.0.4 runtime, part 9: the bridge between Squirrel values and the
// host's JavaScript objects (the agent API is implemented in Go and exposed
// as JS objects).
//
//   JS -> Squirrel: null/undefined -> null; booleans; numbers -> integer when
//   they are int32 values, float otherwise; strings -> UTF-8 bytes; arrays ->
//   arrays (copied); functions -> Squirrel-callable functions (the JS `this`
//   is the object they were read from); Error objects -> their message;
//   objects a host class owns (DefineClass) -> instances of it; objects
//   backed by Go values, or with a prototype of their own (a client, a
//   Promise) -> live references, instances whose members are read from the
//   object when used; other (plain) objects -> tables of their properties.
//   The same object always maps to the same Squirrel value.
//   Squirrel -> JS: integers and floats -> numbers; strings -> text (UTF-8
//   decoded, or one code unit per byte when not valid UTF-8); tables ->
//   plain objects; arrays -> arrays; closures -> JS functions whose length
//   is the closure's number of parameters (so a host can adapt to a
//   callback's arity); instances -> objects of their fields and methods;
//   values that came from the host -> the original host values.

const fromHost = new WeakMap(); // host object or function -> Squirrel value
const toHost = new WeakMap();   // Squirrel value -> host object or function
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

// host classes (DefineClass), each with the predicate that says which host
// objects are its instances
const hostClasses = [];
function wrapHost(C, h) {
	const inst = newInst(C);
	inst.Āh = h;
	fromHost.set(h, inst);
	toHost.set(inst, h);
	return inst;
}

// REF is the class of live references to host objects: members are read
// from the object when used (its methods bound to it), and writes go to it.
let REF = null;
function refClass() {
	if (REF !== null) return REF;
	const C = newClass(null, null);
	newMember(C, "_get", nat("_get", 2, null, (self, k) => {
		const h = self.Āh;
		if (typeof k !== "string") throw null;
		const key = utf8Decode(k);
		if (!(key in h)) throw null;
		const x = h[key];
		if (typeof x !== "function") return toSq(x);
		let m = self.Āfm;
		if (m === undefined) { m = new Map(); self.Āfm = m; }
		let w = m.get(key);
		if (w === undefined || toHost.get(w) !== x) {
			w = hostFunc(x, h);
			m.set(key, w);
		}
		return w;
	}), null, false);
	newMember(C, "_set", nat("_set", 3, null, (self, k, v) => {
		if (typeof k !== "string") throw null;
		const key = utf8Decode(k);
		if (!(key in self.Āh)) throw null;
		self.Āh[key] = toJS(v);
	}), null, false);
	REF = C;
	return C;
}
function hostRef(h) {
	const inst = newInst(refClass());
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
		case "function": {
			const known = fromHost.get(v);
			if (known !== undefined) return known;
			const w = hostFunc(v, undefined);
			fromHost.set(v, w);
			return w;
		}
		case "symbol": return null;
	}
	if (v === null) return null;
	if (v.Āt !== undefined) return v; // already a Squirrel value
	const known = fromHost.get(v);
	if (known !== undefined) return known;
	if (Array.isArray(v)) return A(v.map(toSq));
	if (v instanceof Number) return F(fround(v.valueOf())); // a float kept exact
	for (const hc of hostClasses) if (hc.owns(v)) return wrapHost(hc.C, v);
	if (v instanceof Error) return utf8Encode(String(v.message));
	const p = Object.getPrototypeOf(v);
	if ((p !== Object.prototype && p !== null) || host.isGo(v)) return hostRef(v);
	const t = newTable(0);
	fromHost.set(v, t);
	toHost.set(t, v);
	for (const k of Object.keys(v)) {
		let x;
		try { x = v[k]; } catch (e) { continue; }
		tRawSet(t, utf8Encode(k), typeof x === "function" ? hostFunc(x, v) : toSq(x));
	}
	return t;
}

// hostFunc makes a host function callable from Squirrel: its `this` is obj
// (the object it was read from), whatever Squirrel passes. A host function
// that prints its arguments (Options.TextArgs) gets them as text rendered
// as Squirrel renders them.
function hostFunc(fn, obj) {
	let w;
	if (host.textArgs(fn)) {
		w = function (self, ...args) {
			return toSq(fn.apply(obj, args.map(toText)));
		};
	} else {
		w = function (self, ...args) {
			const a = new Array(args.length);
			for (let i = 0; i < args.length; i++) a[i] = toJS(args[i]);
			return toSq(fn.apply(obj, a));
		};
	}
	w.Ān = fn.name || "native";
	w.Āpc = 0;
	w.Ātc = null;
	toHost.set(w, fn);
	return w;
}
// toText renders a value for a printing host function: host-class
// instances (blobs) pass as their host object, everything else as
// Squirrel's tostring().
function toText(v) {
	if (typeof v === "object" && v !== null && v.Āt === INST && v.Āh !== undefined && v.Āc !== REF) return v.Āh;
	return utf8Decode(str(v));
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
	if (v === null || v === undefined) return null;
	const h = toHost.get(v);
	if (h !== undefined) return h;
	if (seen === undefined) seen = new Map();
	else if (seen.has(v)) return seen.get(v);
	switch (v.Āt) {
		// inside a table or array, a float with no fractional part is a
		// Number object, so that data keeps 21.0 a float (impvalue reads
		// it so); an argument itself stays a number
		case FLT: return (seen.size > 0 && trunc(v.Āv) === v.Āv) ? new Number(v.Āv) : v.Āv;
		case ARR: {
			const out = [];
			seen.set(v, out);
			for (const x of v.Āa) out.push(toJS(x, seen));
			return out;
		}
		case TBL: {
			const out = {};
			seen.set(v, out);
			for (let s = null; (s = nx(v, s)) !== END;) {
				const k = IT.k;
				out[typeof k === "string" ? utf8Decode(k) : str(k)] = toJS(IT.v, seen);
			}
			return out;
		}
		case INST: return instanceToJS(v, seen);
		case WREF: return toJS(v.Ār, seen);
	}
	return v;
}

// instanceToJS presents an instance as an object of its fields and of its
// methods (bound to it), so a host can call `then` on a Promise instance.
function instanceToJS(o, seen) {
	const out = {};
	seen.set(o, out);
	const C = o.Āc;
	for (let s = null; (s = nx(C, s)) !== END;) {
		const k = IT.k;
		if (typeof k !== "string") continue;
		const e = ek(k), name = utf8Decode(k);
		if (C.Āmem[e] === FIELD) {
			out[name] = toJS(o[e], seen);
		} else if (C.Āmem[e] === METHOD && k !== "constructor" && typeof o[e] === "function") {
			const m = o[e];
			out[name] = function (...args) { return toJS(m(o, ...args.map(toSq))); };
		}
	}
	return out;
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
	fromHost.set(w, f);
	return w;
}

// hostCall calls Squirrel function f with `this` the root table and JS
// arguments, returning the result as JS.
function hostCall(f, args) {
	const a = [];
	for (let i = 0; i < args.length; i++) a.push(toSq(args[i]));
	return toJS(call(f, ROOT, ...a));
}
// sqCall calls f with `this` self and Squirrel arguments, returning the
// Squirrel result (for hosts that handle Squirrel values themselves).
function sqCall(f, self, args) { return call(f, self, ...args); }
function setRoot(name, v) { tRawSet(ROOT, utf8Encode(name), toSq(v)); }
function getRoot(name) {
	const v = tRawGet(ROOT, utf8Encode(name));
	return v === undefined ? undefined : toJS(v);
}
function onRoot(f) { rootSetters.push(f); }

// hostClass installs a class implemented by the host. ctor creates the host
// object from the constructor's arguments (converted to JS when raw is
// false); methods forward to the host object's methods of the same names
// (arguments and results converted); natives are functions taking the
// instance's host object and the Squirrel arguments as they are; owns says
// which host objects crossing into Squirrel are instances of the class.
function hostClass(name, ctor, methods, natives, owns, typeName, raw) {
	const C = newClass(null, null);
	newMember(C, "constructor", nat("constructor", -1, null, (self, ...args) => {
		const h = ctor(...(raw ? args : args.map((a) => toJS(a))));
		if (typeof h === "object" && h !== null) {
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
	for (const [m, fn] of natives) {
		if (m === "_cloned") {
			// the native returns the copy's host object
			newMember(C, "_cloned", nat(m, 2, null, (self, orig) => {
				const h = fn(orig.Āh, []);
				self.Āh = h;
				fromHost.set(h, self);
				toHost.set(self, h);
			}), null, false);
			continue;
		}
		newMember(C, utf8Encode(m), nat(m, -1, null, (self, ...args) => {
			const h = typeof self === "object" && self !== null ? self.Āh : undefined;
			if (h === undefined) err("the object has no host value");
			const r = fn(h, args);
			return r === undefined ? null : r;
		}), null, false);
	}
	if (typeName) newMember(C, "_typeof", nat("_typeof", 1, null, () => utf8Encode(typeName)), null, false);
	if (owns !== null) hostClasses.push({ C, owns });
	tRawSet(ROOT, utf8Encode(name), C);
	return C;
}
// rootNameOf returns the name of a root-table slot holding v, or null.
function rootNameOf(v) {
	for (let s = null; (s = nx(ROOT, s)) !== END;) {
		if (IT.v === v && typeof IT.k === "string") return utf8Decode(IT.k);
	}
	return null;
}
// classMethods lists the names of a class's members (its own and
// inherited) that hold functions.
function classMethods(C) {
	const out = [];
	for (let s = null; (s = nx(C, s)) !== END;) {
		if (typeof IT.k === "string" && typeof IT.v === "function") out.push(utf8Decode(IT.k));
	}
	return out;
}
// wrap returns the instance of a host class for host object h.
function wrap(h) { return toSq(h); }
// run executes a compiled program's main chunk (Program.Script).
function run(factory) {
	const main = factory($);
	main(ROOT);
}
// rootValue returns a root slot's raw Squirrel value (undefined if absent).
function rootValue(name) { return tRawGet(ROOT, utf8Encode(name)); }
function errorText(e) { return e instanceof Error ? e.message : utf8Decode(str(e)); }

Object.assign($, { rootNameOf, classMethods, typeName, toSq, toJS, hostCall, sqCall, setRoot, getRoot, rootValue, onRoot, errorText, hostClass, wrap, run, F });
