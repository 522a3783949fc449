// foreach order after deletes (3.0.4 shrinks the node array below 1/4 load), re-insertion,
// clear(), clone(), mixed key types, and assignment during iteration.
function keys(t) {
	local s = "";
	foreach (k, v in t) s += (s == "" ? "" : ",") + k;
	return s + " (len " + t.len() + ")";
}
local t = {};
for (local i = 0; i < 16; i++) t[i] <- i;
print("mut.full16 " + keys(t) + "\n");
for (local i = 0; i < 16; i += 2) delete t[i];
print("mut.deleted.evens " + keys(t) + "\n");
for (local i = 0; i < 16; i += 2) t[i] <- i;
print("mut.reinserted.evens " + keys(t) + "\n");
for (local i = 15; i > 2; i--) delete t[i];
print("mut.shrunk " + keys(t) + "\n");
t[100] <- 1; t[37] <- 1; t[5] <- 1;
print("mut.after.shrink.insert " + keys(t) + "\n");
local s = {};
foreach (k in ["one", "two", "three", "four", "five", "six", "seven"]) s[k] <- k.len();
print("mut.str.full " + keys(s) + "\n");
delete s.three; delete s.five;
print("mut.str.deleted " + keys(s) + "\n");
s.three <- 5;
print("mut.str.reinsert " + keys(s) + "\n");
delete s.one; delete s.two; delete s.four; delete s.six;
print("mut.str.mostly.deleted " + keys(s) + "\n");
s.clear();
print("mut.clear " + keys(s) + "\n");
s.z <- 1; s.y <- 2;
print("mut.after.clear " + keys(s) + "\n");
local m = {};
m[1] <- "i"; m["1"] <- "s"; m[1.5] <- "f"; m[true] <- "b"; m[false] <- "b0"; m[0] <- "z"; m["x"] <- "x";
local ms = "";
foreach (k, v in m) ms += typeof k + ":" + k + " ";
print("mut.mixed " + ms + "\n");
local c = clone m;
local cs = "";
foreach (k, v in c) cs += typeof k + ":" + k + " ";
print("mut.clone.order " + cs + "\n");
local big = {};
for (local i = 0; i < 20; i++) big["key" + i] <- i;
for (local i = 0; i < 18; i++) delete big["key" + i];
local bc = clone big;
print("mut.clone.after.deletes " + keys(bc) + " | " + keys(big) + "\n");
// assigning existing keys during iteration is allowed and visible
local w = { a = 1, b = 2, c = 3 };
foreach (k, v in w) w[k] = v * 10;
local ws = "";
foreach (k, v in w) ws += k + "=" + v + " ";
print("mut.assign.during " + ws + "\n");
// foreach over a table with one key deleted mid-way
local d = {};
for (local i = 0; i < 6; i++) d[i] <- i;
local seen = "";
foreach (k, v in d) { seen += k + " "; if (k == 2) delete d[3]; }
print("mut.delete.during " + seen + "| " + keys(d) + "\n");
// table used as a set
local set = {};
foreach (w2 in split("the quick brown fox jumps over the lazy dog the end", " ")) set[w2] <- true;
print("mut.set " + keys(set) + "\n");
// counting occurrences
local counts = {};
foreach (ch in "mississippi") {
	local key = ch.tochar();
	if (key in counts) counts[key]++;
	else counts[key] <- 1;
}
local cnt = "";
foreach (k, v in counts) cnt += k + v;
print("mut.counts " + cnt + "\n");
