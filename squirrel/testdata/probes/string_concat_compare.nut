// String concatenation with every kind of value, comparison (byte-wise, unsigned), and
// building long strings.
class WithStr { function _tostring() { return "<ws>"; } }
class NoStr { }
print("cat.int " + ("a" + 1) + " " + (1 + "a") + "\n");
print("cat.negative " + ("n" + -5) + "\n");
print("cat.float " + ("f" + 2.5) + " " + ("f" + 1.0) + " " + ("f" + 1.0e-7) + "\n");
print("cat.bool " + ("b" + true) + " " + (false + "b") + "\n");
print("cat.null " + ("n" + null) + "\n");
print("cat.instance.tostring " + ("i" + WithStr()) + " " + (WithStr() + "i") + "\n");
local nsText = "x" + NoStr();
print("cat.instance.plain " + nsText.slice(0, 12) + "\n");
local tText = "t" + {};
print("cat.table " + tText.slice(0, 8) + "\n");
local fText = "" + function() {};
print("cat.function " + fText.slice(0, 10) + "\n");
print("cat.empty " + ("" + "") + "|" + ("" + 0) + "\n");
print("cat.chain.order " + (1 + 2 + "x" + 1 + 2) + " " + ("x" + (1 + 2)) + "\n");
print("cat.char.code " + ("a"[0] + "b") + "\n");
local s = "";
for (local i = 0; i < 1000; i++) s += i % 10;
print("cat.loop.len " + s.len() + " " + s.slice(995) + "\n");
local big = "ab";
for (local i = 0; i < 14; i++) big += big;
print("cat.doubling " + big.len() + " " + big.slice(-4) + "\n");
print("cmp.prefix " + ("abc" < "abcd") + " " + ("abcd" > "abc") + "\n");
print("cmp.case " + ("Z" < "a") + " " + ("a" < "B") + "\n");
print("cmp.digits " + ("10" < "9") + " " + ("010" < "10") + "\n");
print("cmp.empty " + ("" < " ") + " " + ("" == "") + " " + ("" <=> "") + "\n");
print("cmp.highbytes " + ("\x80" > "\x7f") + " " + ("é" > "e") + " " + ("\xff" > "\xfe") + "\n");
print("cmp.3way.values " + ("a" <=> "c") + " " + ("c" <=> "a") + "\n");
print("cmp.eq.built " + ("ab" + "c" == "abc") + " " + ("abc".slice(0, 2) == "ab") + "\n");
print("cmp.eq.case " + ("abc" == "ABC") + " " + ("abc" == "ABC".tolower()) + "\n");
print("cmp.nul.prefix " + ("a\0b" == "a\0c") + " " + ("a\0b" < "a\0c") + "\n");
local words = ["pear", "Peach", "apple", "Apple", "banana", "10", "9", "", "é", "e"];
words.sort();
local ws = "";
foreach (w in words) ws += "[" + w + "]";
print("cmp.sorted " + ws + "\n");
local desc = clone words;
desc.sort(@(a, b) b <=> a);
local ds = "";
foreach (w in desc) ds += "[" + w + "]";
print("cmp.sorted.desc " + ds + "\n");
// string keys of different construction find the same slot
local t = {};
t["k" + 1] <- "v";
print("cat.key " + t.k1 + " " + ("k1" in t) + "\n");
// += on a string slot
local rec = { text = "a" };
rec.text += "b";
rec.text += 3;
print("cat.slot.pluseq " + rec.text + "\n");
