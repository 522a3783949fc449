// Squirrel 3.0.4 runtime, part 8: the regexp class. 3.0.4's matcher is its
// own small engine (greedy loops that look one node ahead, no general
// backtracking), and scripts depend on its exact results, so this follows
// that engine's node structure and matching rules. Characters are signed
// bytes, as the C code sees them.

const RX_GREEDY = 256, RX_OR = 257, RX_EXPR = 258, RX_NOCAPEXPR = 259, RX_DOT = 260,
	RX_CLASS = 261, RX_CCLASS = 262, RX_NCLASS = 263, RX_RANGE = 264, RX_EOL = 266,
	RX_BOL = 267, RX_WB = 268;

function sc(c) { return c >= 128 ? c - 256 : c; }
function cIsPrint(c) { return c >= 32 && c <= 126; }
function cIsAlpha(c) { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }
function cIsDigit(c) { return c >= 48 && c <= 57; }
function cIsSpace(c) { return c === 32 || (c >= 9 && c <= 13); }
function cIsXDigit(c) { return cIsDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102); }
function cIsCntrl(c) { return (c >= 0 && c < 32) || c === 127; }
function cIsPunct(c) { return cIsPrint(c) && c !== 32 && !cIsAlpha(c) && !cIsDigit(c); }

function rxCompile(pattern) {
	const z = pattern.indexOf("\0");
	if (z >= 0) pattern = pattern.slice(0, z);
	const rx = { nodes: [], nsub: 0, p: 0, pat: pattern, matches: [], bol: 0, eol: 0, cur: 0, s: "" };
	const at = (i) => i < pattern.length ? sc(pattern.charCodeAt(i)) : 0;
	const fail = (m) => { throw { rxerr: m }; };
	const node = (type) => {
		const n = { type, left: -1, right: -1, next: -1 };
		if (type === RX_EXPR) n.right = rx.nsub++;
		rx.nodes.push(n);
		return rx.nodes.length - 1;
	};
	const expect = (c) => {
		if (at(rx.p) !== c) fail("expected paren");
		rx.p++;
	};
	const escapechar = () => {
		if (at(rx.p) === 92) {
			rx.p++;
			const c = at(rx.p++);
			switch (c) {
				case 118: return 11;
				case 110: return 10;
				case 116: return 9;
				case 114: return 13;
				case 102: return 12;
			}
			return c;
		}
		if (!cIsPrint(at(rx.p))) fail("letter expected");
		return at(rx.p++);
	};
	const charnode = (isclass) => {
		if (at(rx.p) === 92) {
			rx.p++;
			const c = at(rx.p);
			switch (String.fromCharCode(c & 0xFF)) {
				case "n": rx.p++; return node(10);
				case "t": rx.p++; return node(9);
				case "r": rx.p++; return node(13);
				case "f": rx.p++; return node(12);
				case "v": rx.p++; return node(11);
				case "a": case "A": case "w": case "W": case "s": case "S": case "d": case "D":
				case "x": case "X": case "c": case "C": case "p": case "P": case "l": case "u": {
					rx.p++;
					const n = node(RX_CCLASS);
					rx.nodes[n].left = c;
					return n;
				}
				case "b": case "B":
					if (!isclass) {
						const n = node(RX_WB);
						rx.nodes[n].left = c;
						rx.p++;
						return n;
					}
			}
			rx.p++;
			return node(c);
		}
		if (!cIsPrint(at(rx.p))) fail("letter expected");
		return node(at(rx.p++));
	};
	const klass = () => {
		let ret;
		if (at(rx.p) === 94) {
			ret = node(RX_NCLASS);
			rx.p++;
		} else {
			ret = node(RX_CLASS);
		}
		if (at(rx.p) === 93) fail("empty class");
		let chain = ret, first = -1;
		while (at(rx.p) !== 93) {
			if (at(rx.p) === 45 && first !== -1) {
				if (at(rx.p++) === 93) fail("unfinished range");
				const r = node(RX_RANGE);
				if (rx.nodes[first].type > at(rx.p)) fail("invalid range");
				if (rx.nodes[first].type === RX_CCLASS) fail("cannot use character classes in ranges");
				rx.nodes[r].left = rx.nodes[first].type;
				rx.nodes[r].right = escapechar();
				rx.nodes[chain].next = r;
				chain = r;
				first = -1;
			} else if (first !== -1) {
				rx.nodes[chain].next = first;
				chain = first;
				first = charnode(true);
			} else {
				first = charnode(true);
			}
		}
		if (first !== -1) {
			rx.nodes[chain].next = first;
			chain = first;
		}
		rx.nodes[ret].left = rx.nodes[ret].next;
		rx.nodes[ret].next = -1;
		return ret;
	};
	const number = () => {
		let r = at(rx.p) - 48, positions = 10;
		rx.p++;
		while (cIsDigit(at(rx.p))) {
			r = r * 10 + (at(rx.p++) - 48);
			if (positions === 1000000000) fail("overflow in numeric constant");
			positions *= 10;
		}
		return r;
	};
	let list;
	const element = () => {
		let ret;
		switch (at(rx.p)) {
			case 40: {
				rx.p++;
				let e;
				if (at(rx.p) === 63) {
					rx.p++;
					expect(58);
					e = node(RX_NOCAPEXPR);
				} else {
					e = node(RX_EXPR);
				}
				rx.nodes[e].left = list();
				ret = e;
				expect(41);
				break;
			}
			case 91:
				rx.p++;
				ret = klass();
				expect(93);
				break;
			case 36: rx.p++; ret = node(RX_EOL); break;
			case 46: rx.p++; ret = node(RX_DOT); break;
			default: ret = charnode(false);
		}
		let greedy = false, p0 = 0, p1 = 0;
		switch (at(rx.p)) {
			case 42: p0 = 0; p1 = 0xFFFF; rx.p++; greedy = true; break;
			case 43: p0 = 1; p1 = 0xFFFF; rx.p++; greedy = true; break;
			case 63: p0 = 0; p1 = 1; rx.p++; greedy = true; break;
			case 123:
				rx.p++;
				if (!cIsDigit(at(rx.p))) fail("number expected");
				p0 = number() & 0xFFFF;
				switch (at(rx.p)) {
					case 125: p1 = p0; rx.p++; break;
					case 44:
						rx.p++;
						p1 = 0xFFFF;
						if (cIsDigit(at(rx.p))) p1 = number() & 0xFFFF;
						expect(125);
						break;
					default: fail(", or } expected");
				}
				greedy = true;
				break;
		}
		if (greedy) {
			const n = node(RX_GREEDY);
			rx.nodes[n].left = ret;
			rx.nodes[n].right = (p0 << 16) | p1;
			ret = n;
		}
		const c = at(rx.p);
		if (c !== 124 && c !== 41 && c !== 42 && c !== 43 && c !== 0) {
			rx.nodes[ret].next = element();
		}
		return ret;
	};
	list = () => {
		let ret = -1;
		if (at(rx.p) === 94) {
			rx.p++;
			ret = node(RX_BOL);
		}
		const e = element();
		if (ret !== -1) rx.nodes[ret].next = e;
		else ret = e;
		if (at(rx.p) === 124) {
			rx.p++;
			const t = node(RX_OR);
			rx.nodes[t].left = ret;
			rx.nodes[t].right = list();
			ret = t;
		}
		return ret;
	};
	try {
		const first = node(RX_EXPR);
		rx.nodes[first].left = list();
		if (at(rx.p) !== 0) fail("unexpected character");
	} catch (e) {
		if (e !== null && typeof e === "object" && e.rxerr !== undefined) err(e.rxerr);
		throw e;
	}
	for (let i = 0; i < rx.nsub; i++) rx.matches.push({ begin: 0, len: 0 });
	return rx;
}

