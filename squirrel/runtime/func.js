// Squirrel 3.0.4 runtime, part 5: natives, closures, generators, weak
// references.
//
// Every Squirrel function, compiled or native, is a JS function whose first
// argument is `this`. Compiled functions check their own arity; natives
// declared with nat() are checked here against 3.0.4's parameter count and
// type mask, with 3.0.4's messages.

const RT = {
	null: 0x1, integer: 0x2, float: 0x4, bool: 0x8, string: 0x10, table: 0x20, array: 0x40,
	userdata: 0x80, function: 0x300, generator: 0x400, thread: 0x1000, class: 0x4000,
	instance: 0x8000, weakref: 0x10000,
};
const RT_NAMES = ["null", "integer", "float", "bool", "string", "table", "array", "userdata",
	"function", "function", "generator", "userpointer", "thread", "function", "class", "instance"];

function compileMask(s) {
	const res = [];
	let m = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		switch (c) {
			case "o": m |= 0x1; break;
			case "i": m |= 0x2; break;
			case "f": m |= 0x4; break;
			case "n": m |= 0x6; break;
			case "s": m |= 0x10; break;
			case "t": m |= 0x20; break;
			case "a": m |= 0x40; break;
			case "u": m |= 0x80; break;
			case "c": m |= 0x300; break;
			case "b": m |= 0x8; break;
			case "g": m |= 0x400; break;
			case "p": m |= 0x800; break;
			case "v": m |= 0x1000; break;
			case "x": m |= 0x8000; break;
			case "y": m |= 0x4000; break;
			case "r": m |= 0x10000; break;
			case ".": res.push(-1); m = 0; continue;
			case " ": continue;
		}
		if (s[i + 1] === "|") { i++; continue; }
		res.push(m);
		m = 0;
	}
	return res;
}
function paramTypeErr(i, mask, v) {
	const names = [];
	for (let b = 0; b < 16; b++) if (mask & (1 << b)) names.push(RT_NAMES[b]);
	err("parameter " + i + " has an invalid type '" + typeName(v) + "' ; expected: '" + names.join("|") + "'");
}
function checkArgs(pc, tc, self, args) {
	const n = args.length + 1;
	if (pc !== 0 && ((pc > 0 && pc !== n) || (pc < 0 && n < -pc))) arityErr();
	if (tc !== null) {
		for (let i = 0; i < n && i < tc.length; i++) {
			const v = i === 0 ? self : args[i - 1];
			if (tc[i] !== -1 && !(tbit(v) & tc[i])) paramTypeErr(i, tc[i], v);
		}
	}
}

const TBITS = [0, 0x20, 0x40, 0x8000, 0x4000, 0x4, 0x400, 0x10000, 0x1000];
// tbit is the type's bit in a 3.0.4 type mask.
function tbit(v) {
	switch (typeof v) {
		case "number": return 0x2;
		case "string": return 0x10;
		case "boolean": return 0x8;
		case "function": return 0x300;
		case "object":
			if (v === null) return 0x1;
			return v.Āt === undefined ? 0x80 : TBITS[v.Āt];
	}
	return 0;
}

// typeTest returns JS code testing that v matches type mask c.
function typeTest(v, c) {
	const obj = "(typeof " + v + "===\"object\"&&" + v + "!==null&&(";
	const tags = [];
	const parts = [];
	if (c & 0x1) parts.push(v + "===null");
	if (c & 0x2) parts.push("typeof " + v + "===\"number\"");
	if (c & 0x8) parts.push("typeof " + v + "===\"boolean\"");
	if (c & 0x10) parts.push("typeof " + v + "===\"string\"");
	if (c & 0x300) parts.push("typeof " + v + "===\"function\"");
	if (c & 0x4) tags.push(FLT);
	if (c & 0x20) tags.push(TBL);
	if (c & 0x40) tags.push(ARR);
	if (c & 0x400) tags.push(GEN);
	if (c & 0x4000) tags.push(CLS);
	if (c & 0x8000) tags.push(INST);
	if (c & 0x10000) tags.push(WREF);
	if (c & 0x1000) tags.push(THR);
	if (tags.length > 0) parts.push(obj + tags.map((t) => v + ".Āt===" + t).join("||") + "))");
	if (c & 0x80) parts.push("(typeof " + v + "===\"object\"&&" + v + "!==null&&" + v + ".Āt===void 0)");
	return parts.length === 0 ? "false" : parts.join("||");
}

