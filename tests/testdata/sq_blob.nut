// The imp's blob class in Squirrel: 3.0.4's blob (readn/writen in little
// endian, seek with 'b' 'c' 'e' returning 0 or -1, eos, b[i], foreach,
// clone, swap2/swap4, readblob, its errors) plus the imp's readstring,
// writestring, tostring, and a blob read as a string giving its bytes.
// want: blob 4 0 (null : 0x0)
// want: 4 4 eos 1
// want: 68 67 16706
// want: 1094861636 68 65
// want: 44
// want: index out of range
// want: index out of range
// want: 0 2 -1 2
// want: 18 1.5 2.25 -2
// want: io error
// want: 2 2
// want: 67 44
// want: 0=67 1=44
// want: 67 9
// want: blob 1 2
// want: 3 2
// want: invalid format
// want: cannot create blob with negative size
// want: invalid origin
// want: 1 4
// want: hello wor 9 [hello world]
// want: binary 5 -1 255
// want: 4
local b = blob(4);
server.log(typeof b + " " + b.len() + " " + b.tell() + " " + b.eos());
b.writen(0x41424344, 'i');
server.log(b.tell() + " " + b.len() + " eos " + b.eos());
b.seek(0);
server.log(b.readn('b') + " " + b.readn('c') + " " + b.readn('w'));
b.seek(0);
server.log(b.readn('i') + " " + b[0] + " " + b[3]);
b[0] = 300;
server.log(b[0]);
try { server.log(b[4]); } catch (e) { server.log(e); }
try { b[4] = 1; } catch (e) { server.log(e); }
server.log(b.seek(2, 'b') + " " + b.tell() + " " + b.seek(10) + " " + b.tell());
b.seek(0, 'e'); b.writen(1.5, 'f'); b.writen(2.25, 'd'); b.writen(-2, 's');
b.seek(4);
server.log(b.len() + " " + b.readn('f') + " " + b.readn('d') + " " + b.readn('s'));
try { b.readn('i'); } catch (e) { server.log(e); }
b.resize(2);
server.log(b.len() + " " + b.tell());
b[0] = 44; b[1] = 67;
b.swap2();
server.log(b[0] + " " + b[1]);
local items = "";
foreach (i, v in b) items += (items.len() > 0 ? " " : "") + i + "=" + v;
server.log(items);
local d = clone b; d[0] = 9;
server.log(b[0] + " " + d[0]);
b.seek(1);
local r = b.readblob(5);
server.log(typeof r + " " + r.len() + " " + b.tell());
local e = blob(3); e.writeblob(b);
server.log(e.len() + " " + e.tell());
try { b.writen(1, 'x'); } catch (x) { server.log(x); }
try { blob(-1); } catch (x) { server.log(x); }
try { b.seek(0, 'z'); } catch (x) { server.log(x); }
b.seek(0);
b.writen(0x01020304, 'i'); b.seek(0); b.swap4();
server.log(b[0] + " " + b[3]);
local s = blob();
s.writestring("hello world");
s.seek(0);
server.log(s.readstring(9) + " " + s.tell() + " [" + s + "]");
local bin = blob(2);
bin[0] = 0xff; bin[1] = 0x80;
local str = bin.tostring();
server.log("binary " + (str.len() + 3) + " " + str[0] + " " + bin[0]);
server.log(s.readstring(100).len() + s.tell() - 9);
