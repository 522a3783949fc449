// Squirrel 3.0.4 runtime, part 1: value representation, conversions,
// arithmetic and comparison. The runtime parts are concatenated into one
// function body that receives `host` (Go natives) and returns `$`, the object
// compiled programs take their helpers from.
//
// Representation:
//   null, bool      JS null and booleans
//   integer         JS number holding an int32
//   float           object with prototype FP and the fround-ed value in Āv
//   string          JS string whose code units are bytes (0-255)
//   table           object with prototype TP (or DTP when it has a delegate);
//                   string keys are own properties, other keys are encoded
//                   with a prefix character >= U+0100 (see table.js)
//   array           object with prototype AP; the elements are in Āa
//   class           object with prototype CLP; members are own properties
//   instance        object whose prototype is its class's method table
//   function        JS function taking `this` as its first argument
// Internal property names start with Ā (U+0100), which no byte string can
// contain, so they never collide with Squirrel keys.

"use strict";
// local bindings for undefined and the built-ins: goja looks a global up by
// name (a map lookup) on every use
const undefined = void 0;
const { Object, Array, String, Number, Math, JSON, Map, Set, WeakMap, Error, Function,
	Int32Array, ArrayBuffer, DataView, Promise } = globalThis;
const $ = Object.create(null);
const fround = Math.fround, imul = Math.imul, trunc = Math.trunc;
const TBL = 1, ARR = 2, INST = 3, CLS = 4, FLT = 5, GEN = 6, WREF = 7, THR = 8;

function proto(tag) {
	const p = Object.create(null);
	p.Āt = tag;
	return p;
}
// WTBL marks tables for the compiled code's slot-write fast path; NOW (no
// writes) is the field set of everything else.
const WTBL = Object.create(null), NOW = Object.create(null);
const TP = proto(TBL), DTP = proto(TBL), AP = proto(ARR), FP = proto(FLT),
	CLP = proto(CLS), GP = proto(GEN), WP = proto(WREF), THP = proto(THR), IPP = Object.create(null),
	EMPTY = Object.create(null);
host.rvw(WP);
TP.Ād = null; TP.Āw = WTBL; DTP.Āw = WTBL;
// Āx: lookups that miss must go through the slow path (delegates, _get,
// default delegates of non-objects) before falling back to the root table
DTP.Āx = true; EMPTY.Āx = true;
AP.Āw = NOW; FP.Āw = NOW; CLP.Āw = NOW; GP.Āw = NOW; WP.Āw = NOW; THP.Āw = NOW; EMPTY.Āw = NOW;

function SqFloat(v) { this.Āv = v; }
SqFloat.prototype = FP;
function F(v) { return new SqFloat(v); }
function SqArray(a) { this.Āa = a; }
SqArray.prototype = AP;
function A(a) { return new SqArray(a); }
function AV(a) { return new SqArray(rvAll(a)); }

// dense returns a new array of n copies of v. goja writes every element of
// new Array(n).fill(v) through a slow path (a hole consults Array.prototype
// by name), but Array.apply copies its argument list in one go and fill on
// a dense array is direct: the template copied (nulls, a power of two
// long, kept per runtime up to 2^16 elements) is cut to n and filled.
const denseT = [];
function dense(n, v) {
	if (n < 2 || n > 65536) return n === 1 ? [v] : n === 0 ? [] : new Array(n).fill(v);
	const p = 32 - Math.clz32(n - 1);
	let t = denseT[p];
	if (t === undefined) t = denseT[p] = new Array(1 << p).fill(null);
	const a = Array.apply(null, t);
	a.length = n;
	return a.fill(v);
}

function isObj(x) { return typeof x === "object" && x !== null; }
// rv is what a container stores for v: 3.0.4 containers dereference weak
// references when read, and since a weak reference here never loses its
// object, storing the object itself is the same.
function rv(v) { return (typeof v === "object" && v !== null && v.Āt === WREF) ? v.Ār : v; }
function rvAll(a) {
	for (let i = 0; i < a.length; i++) {
		const v = a[i];
		if (typeof v === "object" && v !== null && v.Āt === WREF) a[i] = v.Ār;
	}
	return a;
}
function isFloat(x) { return typeof x === "object" && x !== null && x.Āt === FLT; }

// a unique number per object, for printing and for hashing object keys
let idCounter = 0;
function oid(o) {
	let id = o.Āi;
	if (id === undefined) {
		id = ++idCounter;
		Object.defineProperty(o, "Āi", { value: id });
	}
	return id;
}