// natFactories caches, per shape, a factory making checked wrappers. The
// host may hand in factories compiled once per process (host.natFactories,
// built from natSources of an earlier runtime).
const natFactories = new Map();
const natSources = [];
function natFactory(pc, tc, max) {
	const key = pc + "|" + (tc === null ? "" : tc.join(",")) + "|" + max;
	let f = natFactories.get(key);
	if (f !== undefined) return f;
	const params = ["self"];
	for (let i = 1; i < max; i++) params.push("a" + i);
	const args = params.slice();
	if (pc > 0) params.push("$x");
	const conds = [];
	const min = pc > 0 ? pc : -pc;
	if (pc > 0 && max > 1) conds.push("a" + (max - 1) + "===void 0");
	if (pc > 0) conds.push("$x!==void 0");
	if (pc < 0 && min > 1) conds.push("a" + (min - 1) + "===void 0");
	for (let i = 0; i < max && tc !== null && i < tc.length; i++) {
		if (tc[i] === -1) continue;
		const v = args[i];
		const t = "!(" + typeTest(v, tc[i]) + ")";
		conds.push(i === 0 || i < min ? t : "(" + v + "!==void 0&&" + t + ")");
	}
	const given = args.slice(1).concat(pc > 0 ? ["$x"] : []).join(",");
	let body = "";
	if (conds.length > 0) body += "if(" + conds.join("||") + ")checkArgs(pc,tc,self,[" + given + "].filter((x)=>x!==void 0));\n";
	body += "const r=fn(" + args.join(",") + ");\nreturn r===void 0?null:r;";
	const pre = host.natFactories;
	if (pre !== undefined && pre[key] !== undefined) {
		f = pre[key];
	} else {
		const src = "return function(" + params.join(",") + "){\n" + body + "\n};";
		f = new Function("fn", "pc", "tc", "checkArgs", src);
		natSources.push([key, src]);
	}
	natFactories.set(key, f);
	return f;
}

// nat declares a native function: pc is 3.0.4's nparamscheck (exact count
// including `this` when > 0, minimum when < 0, unchecked when 0) and mask
// its type mask. max, when given, is the most arguments (with `this`) the
// function looks at: the wrapper then has fixed parameters (generated and
// compiled once per shape) and fn sees unpassed arguments as undefined.
function nat(name, pc, mask, fn, max) {
	const tc = mask ? compileMask(mask) : null;
	if (max === undefined && pc > 0) max = pc;
	let w;
	if (max !== undefined && (pc >= 0 || -pc <= max)) {
		w = natFactory(pc, tc, max)(fn, pc, tc, checkArgs);
	} else {
		w = function (self, ...args) {
			checkArgs(pc, tc, self, args);
			const r = fn(self, ...args);
			return r === undefined ? null : r;
		};
	}
	w.Ān = name;
	w.Āpc = pc;
	w.Ātc = tc;
	return w;
}
function ddTable(defs) {
	const t = Object.create(null);
	for (const d of defs) t[d[0]] = nat(d[0], d[1], d[2], d[3], d[4]);
	return t;
}
// ddTableSelf is ddTable for callers that already know `this` has the
// delegate's type (the check of `this` is left out).
function ddTableSelf(defs) {
	const t = Object.create(null);
	for (const d of defs) {
		let mask = d[2];
		if (mask) {
			const tc = compileMask(mask);
			if (tc.length > 0) mask = "." + mask.replace(/^[ ]*[a-z](\|[a-z])*/, "");
		}
		t[d[0]] = nat(d[0], d[1], mask, d[3], d[4]);
	}
	return t;
}

// ---- closures ----

