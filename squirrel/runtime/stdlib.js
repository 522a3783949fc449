// Squirrel 3.0.4 runtime, part 7: the global functions an imp agent sees
// (base library, string library, math, time).

let CONSTS = newTable(0);

// glibc's rand(): the additive feedback generator behind random_r TYPE_3.
const randState = { r: new Int32Array(34), i: 0, q: [] };
function srand(seed) {
	seed >>>= 0;
	if (seed === 0) seed = 1;
	const r = [seed | 0];
	for (let i = 1; i < 31; i++) {
		const hi = Math.trunc(r[i - 1] / 127773), lo = r[i - 1] % 127773;
		let w = 16807 * lo - 2836 * hi;
		if (w < 0) w += 2147483647;
		r.push(w);
	}
	for (let i = 31; i < 34; i++) r.push(r[i - 31]);
	randState.q = r;
	for (let i = 34; i < 344; i++) randNext();
}
function randNext() {
	const q = randState.q, n = q.length;
	const v = (q[n - 31] + q[n - 3]) | 0;
	q.push(v);
	if (q.length > 64) q.splice(0, q.length - 34);
	return v;
}
function rand() { return randNext() >>> 1; }
srand(1);

function strip(s, left, right) {
	let i = 0, j = s.length;
	const sp = (c) => c === 32 || (c >= 9 && c <= 13);
	if (left) {
		const z = s.indexOf("\0");
		const end = z >= 0 ? z : s.length;
		while (i < end && sp(s.charCodeAt(i))) i++;
		if (!right) return s.slice(i, end);
	}
	if (right) while (j > i && sp(s.charCodeAt(j - 1))) j--;
	return s.slice(i, j);
}
// split is 3.0.4's strtok loop: seps is a set of characters, and empty
// tokens are dropped.
function split(s, seps) {
	if (seps.length === 0) err("empty separators string");
	let z = s.indexOf("\0");
	if (z >= 0) s = s.slice(0, z);
	z = seps.indexOf("\0");
	if (z >= 0) seps = seps.slice(0, z);
	const out = [];
	if (seps.length === 1) {
		const parts = s.split(seps);
		for (let i = 0; i < parts.length; i++) if (parts[i] !== "") out.push(parts[i]);
		return A(out);
	}
	let start = 0;
	for (let i = 0; i <= s.length; i++) {
		if (i === s.length || seps.indexOf(s[i]) >= 0) {
			if (i > start) out.push(s.slice(start, i));
			start = i + 1;
		}
	}
	return A(out);
}

