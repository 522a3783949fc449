// Squirrel 3.0.4 runtime, part 4: classes and instances.
//
// A class object holds every member (field defaults, methods, statics) as an
// own property, so reading A.x is a plain property read. Its instances are
// objects whose prototype (Āip, one per class) holds the methods and
// statics; fields are the instances' own properties, initialised from the
// class defaults, so initialisers such as {} or [] are shared as in 3.0.4.

const FIELD = 1, METHOD = 2;
const MM_NAMES = new Set(["_add", "_sub", "_mul", "_div", "_unm", "_modulo", "_set", "_get",
	"_typeof", "_nexti", "_cmp", "_call", "_cloned", "_newslot", "_delslot", "_tostring",
	"_newmember", "_inherited"]);
const IPG = Object.create(null); // prototype of instance method tables of classes with _get
IPG.Āw = NOW;

function newClass(base, attrs) {
	if (base !== null && !(typeof base === "object" && base.Āt === CLS)) {
		err("trying to inherit from a " + typeName(base));
	}
	const C = Object.create(CLP);
	const ip = Object.create(IPP);
	ip.Āt = INST;
	ip.Āc = C;
	ip.Āx = false;
	ip.Āw = Object.create(null);
	C.Āip = ip;
	C.Āb = base;
	C.Ālk = false;
	C.Āat = null;
	C.Āma = Object.create(null);
	C.Āmem = Object.create(null);
	C.Āmm = Object.create(null);
	C.Ānew = makeNew(C);
	if (base === null) {
		C.Āf = [];
		C.Āo = new Ord(4, 0);
	} else {
		C.Āf = base.Āf.slice();
		Object.assign(C.Āmem, base.Āmem);
		Object.assign(C.Āmm, base.Āmm);
		Object.assign(C.Āma, base.Āma);
		for (const e in base.Āmem) {
			C[e] = base[e];
			if (base.Āmem[e] === METHOD) ip[e] = base[e];
			else ip.Āw[e] = true;
		}
		const L = layout(base.Āo);
		const o = new Ord(L.size, 0);
		for (let i = 0; i < L.size; i++) {
			if (L.ks[i] !== NOKEY) {
				ordAdd(o, L.ks[i], INS);
				o.n++;
			}
		}
		C.Āo = o;
		if (C.Āmm._get !== undefined) getChanged(C);
	}
	const mm = C.Āmm._inherited;
	if (mm !== undefined) callMeta(mm, C, attrs);
	C.Āat = attrs;
	return C;
}

// getChanged keeps instances' lookups right when a class gains _get: the
// default delegate (getclass, tostring...) must then come after _get.
function getChanged(C) {
	const ip = C.Āip;
	ip.Āx = true;
	Object.setPrototypeOf(ip, IPG);
}

// clsNewSlot is SQClass::NewSlot (the <- operator on a class).
function clsNewSlot(C, k, v, isStatic) {
	v = rv(v);
	const isFunc = typeof v === "function";
	const toStatic = isFunc || isStatic;
	if (C.Ālk && !toStatic) err("trying to modify a class that has already been instantiated");
	const e = ek(k);
	const kind = C.Āmem[e];
	if (kind === FIELD) {
		C[e] = v;
		if (C.Ālk) C.Ānew = makeNew(C);
		return;
	}
	if (toStatic) {
		if (isFunc && typeof k === "string" && MM_NAMES.has(k)) {
			C.Āmm[k] = v;
			if (k === "_get") getChanged(C);
			return;
		}
		if (isFunc && C.Āb !== null) v.Āb = C.Āb;
		if (k === "constructor") C.Ānew = makeNew(C);
		if (kind === undefined) {
			C.Āmem[e] = METHOD;
			logOp(C, INS, k);
		}
		C[e] = v;
		C.Āip[e] = v;
		return;
	}
	if (kind === METHOD) delete C.Āip[e];
	else logOp(C, INS, k);
	C.Āmem[e] = FIELD;
	C.Āf.push(e);
	C[e] = v;
	C.Āip.Āw[e] = true;
}

// newMember adds a member declared in a class body (NewSlotA), through the
// class's _newmember metamethod when it has one.
function newMember(C, k, v, attrs, isStatic) {
	const mm = C.Āmm._newmember;
	if (mm !== undefined) {
		callMeta(mm, C, k, v, attrs, isStatic);
		return;
	}
	if (k === null) err("null cannot be used as index");
	clsNewSlot(C, k, v, isStatic);
	if (attrs !== null) {
		const e = ek(k);
		if (C.Āmem[e] !== undefined) C.Āma[e] = attrs;
	}
}

function lock(C) {
	for (let c = C; c !== null; c = c.Āb) c.Ālk = true;
}

function newInst(C) {
	if (!C.Ālk) lock(C);
	const o = Object.create(C.Āip);
	const f = C.Āf;
	for (let i = 0; i < f.length; i++) {
		const e = f[i];
		o[e] = C[e];
	}
	return o;
}

// Ānew is a class's constructor for compiled call sites with up to eight
// arguments. The first call locks the class and builds a function that
// creates instances with an object literal of the (now fixed) field
// defaults and calls the constructor with the arguments as passed.
function makeNew(C) {
	return function (a, b, c, d, e, f, g, h) {
		const fast = buildNew(C);
		C.Ānew = fast;
		return fast(a, b, c, d, e, f, g, h);
	};
}
function buildNew(C) {
	lock(C);
	const fields = C.Āf;
	const D = fields.map((e) => C[e]);
	// primitive defaults are written into the literal, others (shared by
	// every instance) taken from D
	const lit = fields.map((e, i) => {
		const v = D[i];
		const src = v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string" ? JSON.stringify(v) : "D[" + i + "]";
		return "[" + JSON.stringify(e) + "]:" + src;
	}).join(",");
	const obj = "{__proto__:IP" + (lit ? "," + lit : "") + "}";
	let ctor = C.Āmem.constructor === METHOD ? C.constructor : undefined;
	let direct = -1; // the compiled constructor's parameter count, when known
	if (typeof ctor === "function" && ctor.Ān === undefined && ctor.Āf === undefined) {
		const info = fnInfo(ctor);
		if (info !== null && !info.varargs && info.params.length < 8) direct = info.params.length;
	}
	if (ctor === undefined) return new Function("IP", "D", "return function(){return " + obj + ";}")(C.Āip, D);
	if (direct >= 0) {
		// the arguments it declares and one more, for its arity check
		const ps = "abcdefgh".slice(0, direct + 1).split("").join(",");
		return new Function("IP", "D", "ctor", "return function(" + ps + "){const o=" + obj + ";ctor(o," + ps + ");return o;}")(C.Āip, D, ctor);
	}
	return function (...args) {
		while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
		return construct(C, args);
	};
}

function construct(C, args) {
	const o = newInst(C);
	if (C.Āmem.constructor === METHOD) {
		const ctor = C.constructor;
		if (typeof ctor === "function") ctor(o, ...args);
		else call(ctor, o, ...args);
	}
	return o;
}

function instClone(x) {
	const C = x.Āc;
	const o = Object.create(C.Āip);
	const f = C.Āf;
	for (let i = 0; i < f.length; i++) {
		const e = f[i];
		o[e] = x[e];
	}
	return o;
}

// baseOf is what `base` evaluates to inside function fn.
function baseOf(fn) {
	const b = fn.Āb;
	return b === undefined ? null : b;
}

Object.assign($, { newClass, newMember, construct, baseOf, newInst });