// Compiled functions start with a comment naming their static description:
// /*@<program>:<function>*/. Programs register their tables here: src is
// the file they were compiled from, table a string with an entry per
// function, separated by ";": "*" when it has varargs, its name (empty for
// an anonymous function), ":" and its parameters separated by ","
// (Squirrel names have none of these characters). Tables are read on
// first use.
const programs = new Map();
function registerProgram(key, src, table) {
	programs.set(key, { src, table, infos: null });
}
function fnInfo(f) {
	const o = f.Āf !== undefined ? f.Āf : f;
	if (o.Ān !== undefined) return null; // native
	const src = Function.prototype.toString.call(o);
	const m = /\/\*@([^:*]+):(\d+)\*\//.exec(src);
	if (m === null || !programs.has(m[1])) return null;
	const p = programs.get(m[1]);
	if (p.infos === null) {
		p.infos = p.table.split(";").map((e) => {
			const varargs = e[0] === "*";
			const c = e.indexOf(":");
			const ps = e.slice(c + 1);
			return { name: e.slice(varargs ? 1 : 0, c), params: ps === "" ? [] : ps.split(","), varargs, src: p.src };
		});
	}
	return p.infos[+m[2]];
}
// lz compiles the code of a lazily compiled function on its stub's first
// call (see squirrel/lazy.go): the code travels in the comment that ends
// the stub; env is the program's $E. The stub keeps the result in Āi.
function lz(stub, env) {
	const s = Function.prototype.toString.call(stub);
	const f = host.chunk(env.n, env.s, s.slice(s.indexOf("/*\u0100") + 3, s.length - 3))($, env, stub);
	stub.Āi = f;
	return f;
}
// withDefaults attaches the default parameter values of a closure, which
// 3.0.4 evaluates once, when the closure is created.
function withDefaults(f, defs) {
	f.Ādp = defs;
	return f;
}
function arity(f) {
	const o = f.Āf !== undefined ? f.Āf : f;
	if (o.Āpc !== undefined) return o.Āpc;
	const info = fnInfo(o);
	if (info === null) return 0;
	return info.varargs ? -(info.params.length + 1) : info.params.length + 1;
}

function bindenv(f, env) {
	const o = f.Āf !== undefined ? f.Āf : f;
	const w = function (s, ...args) { return o(env, ...args); };
	w.Āf = o;
	w.Āenv = env;
	if (o.Ān !== undefined) {
		w.Ān = o.Ān;
		w.Āpc = o.Āpc;
		w.Ātc = o.Ātc;
	}
	if (o.Āb !== undefined) w.Āb = o.Āb;
	return w;
}

const DD_CLOSURE = ddTable([
	["call", -1, "c", (f, ...a) => { if (a.length === 0) arityErr(); return f(...a); }],
	["pcall", -1, "c", (f, ...a) => { if (a.length === 0) arityErr(); return f(...a); }],
	["acall", 2, "ca", (f, arr) => { const a = arr.Āa; if (a.length === 0) arityErr(); return f(...a); }],
	["pacall", 2, "ca", (f, arr) => { const a = arr.Āa; if (a.length === 0) arityErr(); return f(...a); }],
	["weakref", 1, null, (x) => weakref(x)],
	["tostring", 1, ".", (x) => str(x)],
	["bindenv", 2, "c x|y|t", bindenv],
	["getinfos", 1, "c", getinfos],
]);

function getinfos(f) {
	const t = newTable(4);
	const o = f.Āf !== undefined ? f.Āf : f;
	if (o.Ān !== undefined) {
		tRawSet(t, "native", true);
		tRawSet(t, "name", o.Ān);
		tRawSet(t, "paramscheck", o.Āpc);
		tRawSet(t, "typecheck", o.Ātc === null ? null : A(o.Ātc.slice()));
		return t;
	}
	const info = fnInfo(o);
	const params = ["this"].concat(info.params);
	if (info.varargs) params.push("vargv", "...");
	const defs = o.Ādp !== undefined ? o.Ādp.slice() : [];
	tRawSet(t, "native", false);
	tRawSet(t, "name", info.name === "" ? null : info.name);
	tRawSet(t, "src", info.src);
	tRawSet(t, "parameters", A(params));
	tRawSet(t, "varargs", info.varargs ? 1 : 0);
	tRawSet(t, "defparams", A(defs));
	return t;
}