// format is 3.0.4's format(). Format strings are parsed once and cached;
// integers and strings are formatted here, floats by Go (C's %f/%g/%e
// rounding and spellings).
const formatCache = new Map();
function parseFormat(fmt) {
	let f = formatCache.get(fmt);
	if (f !== undefined) return f;
	const z = fmt.indexOf("\0");
	const src = z >= 0 ? fmt.slice(0, z) : fmt;
	f = [];
	let lit = "";
	const isD = (c) => c >= "0" && c <= "9";
	for (let n = 0; n < src.length;) {
		const c = src[n];
		if (c !== "%") { lit += c; n++; continue; }
		if (src[n + 1] === "%") { lit += "%"; n += 2; continue; }
		if (lit !== "") { f.push(lit); lit = ""; }
		n++;
		const start = n;
		const spec = { flags: "", width: 0, prec: 0, hasPrec: false, verb: "", err: null, text: "" };
		while (n < src.length && "-+ #0".indexOf(src[n]) >= 0) n++;
		spec.flags = src.slice(start, n);
		let w = n;
		while (n < src.length && isD(src[n])) {
			n++;
			if (n - w >= 3 && spec.err === null) spec.err = "width format too long";
		}
		spec.width = +src.slice(w, n) || 0;
		if (src[n] === ".") {
			n++;
			spec.hasPrec = true;
			w = n;
			while (n < src.length && isD(src[n])) {
				n++;
				if (n - w >= 3 && spec.err === null) spec.err = "precision format too long";
			}
			spec.prec = +src.slice(w, n) || 0;
		}
		if (spec.err === null && n - start > 20) spec.err = "format too long";
		const v = n < src.length ? src[n] : "";
		if (spec.err === null && "sidouxXcfgGeE".indexOf(v) < 0 || v === "") spec.err = spec.err === null ? "invalid format" : spec.err;
		spec.verb = v;
		spec.text = "%" + src.slice(start, n + 1);
		spec.minus = spec.flags.indexOf("-") >= 0;
		spec.plus = spec.flags.indexOf("+") >= 0;
		spec.space = spec.flags.indexOf(" ") >= 0;
		spec.hash = spec.flags.indexOf("#") >= 0;
		spec.zero = spec.flags.indexOf("0") >= 0;
		spec.plain = spec.flags === "" && spec.width === 0 && !spec.hasPrec; // nothing to pad or cut
		n++;
		f.push(spec);
		if (spec.err !== null) break;
	}
	if (lit !== "") f.push(lit);
	if (formatCache.size > 512) formatCache.clear();
	formatCache.set(fmt, f);
	return f;
}
function padTo(s, spec, numeric) {
	if (s.length >= spec.width) return s;
	const fill = spec.width - s.length;
	if (spec.minus) return s + " ".repeat(fill);
	if (numeric && spec.zero && !spec.hasPrec) {
		let pre = 0;
		if (s[0] === "-" || s[0] === "+" || s[0] === " ") pre = 1;
		if (s[pre] === "0" && (s[pre + 1] === "x" || s[pre + 1] === "X")) pre += 2;
		return s.slice(0, pre) + "0".repeat(fill) + s.slice(pre);
	}
	return " ".repeat(fill) + s;
}
function fmtInt(spec, i) {
	const v = spec.verb;
	if (spec.plain && (v === "d" || v === "i")) return "" + i;
	if (v === "c") return padTo(String.fromCharCode(i & 0xFF), spec, false);
	let digits, sign = "", prefix = "";
	switch (v) {
		case "d": case "i":
			if (i < 0) { sign = "-"; digits = (-i).toString(); if (i === -2147483648) digits = "2147483648"; }
			else { digits = i.toString(); if (spec.plus) sign = "+"; else if (spec.space) sign = " "; }
			break;
		case "u": digits = (i >>> 0).toString(); break;
		case "o": digits = (i >>> 0).toString(8); break;
		default:
			digits = (i >>> 0).toString(16);
			if (v === "X") digits = digits.toUpperCase();
			if (spec.hash && i !== 0) prefix = "0" + v;
	}
	if (spec.hasPrec) {
		if (spec.prec === 0 && i === 0) digits = "";
		while (digits.length < spec.prec) digits = "0" + digits;
	}
	if (v === "o" && spec.hash && digits[0] !== "0") digits = "0" + digits;
	return padTo(sign + prefix + digits, spec, true);
}
function format(fmt, args) {
	const f = parseFormat(fmt);
	let out = "", next = 0;
	for (let i = 0; i < f.length; i++) {
		const spec = f[i];
		if (typeof spec === "string") { out += spec; continue; }
		if (next >= args.length) err("not enough paramters for the given format string");
		if (spec.err !== null) err(spec.err);
		const a = args[next++];
		switch (spec.verb) {
			case "s": {
				if (typeof a !== "string") err("string expected for the specified format");
				if (spec.plain && a.indexOf("\0") < 0) { out += a; break; }
				let t = a;
				const z = t.indexOf("\0");
				if (z >= 0) t = t.slice(0, z);
				if (spec.hasPrec && spec.prec < t.length) t = t.slice(0, spec.prec);
				out += padTo(t, spec, false);
				break;
			}
			case "f": case "g": case "G": case "e": case "E": {
				let x;
				if (typeof a === "number") x = fround(a);
				else if (isFloat(a)) x = a.Āv;
				else err("float expected for the specified format");
				out += host.format1(spec.text, x);
				break;
			}
			default: {
				let n;
				if (typeof a === "number") n = a;
				else if (isFloat(a)) n = f2i(a.Āv);
				else err("integer expected for the specified format");
				out += fmtInt(spec, n);
			}
		}
	}
	return out;
}

