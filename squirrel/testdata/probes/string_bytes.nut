// Strings are byte strings: UTF-8 text counts bytes; indexing gives signed bytes (char is signed).
local e = "é";
print("bytes.len.e " + e.len() + "\n");
print("bytes.index.e " + e[0] + " " + e[1] + "\n");
local euro = "€";
print("bytes.len.euro " + euro.len() + " " + euro[0] + " " + euro[1] + " " + euro[2] + "\n");
local mixed = "aé€😀z";
print("bytes.len.mixed " + mixed.len() + "\n");
local all = "";
foreach (i, b in mixed) all += (i > 0 ? "," : "") + b;
print("bytes.foreach.mixed " + all + "\n");
print("bytes.slice.e " + mixed.slice(1, 3) + " " + mixed.slice(1, 3).len() + "\n");
print("bytes.slice.half " + mixed.slice(1, 2).len() + " " + mixed.slice(1, 2)[0] + "\n");
print("bytes.x.ff " + "\xff"[0] + " " + "\xff".len() + "\n");
print("bytes.x.80 " + "\x80"[0] + "\n");
print("bytes.x.7f " + "\x7f"[0] + "\n");
print("bytes.x.c3a9 " + ("\xc3\xa9" == "é") + "\n");
print("bytes.tochar.build " + ((0xc3).tochar() + (0xa9).tochar() == "é") + "\n");
print("bytes.upper.e " + ("é".toupper() == "é") + " " + "aéb".toupper().len() + "\n");
print("bytes.find.e " + "caféx".find("é") + " " + "caféx".find("x") + "\n");
print("bytes.cmp " + ("é" > "z") + " " + ("\x7f" < "\x80") + "\n");
print("bytes.cmp.3way " + ("a" <=> "\xff") + "\n");
// building strings byte by byte
local s = "";
foreach (b in [72, 195, 169, 33]) s += b.tochar();
print("bytes.build " + s + " len=" + s.len() + "\n");
local decoded = [];
foreach (b in "Hé") decoded.push(b & 0xFF);
print("bytes.unsigned " + decoded[0] + " " + decoded[1] + " " + decoded[2] + "\n");
// NUL bytes inside strings
local z = "a\0b";
print("bytes.nul.len " + z.len() + " " + z[1] + " " + z[2] + "\n");
print("bytes.nul.eq " + (z == "a") + " " + (z == "a\0b") + "\n");
local withnul = "x" + (0).tochar() + "y";
print("bytes.nul.build " + withnul.len() + "\n");
print("bytes.nul.slice " + withnul.slice(2).len() + " " + withnul.slice(2) + "\n");
print("bytes.nul.find " + z.find("b") + "\n");
print("bytes.nul.upper " + z.toupper().len() + " " + z.toupper()[2] + "\n");
print("bytes.nul.concat " + (z + "c").len() + "\n");
// print writes with C's %s, so output stops at the first NUL byte
print("bytes.nul.print " + z + "|never shown\n");
print("\n");
print("bytes.nul.print.after ok\n");