// ---- generators ----

function Gen(g) {
	this.Āg = g;
	this.Āst = "suspended";
}
Gen.prototype = GP;
function gen(g) { return new Gen(g); }
function resume(g) {
	if (!(typeof g === "object" && g !== null && g.Āt === GEN)) {
		err("trying to resume a '" + typeName(g) + "',only genenerator can be resumed");
	}
	if (g.Āst === "dead") err("resuming dead generator");
	if (g.Āst === "running") err("resuming active generator");
	g.Āst = "running";
	let r;
	try {
		r = g.Āg.next();
	} catch (e) {
		g.Āst = "dead";
		throw e;
	}
	if (r.done) {
		g.Āst = "dead";
		return r.value === undefined ? null : r.value;
	}
	g.Āst = "suspended";
	return r.value;
}
const DD_GENERATOR = ddTable([
	["getstatus", 1, "g", (g) => g.Āst],
	["weakref", 1, null, (x) => weakref(x)],
	["tostring", 1, ".", (x) => str(x)],
]);

// ---- weak references ----
// The imp keeps objects alive as long as anything refers to them, and
// closures bound with bindenv keep their environment; a weak reference here
// never loses its object.

function WeakRef_(o) { this.Ār = o; }
WeakRef_.prototype = WP;
function weakref(x) {
	if (x === null || typeof x === "number" || typeof x === "boolean" || isFloat(x)) return x;
	if (typeof x === "string") return new WeakRef_(x);
	let w = x.Āwr;
	if (w === undefined || !Object.hasOwn(x, "Āwr")) {
		w = new WeakRef_(x);
		Object.defineProperty(x, "Āwr", { value: w });
	}
	return w;
}
const DD_WEAKREF = ddTable([
	["ref", 1, "r", (w) => w.Ār],
	["weakref", 1, null, (x) => weakref(x)],
	["tostring", 1, ".", (x) => str(x)],
]);

// ---- threads ----
// A thread runs a function as a coroutine. suspend() is supported where the
// thread's own function calls it directly: such functions are compiled with
// a generator twin (Āco) whose suspend() calls yield. A suspend() reached
// any other way fails.

function Thread(f) {
	this.Āf = f;
	this.Āst = "idle";
	this.Āg = null;
}
Thread.prototype = THP;
function threadStep(th, v) {
	th.Āst = "running";
	let r;
	try {
		r = th.Āg.next(v);
	} catch (e) {
		th.Āst = "idle";
		th.Āg = null;
		throw e;
	}
	if (r.done) {
		th.Āst = "idle";
		th.Āg = null;
		return r.value === undefined ? null : r.value;
	}
	th.Āst = "suspended";
	return r.value;
}
function threadCall(th, ...args) {
	if (th.Āst !== "idle") err("cannot call a " + th.Āst + " thread");
	const f = th.Āf;
	const co = typeof f === "function" ? f.Āco : undefined;
	if (co !== undefined) {
		th.Āg = co(ROOT, ...args);
		return threadStep(th, undefined);
	}
	th.Āst = "running";
	try {
		return call(f, ROOT, ...args);
	} finally {
		th.Āst = "idle";
	}
}
function threadWakeup(th, ...v) {
	switch (th.Āst) {
		case "idle": err("cannot wakeup a idle thread");
		case "running": err("cannot wakeup a running thread");
	}
	return threadStep(th, v.length > 0 ? v[0] : null);
}
const SUSPEND = nat("suspend", -1, null, () => err("suspend() works only in a thread's own function (not in a function it calls)"));
const DD_THREAD = ddTable([
	["call", -1, "v", threadCall],
	["wakeup", -1, "v", threadWakeup],
	["getstatus", 1, "v", (th) => th.Āst],
	["weakref", 1, null, (x) => weakref(x)],
	["tostring", 1, ".", (x) => str(x)],
]);
for (const k in DD_THREAD) THP[k] = DD_THREAD[k];

Object.assign($, { gen, resume, withDefaults, lz, registerProgram, nat, arity, bindenv, SUSPEND, natSources: () => natSources });