// FMT is the global format(); it takes any number of arguments, so its
// wrapper is written out. Compiled calls of format with a literal format
// string of plain %s and %d compare the callee with it and inline the
// formatting (see codegen's inlineFormat).
const FMT = function (self, f, ...a) {
	if (f === undefined) arityErr();
	if (typeof f !== "string") paramTypeErr(1, 0x10, f);
	return format(f, a);
};
FMT.Ān = "format";
FMT.Āpc = -2;
FMT.Ātc = compileMask(".s");
$.FMT = FMT;

function nowSec() { return host.now(); }
// dateTable is the imp's date(): UTC, with `usec` and `time`.
function dateTable(t) {
	const d = host.date(t);
	const tb = newTable(0);
	for (const k of ["sec", "min", "hour", "day", "month", "year", "wday", "yday", "usec", "time"]) {
		if (d[k] !== undefined) tRawSet(tb, k, d[k]);
	}
	return tb;
}

const mathFns = ["sqrt", "sin", "cos", "asin", "acos", "log", "log10", "tan", "atan", "floor", "ceil", "exp", "fabs"];
// mathDefs are the math library's functions. Desktop 3.0.4 registers them as
// globals, the imp in a `math` table; both are provided.
function mathDefs() {
	const defs = [];
	for (const name of mathFns) {
		const f = name === "fabs" ? Math.abs : Math[name];
		defs.push([name, 2, ".n", (s, x) => F(fround(f(num(x))))]); // num rounds to float first
	}
	defs.push(["atan2", 3, ".nn", (s, y, x) => F(fround(Math.atan2(num(y), num(x))))]);
	defs.push(["pow", 3, ".nn", (s, x, y) => F(fround(Math.pow(num(x), num(y))))]);
	defs.push(["srand", 2, ".n", (s, x) => { srand(toInt(x)); }]);
	defs.push(["rand", 1, null, () => rand()]);
	defs.push(["abs", 2, ".n", (s, x) => { const n = toInt(x); return n < 0 ? (-n | 0) : n; }]);
	return defs;
}
function addMath(t, defs) {
	for (const d of defs) tRawSet(t, d[0], d[4]);
	tRawSet(t, "RAND_MAX", 2147483647);
	tRawSet(t, "PI", F(fround(Math.PI)));
}

// compilestring compiles Squirrel source at run time (through the Go
// compiler) into a closure, as 3.0.4's compilestring does.
function compilestring(src, name) {
	const r = host.compile(src, name === undefined ? "unnamedbuffer" : name, constList());
	if (r.error !== undefined) err(r.error);
	return r.main;
}