function typeName(x) {
	switch (typeof x) {
		case "number": return "integer";
		case "string": return "string";
		case "boolean": return "bool";
		case "function": return "function";
		case "object":
			if (x === null) return "null";
			switch (x.Āt) {
				case TBL: return "table";
				case ARR: return "array";
				case INST: return "instance";
				case CLS: return "class";
				case FLT: return "float";
				case GEN: return "generator";
				case WREF: return "weakref";
				case THR: return "thread";
			}
			return x.Āt === undefined ? "userdata" : "userdata";
	}
	return "null";
}

// err throws a Squirrel runtime error: its value is the message string.
function err(msg) { throw msg; }

// ---- numbers ----

// toInt converts a float to an integer like a C cast on x86: truncation,
// and 0x80000000 for values out of range.
function f2i(v) {
	if (v > -2147483649 && v < 2147483648) return trunc(v) | 0;
	return -2147483648;
}
// num returns the value of an integer or float as a 32-bit float (integers
// convert to float before mixing with floats, as on the imp), undefined for
// other values.
function num(x) {
	if (typeof x === "number") return fround(x);
	if (typeof x === "object" && x !== null && x.Āt === FLT) return x.Āv;
	return undefined;
}
function fmtFloat(v) { return host.fmtg(v); }

function T(x) {
	return x !== null && x !== false && x !== 0 && (typeof x !== "object" || x.Āt !== FLT || x.Āv !== 0);
}

// ---- tostring ----

function hex8(n) {
	const s = n.toString(16);
	return "00000000".slice(s.length) + s;
}
function defaultStr(x) {
	if (x === null) return "(null : 0x0)";
	return "(" + typeName(x) + " : 0x" + hex8(oid(x)) + ")";
}
function str(x) {
	switch (typeof x) {
		case "string": return x;
		case "number": return "" + x;
		case "boolean": return x ? "true" : "false";
		case "object":
			if (x === null) return defaultStr(x);
			if (x.Āt === FLT) return fmtFloat(x.Āv);
			if (x.Āt === TBL || x.Āt === INST) {
				const mm = metamethod(x, "_tostring");
				if (mm !== undefined) {
					const r = mm(x);
					if (typeof r === "string") return r;
				}
			}
			return defaultStr(x);
	}
	return defaultStr(x);
}

// printVal is PrintObjVal: how values appear inside error messages.
function printVal(x) {
	if (typeof x === "string") return x;
	if (typeof x === "number") return "" + x;
	if (isFloat(x)) return host.fmt14g(x.Āv);
	return typeName(x);
}
function idxErr(k) {
	let s = printVal(k);
	if (s.length > 50) s = s.slice(0, 50);
	err("the index '" + s + "' does not exist");
}

// ---- arithmetic ----