function rxMatchCClass(cls, c) {
	switch (cls) {
		case 97: return cIsAlpha(c);
		case 65: return !cIsAlpha(c);
		case 119: return cIsAlpha(c) || cIsDigit(c) || c === 95;
		case 87: return !(cIsAlpha(c) || cIsDigit(c)) && c !== 95;
		case 115: return cIsSpace(c);
		case 83: return !cIsSpace(c);
		case 100: return cIsDigit(c);
		case 68: return !cIsDigit(c);
		case 120: return cIsXDigit(c);
		case 88: return !cIsXDigit(c);
		case 99: return cIsCntrl(c);
		case 67: return !cIsCntrl(c);
		case 112: return cIsPunct(c);
		case 80: return !cIsPunct(c);
		case 108: return c >= 97 && c <= 122;
		case 117: return c >= 65 && c <= 90;
	}
	return false;
}
function rxMatchClass(rx, n, c) {
	for (;;) {
		switch (n.type) {
			case RX_RANGE: if (c >= n.left && c <= n.right) return true; break;
			case RX_CCLASS: if (rxMatchCClass(n.left, c)) return true; break;
			default: if (c === n.type) return true;
		}
		if (n.next === -1) return false;
		n = rx.nodes[n.next];
	}
}
function rxCh(rx, i) { return i >= 0 && i < rx.s.length ? sc(rx.s.charCodeAt(i)) : 0; }

