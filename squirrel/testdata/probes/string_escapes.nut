// Escape sequences, verbatim strings and multi-line literals.
print("esc.tab [" + "a\tb" + "] " + "\t".len() + " " + "\t"[0] + "\n");
print("esc.newline " + "a\nb".len() + " " + "\n"[0] + "\n");
print("esc.cr " + "\r"[0] + "\n");
print("esc.quote [" + "say \"hi\"" + "]\n");
print("esc.squote [" + "it\'s" + "]\n");
print("esc.backslash [" + "a\\b" + "] " + "\\".len() + "\n");
print("esc.nul " + "\0".len() + " " + "\0"[0] + "\n");
print("esc.bell " + "\a"[0] + " " + "\b"[0] + " " + "\v"[0] + " " + "\f"[0] + "\n");
print("esc.x41 [" + "\x41" + "]\n");
print("esc.x41.lower [" + "\x6a\x6B" + "]\n");
print("esc.x.one.digit " + "\x9"[0] + " " + "\x9".len() + "\n");
print("esc.x.four.digits " + "\x41BC".len() + " " + "\x41BC"[0] + "\n");
print("esc.x.five.digits " + "\x0041B".len() + " " + "\x0041B"[0] + " " + "\x0041B"[1] + "\n");
print("esc.x.stop " + "\x41G".len() + " [" + "\x41G" + "]\n");
print("esc.x.hi " + "\xe9"[0] + "\n");
print("esc.x.0 " + "\x00".len() + "\n");
print("esc.x.wrap " + "\x1ff"[0] + "\n");
// verbatim strings: no escapes, "" is a quote, newlines kept
local v = @"C:\path\to\file";
print("verb.backslash [" + v + "] " + v.len() + "\n");
print("verb.quote [" + @"say ""hi""" + "]\n");
print("verb.escape.kept [" + @"a\tb" + "] " + @"a\tb".len() + "\n");
local ml = @"line1
line2
  line3";
print("verb.multiline.len " + ml.len() + "\n");
print("verb.multiline [" + ml + "]\n");
print("verb.empty " + @"".len() + "\n");
print("verb.onlyquote " + @"""".len() + " [" + @"""" + "]\n");
// single-quoted literals are integers, not strings
print("squote.typeof " + typeof 'x' + "\n");
// adjacent operations on escapes
local csv = "a,\"b\",c\n";
print("esc.csv.len " + csv.len() + "\n");
local json = "{\"k\":\"v\\n\"}";
print("esc.json [" + json + "] " + json.len() + "\n");
local tabbed = "col1\tcol2\tcol3";
print("esc.split.tab " + split(tabbed, "\t").len() + "\n");
print("esc.unicode.literal " + "ü".len() + " " + "日本".len() + "\n");
