// Squirrel values cross the API as Squirrel types and print the imp's way:
// floats as %g in 32 bits, integers wrap at 32 bits, null and tables as
// tostring() gives them; JSON numbers keep float or integer; blobs from
// the API are the imp's blob class. A float with no fraction stays a float
// inside a table, not as an argument itself (the API's numbers are
// JavaScript's).
// want: 1.5
// want: 0.3
// want: 1.23457e+08
// want: 3
// want: -2147483648
// want: (null : 0x0)
// want: true
// want: table 16
// want: table 1971 0 1 integer
// want: float 10.5 integer 10 3 float
// want: { "a": [ 1, "two", null, 2.5 ] }
// want: { "t": 21.0 } 21
// want: blob 4 772 2
// want: blob 32 ba78 44
// want: blob says café 5
// want: saved 21.5 x
server.log(1.5);
server.log(0.1 + 0.2);
server.log(123456789.0);
server.log(7 / 2);
server.log(2147483647 + 1);
server.log(null);
server.log(true);
server.log(typeof imp.configparams + " " + imp.configparams.deviceid.len());
local d = date(86400 * 365);
server.log(typeof d + " " + d.year + " " + d.month + " " + d.day + " " + typeof d.time);
local j = http.jsondecode("{\"t\": 21.0, \"n\": 21, \"s\": \"x\", \"a\": [1.5, null, true]}");
server.log(typeof j.t + " " + (j.t / 2) + " " + typeof j.n + " " + (j.n / 2) + " " + j.a.len() + " " + typeof j.a[0]);
server.log(http.jsonencode({ a = [1, "two", null, 2.5] }));
server.log(http.jsonencode({ t = 21.0 }) + " " + http.jsonencode(21.0));
local b = blob(4);
b.writen(0x01020304, 'i');
b.seek(0);
server.log(typeof b + " " + b.len() + " " + b.readn('w') + " " + b[2]);
local h = http.hash.sha256("abc");
server.log(typeof h + " " + h.len() + " " + format("%02x%02x", h[0], h[1]) + " " + http.base64encode(h).len());
b.resize(0);
b.writestring("caf\xc3\xa9");
server.log("blob says " + b + " " + b.tostring().len());
server.save({ t = 21.5, s = "x" });
local back = server.load();
server.log("saved " + back.t + " " + back.s);
