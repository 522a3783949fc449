// split(str, seps): 3.0.4 uses strtok, so seps is a SET of characters and empty tokens are
// dropped (3.1 and later keep them).
function show(label, arr) {
	local s = label + " n=" + arr.len() + " [";
	foreach (i, v in arr) s += (i ? "|" : "") + v;
	print(s + "]\n");
}
show("split.basic", split("a,b,c", ","));
show("split.empty.tokens", split("a,,b,,,c", ","));
show("split.leading.trailing", split(",a,b,", ","));
show("split.only.seps", split(",,,", ","));
show("split.empty.string", split("", ","));
show("split.no.sep.found", split("abc", ","));
show("split.charset", split("a,b;c d", ",; "));
show("split.multichar.is.set", split("a::b:c", "::"));
show("split.multichar.2", split("key=value&k2=v2", "=&"));
show("split.word.sep", split("oneANDtwoANDthree", "AND"));
show("split.space", split("  lots   of   spaces  ", " "));
show("split.newlines", split("l1\r\nl2\n\nl3\r\n", "\r\n"));
show("split.tab", split("a\tb\t\tc", "\t"));
show("split.same.char.repeat", split("aaa", "a"));
show("split.csv.line", split("1.5,2,-3,,x", ","));
show("split.path", split("/usr/local//bin/", "/"));
show("split.dots", split("192.168.0.1", "."));
show("split.utf8.sep", split("aéb", "é"));
show("split.utf8.partial", split("aéb", "\xc3"));
show("split.sep.longer", split("abc", "abcdef"));
try { show("split.empty.sep", split("a,b", "")); } catch (e) print("split.empty.sep ERR " + e + "\n");
try { show("split.int.arg", split("a1b", 1)); } catch (e) print("split.int.arg ERR " + e + "\n");
try { show("split.null.str", split(null, ",")); } catch (e) print("split.null.str ERR " + e + "\n");
try { show("split.one.arg", split("a,b")); } catch (e) print("split.one.arg ERR " + e + "\n");
local parts = split("10,20,30", ",");
local total = 0;
foreach (p in parts) total += p.tointeger();
print("split.sum " + total + " " + typeof parts[0] + "\n");
local kv = {};
foreach (pair in split("a=1&b=2&c=&=4", "&")) {
	local bits = split(pair, "=");
	kv[bits[0]] <- bits.len() > 1 ? bits[1] : null;
}
local keys = [];
foreach (k, v in kv) keys.push(k + ":" + v);
keys.sort();
show("split.query", keys);