const opNames = { "+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "%": "_modulo" };
function arithMeta(op, a, b) {
	if (isObj(a) && (a.Āt === TBL || a.Āt === INST)) {
		const mm = metamethod(a, opNames[op]);
		if (mm !== undefined) return callMeta(mm, a, b);
	}
	err("arith op " + op + " on between '" + typeName(a) + "' and '" + typeName(b) + "'");
}
function add(a, b) {
	const ta = typeof a, tb = typeof b;
	if (ta === "number" && tb === "number") return (a + b) | 0;
	const x = num(a), y = num(b);
	if (x !== undefined && y !== undefined) return F(fround(x + y));
	if (ta === "string" || tb === "string") return str(a) + str(b);
	return arithMeta("+", a, b);
}
function sub(a, b) {
	if (typeof a === "number" && typeof b === "number") return (a - b) | 0;
	const x = num(a), y = num(b);
	if (x !== undefined && y !== undefined) return F(fround(x - y));
	return arithMeta("-", a, b);
}
function mul(a, b) {
	if (typeof a === "number" && typeof b === "number") return imul(a, b);
	const x = num(a), y = num(b);
	if (x !== undefined && y !== undefined) return F(fround(x * y));
	return arithMeta("*", a, b);
}
function div(a, b) {
	if (typeof a === "number" && typeof b === "number") {
		if (b === 0) err("division by zero");
		return (a / b) | 0;
	}
	const x = num(a), y = num(b);
	if (x !== undefined && y !== undefined) return F(fround(x / y));
	return arithMeta("/", a, b);
}
function fmod(x, y) {
	const r = x % y;
	return r;
}
// mod is the % operator. 3.0.4 does not raise its errors (modulo by zero, bad
// operand types): the result is then whatever the destination register
// held, which the compiler passes as fb.
function mod(a, b, fb) {
	if (typeof a === "number" && typeof b === "number") {
		if (b === 0) return fb;
		return (a % b) | 0;
	}
	const x = num(a), y = num(b);
	if (x !== undefined && y !== undefined) return F(fround(fmod(x, y)));
	try {
		return arithMeta("%", a, b);
	} catch (e) {
		if (e instanceof Error) throw e;
		return fb;
	}
}
// modErr is the % used by compound assignment to a slot, which does raise.
function modErr(a, b) {
	if (typeof a === "number" && typeof b === "number") {
		if (b === 0) err("modulo by zero");
		return (a % b) | 0;
	}
	const x = num(a), y = num(b);
	if (x !== undefined && y !== undefined) return F(fround(fmod(x, y)));
	return arithMeta("%", a, b);
}
function arith(op, a, b) {
	switch (op) {
		case "+": return add(a, b);
		case "-": return sub(a, b);
		case "*": return mul(a, b);
		case "/": return div(a, b);
	}
	return modErr(a, b);
}
function neg(a) {
	if (typeof a === "number") return (-a) | 0;
	if (isFloat(a)) return F(-a.Āv);
	if (isObj(a) && (a.Āt === TBL || a.Āt === INST)) {
		const mm = metamethod(a, "_unm");
		if (mm !== undefined) return callMeta(mm, a);
	}
	err("attempt to negate a " + typeName(a));
}
function bnot(a) {
	if (typeof a === "number") return ~a;
	err("attempt to perform a bitwise op on a " + typeName(a));
}
function bitErr(a, b) {
	err("bitwise op between '" + typeName(a) + "' and '" + typeName(b) + "'");
}

// ---- comparison ----

function strcmpz(a, b) {
	const i = a.indexOf("\0"), j = b.indexOf("\0");
	if (i >= 0) a = a.slice(0, i);
	if (j >= 0) b = b.slice(0, j);
	return a === b ? 0 : (a < b ? -1 : 1);
}
function sameBits(x, y) { return Object.is(x, y) || (x !== x && y !== y); }

// cmp is ObjCmp: -1, 0 or 1, or a thrown error.
function cmp(a, b) {
	const ta = typeName(a), tb = typeName(b);
	if (ta === tb) {
		if (a === b) return 0;
		switch (ta) {
			case "string": return strcmpz(a, b);
			case "integer": return a < b ? -1 : 1;
			case "float":
				if (sameBits(a.Āv, b.Āv)) return 0;
				return a.Āv < b.Āv ? -1 : 1;
			case "bool": return a ? 1 : -1;
			case "table": case "instance": {
				const mm = metamethod(a, "_cmp");
				if (mm !== undefined) {
					const r = callMeta(mm, a, b);
					if (typeof r !== "number") err("_cmp must return an integer");
					return r;
				}
			}
		}
		return oid(a) < oid(b) ? -1 : 1;
	}
	const x = num(a), y = num(b);
	if (x !== undefined && y !== undefined) return x === y ? 0 : (x < y ? -1 : 1);
	if (a === null) return -1;
	if (b === null) return 1;
	let sa = printVal(a), sb = printVal(b);
	if (sa.length > 50) sa = sa.slice(0, 50);
	if (sb.length > 50) sb = sb.slice(0, 50);
	err("comparison between '" + sa + "' and '" + sb + "'");
}
function lt(a, b) { return cmp(a, b) < 0; }
function gt(a, b) { return cmp(a, b) > 0; }
function le(a, b) { return cmp(a, b) <= 0; }
function ge(a, b) { return cmp(a, b) >= 0; }
function cmp3(a, b) {
	if (typeof a === "number" && typeof b === "number") return a === b ? 0 : (a < b ? -1 : 1);
	return cmp(a, b);
}

// eq is IsEqual: identity, except that floats compare by value (bit for bit
// against floats, numerically against integers).
function eq(a, b) {
	if (a === b) return true;
	const fa = isFloat(a), fb = isFloat(b);
	if (fa && fb) return sameBits(a.Āv, b.Āv);
	if (fa && typeof b === "number") return a.Āv === fround(b);
	if (fb && typeof a === "number") return fround(a) === b.Āv;
	return false;
}

Object.assign($, {
	TP, DTP, AP, FP, CLP, WTBL, EMPTY, F, A, AV, T, str, rv, typeName, err, oid,
	add, sub, mul, div, mod, modErr, arith, neg, bnot, bitErr, cmp, lt, gt, le, ge, cmp3, eq, f2i,
	imul, fadd: host.fadd, frv: host.rv, gx: host.gx, fsub: host.fsub, fmul: host.fmul, tadd: host.tadd,
});
