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

// format is 3.0.4's format(); Go does the printf work. Floats are passed
// as their values in a one-element array so Go can tell them from integers.
function format(fmt, ...args) {
	for (let i = 0; i < args.length; i++) {
		const v = args[i];
		if (typeof v === "object" && v !== null) args[i] = v.Āt === FLT ? [v.Āv] : false;
		else if (typeof v === "boolean") args[i] = false;
	}
	const r = host.format(fmt, ...args);
	if (typeof r !== "string") err(r.error);
	return r;
}

function nowSec() { return host.now(); }
function dateTable(t, utc) {
	const d = host.date(t, utc);
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
			return A(new Array(len).fill(fill === undefined ? null : rv(fill)));
		}, 3],
		["type", 2, null, (s, x) => typeName(x)],
		["callee", 0, null, () => err("no closure in the calls stack")],
		["collectgarbage", 0, null, () => 0],
	];
	if (opts.print) {
		defs.splice(4, 0, ["print", 2, null, (s, x) => { host.print(str(x)); }]);
		defs.splice(5, 0, ["error", 2, null, (s, x) => { host.printErr(str(x)); }]);
	}
	for (const d of defs) tRawSet(R, d[0], nat(d[0], d[1], d[2], d[3], d[4]));
	tRawSet(R, "_versionnumber_", 304);
	tRawSet(R, "_version_", "Squirrel 3.0.4 stable");
	tRawSet(R, "_charsize_", 1);
	tRawSet(R, "_intsize_", 4);
	tRawSet(R, "_floatsize_", 4);
	const sdefs = [
		["format", -2, ".s", (s, f, ...a) => format(f, ...a)],
		["strip", 2, ".s", (s, x) => strip(x, true, true)],
		["lstrip", 2, ".s", (s, x) => strip(x, true, false)],
		["rstrip", 2, ".s", (s, x) => strip(x, false, true)],
		["split", 3, ".ss", (s, x, seps) => split(x, seps)],
		["time", 1, null, () => nowSec()],
		["clock", 0, null, () => F(fround(host.clock()))],
		["date", -1, ".nn", (s, t, f) => {
			const when = t === undefined ? host.now() : toInt(t);
			return dateTable(when, f === undefined || toInt(f) !== 108);
		}, 3],
	];
	for (const d of sdefs) tRawSet(R, d[0], nat(d[0], d[1], d[2], d[3], d[4]));
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