// installRoot fills a fresh root table with the global functions, in the
// order 3.0.4 registers them.
function installRoot(opts) {
	const R = newTable(0);
	ROOT = R;
	const defs = [
		["getroottable", 1, null, () => ROOT],
		["setroottable", 2, null, (s, t) => {
			if (!(t === null || isTbl(t))) err("ivalid type");
			const old = ROOT;
			ROOT = t;
			for (const f of rootSetters) f(t);
			return old;
		}],
		["getconsttable", 1, null, () => CONSTS],
		["setconsttable", 2, null, (s, t) => {
			if (!isTbl(t)) err("ivalid type, expected table");
			const old = CONSTS;
			CONSTS = t;
			return old;
		}],
		["assert", 2, null, (s, x) => { if (!T(x)) err("assertion failed"); }],
		["compilestring", -2, ".ss", (s, src, name) => compilestring(src, name), 3],
		["array", -2, ".n", (s, n, fill) => {
			const len = toInt(n);
			if (len < 0) err("negative size");
			return A(dense(len, fill === undefined ? null : rv(fill)));
		}, 3],
		["type", 2, null, (s, x) => typeName(x)],
		["callee", 0, null, () => err("no closure in the calls stack")],
		["newthread", 2, ".c", (s, f) => new Thread(f)],
		["collectgarbage", 0, null, () => 0],
	];
	if (opts.print) {
		defs.splice(4, 0, ["print", 2, null, (s, x) => { host.print(str(x)); }]);
		defs.splice(5, 0, ["error", 2, null, (s, x) => { host.printErr(str(x)); }]);
	}
	for (const d of defs) tRawSet(R, d[0], nat(d[0], d[1], d[2], d[3], d[4]));
	tRawSet(R, "suspend", SUSPEND);
	tRawSet(R, "_versionnumber_", 304);
	tRawSet(R, "_version_", "Squirrel 3.0.4 stable");
	tRawSet(R, "_charsize_", 1);
	tRawSet(R, "_intsize_", 4);
	tRawSet(R, "_floatsize_", 4);
	const sdefs = [
		["strip", 2, ".s", (s, x) => strip(x, true, true)],
		["lstrip", 2, ".s", (s, x) => strip(x, true, false)],
		["rstrip", 2, ".s", (s, x) => strip(x, false, true)],
		["split", 3, ".ss", (s, x, seps) => split(x, seps)],
		["time", 1, null, () => nowSec()],
		["clock", 0, null, () => F(fround(host.clock()))],
		["date", -1, ".nn", (s, t) => dateTable(t === undefined ? null : toInt(t)), 3],
		// the imp's system library: reinterpreting and byte-swapping
		["castf2i", 2, ".n", (s, f) => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, num(f)); return b.getInt32(0); }],
		["casti2f", 2, ".n", (s, i) => { const b = new DataView(new ArrayBuffer(4)); b.setInt32(0, toInt(i)); return F(b.getFloat32(0)); }],
		["swap2", 2, ".n", (s, i) => { const n = toInt(i); return (((n & 0xFF) << 8) | ((n >> 8) & 0xFF)); }],
		["swap4", 2, ".n", (s, i) => { const n = toInt(i); return ((n & 0xFF) << 24) | ((n & 0xFF00) << 8) | ((n >> 8) & 0xFF00) | ((n >>> 24) & 0xFF); }],
		["swapfloat", 2, ".n", (s, f) => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, num(f)); return F(b.getFloat32(0, true)); }],
	];
	for (const d of sdefs) tRawSet(R, d[0], nat(d[0], d[1], d[2], d[3], d[4]));
	tRawSet(R, "format", FMT);
	tRawSet(R, "regexp", regexpClass());
	const md = mathDefs();
	for (const d of md) d.push(nat(d[0], d[1], d[2], d[3]));
	addMath(R, md);
	const m = newTable(0);
	addMath(m, md);
	tRawSet(R, "math", m);
	return R;
}

// defConsts records a program's const and enum declarations in the const
// table (3.0.4 puts them there while compiling).
function defConsts(list) {
	for (const [k, v] of list) {
		if (Array.isArray(v)) {
			const t = newTable(0);
			for (const [mk, mv] of v) tRawSet(t, mk, mv);
			tRawSet(CONSTS, k, t);
		} else {
			tRawSet(CONSTS, k, v);
		}
	}
}
// constList lists the const table for the compiler (compilestring sees the
// constants declared so far).
function constList() {
	const enc = (v) => isFloat(v) ? { f: v.Āv } : v;
	const out = [];
	for (let s = null; (s = nx(CONSTS, s)) !== END;) {
		const k = IT.k, v = IT.v;
		if (typeof k !== "string") continue;
		if (typeof v === "object" && v !== null && v.Āt === TBL) {
			const m = [];
			for (let s2 = null; (s2 = nx(v, s2)) !== END;) {
				if (typeof IT.k === "string") m.push([IT.k, enc(IT.v)]);
			}
			out.push([k, m]);
		} else {
			out.push([k, enc(v)]);
		}
	}
	return out;
}

// callee is compiled inline (the compiler passes the running function).
function callee(self, fn) {
	const c = ROOT === null ? undefined : tRawGet(ROOT, "callee");
	if (c !== undefined && c.Ān === "callee") return fn;
	return call(c === undefined ? gn(self, "callee") : c, self);
}

Object.assign($, { installRoot, callee, defConsts, constList, consts: () => CONSTS, root: () => ROOT });
