// Table order with string keys of bytes >= 0x80 (signed chars in the hash)
// and keys longer than 32 bytes (hashed with a step).
local t = {};
foreach (k in ["\xff", "é", "a\x80b", "zz\xfe", "plain", "another key that is rather long, more than thirty-two bytes", "\x7f\x80\x81", "x"]) t[k] <- 1;
for (local i = 0; i < 40; i++) t["k" + i + "\xe9"] <- i;
foreach (k, v in t) print(k.len() + ":" + v + " ");
print("\n");
