// regexp (3.0.4's own engine): match is a whole-string match, search finds the first match
// ({begin,end} or null), capture returns the whole match and the groups.
function m(pat, s) {
	local r;
	try { r = regexp(pat).match(s); } catch (e) r = "ERR " + e;
	return r;
}
function sr(pat, s, start = 0) {
	local res;
	try { res = regexp(pat).search(s, start); } catch (e) return "ERR " + e;
	return res == null ? "null" : res.begin + "-" + res.end;
}
function cap(pat, s, start = 0) {
	local res;
	try { res = regexp(pat).capture(s, start); } catch (e) return "ERR " + e;
	if (res == null) return "null";
	local out = "";
	foreach (g in res) out += "[" + g.begin + "," + g.end + ":" + s.slice(g.begin, g.end) + "]";
	return out;
}
print("re.match.literal " + m("abc", "abc") + " " + m("abc", "abcd") + " " + m("abc", "xabc") + "\n");
print("re.match.dot " + m("a.c", "abc") + " " + m("a.c", "ac") + "\n");
print("re.match.star " + m("ab*c", "ac") + " " + m("ab*c", "abbbc") + "\n");
print("re.match.plus " + m("ab+c", "ac") + " " + m("ab+c", "abc") + "\n");
print("re.match.question " + m("colou?r", "color") + " " + m("colou?r", "colour") + "\n");
print("re.match.class " + m("[a-c]+", "abcabc") + " " + m("[a-c]+", "abd") + " " + m("[^0-9]+", "abc") + "\n");
print("re.match.escapes " + m("\\d+", "12345") + " " + m("\\w+", "ab_9") + " " + m("\\s+", " \t") + " " + m("\\D", "a") + "\n");
print("re.match.alt " + m("cat|dog", "dog") + " " + m("cat|dog", "cow") + "\n");
print("re.match.group " + m("(ab)+", "ababab") + " " + m("(ab)+", "aba") + "\n");
print("re.match.anchors " + m("^abc$", "abc") + " " + m("^a", "a") + "\n");
print("re.match.braces " + m("a{3}", "aaa") + " " + m("a{2,3}", "aaaa") + " " + m("a{2,}", "aaaaa") + "\n");
// regexp("") crashes the 3.0.4 oracle: not probed.
print("re.match.empty " + m("a*", "") + " " + m("a?", "") + "\n");
print("re.search.first " + sr("o", "hello world") + " " + sr("wor", "hello world") + " " + sr("z", "hello") + "\n");
print("re.search.start " + sr("o", "hello world", 5) + " " + sr("l+", "hello", 3) + "\n");
print("re.search.digits " + sr("\\d+", "abc 123 def 45") + "\n");
print("re.search.anchor " + sr("^h", "hello") + " " + sr("^e", "hello") + " " + sr("o$", "hello") + "\n");
print("re.search.greedy " + sr("a.*b", "a1b2b3") + " " + sr("<.+>", "<a><b>") + "\n");
print("re.search.wordboundary " + sr("\\bcat\\b", "concat cat") + "\n");
print("re.capture.groups " + cap("(\\w+)@(\\w+)", "mail user@host now") + "\n");
print("re.capture.kv " + cap("(\\w+)=(\\d+)", "x=10;y=20") + "\n");
print("re.capture.start " + cap("(\\w+)=(\\d+)", "x=10;y=20", 5) + "\n");
print("re.capture.nomatch " + cap("(\\d+)", "none") + "\n");
print("re.capture.optional.empty " + cap("a(b)?c", "ac") + "\n");
print("re.capture.nested " + cap("((a)(b))", "ab") + "\n");
print("re.capture.noncapture " + cap("(?:ab)(c)", "abc") + "\n");
print("re.subexpcount " + regexp("(a)(b(c))").subexpcount() + " " + regexp("abc").subexpcount() + "\n");
print("re.typeof " + typeof regexp("a") + "\n");
print("re.error.paren " + m("(ab", "ab") + "\n");
print("re.error.bracket " + m("[ab", "a") + "\n");
print("re.error.empty.class " + m("[]", "a") + "\n");
print("re.error.range " + m("[z-a]", "a") + "\n");
print("re.error.brace " + m("a{x}", "a") + "\n");
try { regexp(5); } catch (e) print("re.ctor.int ERR " + e + "\n");
try { regexp("a").match(5); } catch (e) print("re.match.int ERR " + e + "\n");
try { regexp("a").match(); } catch (e) print("re.match.noarg ERR " + e + "\n");
// typical use: parse a date and validate an id
local date = regexp("(\\d+)-(\\d+)-(\\d+)");
local dc = date.capture("on 2024-03-09 at");
print("re.date " + "on 2024-03-09 at".slice(dc[1].begin, dc[1].end).tointeger() + " " + "on 2024-03-09 at".slice(dc[3].begin, dc[3].end) + "\n");
local hexid = regexp("^[0-9a-f]+$");
print("re.hexid " + hexid.match("0c2a690000abcd") + " " + hexid.match("0C2A") + " " + hexid.match("") + "\n");
// iterate all matches with search and a start index
local text = "a1b22c333";
local nums = regexp("\\d+");
local pos = 0, found = "";
local hit;
while ((hit = nums.search(text, pos)) != null) { found += text.slice(hit.begin, hit.end) + " "; pos = hit.end; }
print("re.all " + found + "\n");
