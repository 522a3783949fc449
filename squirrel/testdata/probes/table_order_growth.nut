// foreach order while a table with string, float and bool keys grows past 4, 8, 16, 32 and
// 64 nodes (3.0.4 doubles the node array when more than 3/4 are used).
function keys(t) {
	local s = "";
	foreach (k, v in t) s += (s == "" ? "" : ",") + k;
	return s;
}
local t = {};
local names = ["id", "ts", "temp", "hum", "pres", "bat", "rssi", "snr", "lat", "lon", "alt", "spd",
	"hdg", "sats", "fix", "fw", "hw", "sn", "mac", "ip", "gw", "dns", "ssid", "ch", "up", "boot",
	"err", "warn", "seq", "ack", "qos", "ttl", "crc", "len", "ver", "src", "dst", "type", "flags", "mode"];
foreach (i, n in names) {
	t[n] <- i;
	local c = i + 1;
	if (c == 3 || c == 4 || c == 6 || c == 7 || c == 12 || c == 13 || c == 24 || c == 25 || c == 40)
		print("grow.str." + c + " " + keys(t) + "\n");
}
local f = {};
foreach (i, v in [0.5, 1.5, 2.25, -3.75, 100.125, 7.0, 1.0e6, -0.5, 3.3, 42.42, 0.1, 1024.5]) {
	f[v] <- i;
	if (i == 2 || i == 5 || i == 11) print("grow.float." + (i + 1) + " " + keys(f) + "\n");
}
local b = {};
b[true] <- 1; b[false] <- 0; b[1] <- "one"; b[0] <- "zero"; b["true"] <- "s";
local bs = "";
foreach (k, v in b) bs += typeof k + ":" + k + " ";
print("grow.bool.mixed " + bs + "\n");
local big = {};
for (local i = 0; i < 70; i++) big["n" + (i * 37 % 70)] <- i;
print("grow.str.70 " + keys(big) + "\n");
local bigint = {};
for (local i = 0; i < 70; i++) bigint[(i * 1000003) & 0xFFFF] <- i;
print("grow.int.70 " + keys(bigint) + "\n");
local neg = {};
for (local i = -10; i < 10; i++) neg[i * 3] <- i;
print("grow.int.neg " + keys(neg) + "\n");