// rxNode matches node n at position str; it returns the end position or -1.
function rxNode(rx, n, str, next) {
	const type = n.type;
	switch (type) {
		case RX_GREEDY: {
			const p0 = (n.right >> 16) & 0xFFFF, p1 = n.right & 0xFFFF;
			let nm = 0, s = str, good = str;
			const stop = n.next !== -1 ? rx.nodes[n.next] : next;
			while (nm === 0xFFFF || nm < p1) {
				s = rxNode(rx, rx.nodes[n.left], s, stop);
				if (s < 0) break;
				nm++;
				good = s;
				if (stop !== null && stop !== undefined) {
					if (stop.type !== RX_GREEDY || ((stop.right >> 16) & 0xFFFF) !== 0) {
						let gnext = null;
						if (stop.next !== -1) gnext = rx.nodes[stop.next];
						else if (next !== null && next !== undefined && next.next !== -1) gnext = rx.nodes[next.next];
						const r = rxNode(rx, stop, s, gnext);
						if (r >= 0) {
							if (p0 === p1 && p0 === nm) break;
							else if (nm >= p0 && p1 === 0xFFFF) break;
							else if (nm >= p0 && nm <= p1) break;
						}
					}
				}
				if (s >= rx.eol) break;
			}
			if (p0 === p1 && p0 === nm) return good;
			if (nm >= p0 && p1 === 0xFFFF) return good;
			if (nm >= p0 && nm <= p1) return good;
			return -1;
		}
		case RX_OR: {
			let a = str, t = rx.nodes[n.left];
			while ((a = rxNode(rx, t, a, null)) >= 0) {
				if (t.next !== -1) t = rx.nodes[t.next];
				else return a;
			}
			a = str;
			t = rx.nodes[n.right];
			while ((a = rxNode(rx, t, a, null)) >= 0) {
				if (t.next !== -1) t = rx.nodes[t.next];
				else return a;
			}
			return -1;
		}
		case RX_EXPR: case RX_NOCAPEXPR: {
			let m = rx.nodes[n.left], cur = str, capture = -1;
			if (type !== RX_NOCAPEXPR && n.right === rx.cur) {
				capture = rx.cur;
				rx.matches[capture].begin = cur;
				rx.cur++;
			}
			const tempcap = rx.cur;
			for (;;) {
				const subnext = m.next !== -1 ? rx.nodes[m.next] : next;
				cur = rxNode(rx, m, cur, subnext);
				if (cur < 0) {
					if (capture !== -1) {
						rx.matches[capture].begin = 0;
						rx.matches[capture].len = 0;
					}
					return -1;
				}
				if (m.next === -1) break;
				m = rx.nodes[m.next];
			}
			rx.cur = tempcap;
			if (capture !== -1) rx.matches[capture].len = cur - rx.matches[capture].begin;
			return cur;
		}
		case RX_WB: {
			const c = rxCh(rx, str), nx1 = rxCh(rx, str + 1);
			if ((str === rx.bol && !cIsSpace(c)) || (str === rx.eol && !cIsSpace(rxCh(rx, str - 1))) ||
				(!cIsSpace(c) && cIsSpace(nx1)) || (cIsSpace(c) && !cIsSpace(nx1))) {
				return n.left === 98 ? str : -1;
			}
			return n.left === 98 ? -1 : str;
		}
		case RX_BOL: return str === rx.bol ? str : -1;
		case RX_EOL: return str === rx.eol ? str : -1;
		case RX_DOT: return str + 1;
		case RX_NCLASS: case RX_CLASS: {
			const m = rxMatchClass(rx, rx.nodes[n.left], rxCh(rx, str));
			if (m ? type === RX_CLASS : type === RX_NCLASS) return str + 1;
			return -1;
		}
		case RX_CCLASS:
			return rxMatchCClass(n.left, rxCh(rx, str)) ? str + 1 : -1;
	}
	return rxCh(rx, str) === type ? str + 1 : -1;
}

function cstrlen(s) {
	const z = s.indexOf("\0");
	return z >= 0 ? z : s.length;
}
function rxSearch(rx, s, start) {
	rx.s = s;
	let b = start;
	const e = cstrlen(s);
	if (b >= e) return null;
	rx.bol = b;
	rx.eol = e;
	let node = 0, cur;
	do {
		cur = b;
		while (node !== -1) {
			rx.cur = 0;
			cur = rxNode(rx, rx.nodes[node], cur, null);
			if (cur < 0) break;
			node = rx.nodes[node].next;
		}
		b++;
	} while (cur < 0 && b !== e);
	if (cur < 0) return null;
	return [b - 1, cur];
}
function matchTable(b, e) {
	const t = newTable(0);
	tRawSet(t, "begin", b);
	tRawSet(t, "end", e);
	return t;
}

function regexpClass() {
	const C = newClass(null, null);
	const m = (name, pc, mask, f, max) => newMember(C, name, nat(name, pc, mask, f, max), null, false);
	m("constructor", 2, ".s", (self, pat) => { self.Ārx = rxCompile(pat); });
	m("search", -2, "xsn", (self, s, start) => {
		const r = rxSearch(self.Ārx, s, start === undefined ? 0 : toInt(start));
		return r === null ? null : matchTable(r[0], r[1]);
	}, 3);
	m("match", 2, "xs", (self, s) => {
		const rx = self.Ārx;
		rx.s = s;
		rx.bol = 0;
		rx.eol = cstrlen(s);
		rx.cur = 0;
		return rxNode(rx, rx.nodes[0], 0, null) === rx.eol;
	});
	m("capture", -2, "xsn", (self, s, start) => {
		const rx = self.Ārx;
		const r = rxSearch(rx, s, start === undefined ? 0 : toInt(start));
		if (r === null) return null;
		const out = [];
		for (let i = 0; i < rx.nsub; i++) {
			const mt = rx.matches[i];
			out.push(mt.len > 0 ? matchTable(mt.begin, mt.begin + mt.len) : matchTable(0, 0));
		}
		return A(out);
	}, 3);
	m("subexpcount", 1, "x", (self) => self.Ārx.nsub);
	m("_typeof", 1, "x", () => "regexp");
	return C;
}
