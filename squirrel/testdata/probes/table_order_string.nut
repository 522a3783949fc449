// foreach order for string keys: 3.0.4's string hash (seeded with the length, xor-shift over the
// bytes, sign-extended chars) masked by the node count.
function keys(t) {
	local s = "";
	foreach (k, v in t) s += (s == "" ? "" : ",") + k;
	return s;
}
local t = {};
foreach (k in ["a", "b", "c", "d", "e", "f", "g", "h"]) t[k] <- 1;
print("order.str.letters " + keys(t) + "\n");
t = {};
foreach (k in ["name", "id", "value", "type", "timestamp", "unit"]) t[k] <- 1;
print("order.str.words " + keys(t) + "\n");
t = {};
foreach (k in ["temperature", "humidity", "pressure", "battery", "rssi", "uptime", "version", "deviceId", "sensor", "ts", "lat", "lon"]) t[k] <- 1;
print("order.str.telemetry " + keys(t) + "\n");
t = {};
for (local i = 0; i < 20; i++) t["k" + i] <- i;
print("order.str.k0_19 " + keys(t) + "\n");
t = {};
foreach (k in ["é", "ü", "a", "日本", "\xff", "z"]) t[k] <- 1;
local utf = "";
foreach (k, v in t) utf += k.len() + ":" + (k[0] & 0xFF) + " ";
print("order.str.utf8 " + utf + "\n");
t = {};
local long1 = "this is a fairly long key used to test hashing of long strings";
local long2 = "this is a fairly long key used to test hashing of long strings!";
local long3 = "x" + long1;
t[long1] <- 1; t[long2] <- 2; t[long3] <- 3; t["short"] <- 4;
local lo = "";
foreach (k, v in t) lo += v + " ";
print("order.str.long " + lo + "\n");
t = {};
foreach (k in ["", " ", "  ", "a", "aa", "aaa", "A", "AA"]) t[k] <- 1;
local shapes = "";
foreach (k, v in t) shapes += "[" + k + "]";
print("order.str.shapes " + shapes + "\n");
local lit = { alpha = 1, beta = 2, gamma = 3, delta = 4, epsilon = 5 };
print("order.str.literal5 " + keys(lit) + "\n");
local inc = {};
inc.alpha <- 1; inc.beta <- 2; inc.gamma <- 3; inc.delta <- 4; inc.epsilon <- 5;
print("order.str.incremental5 " + keys(inc) + "\n");
local json = { "id": 1, "name": "x", "tags": [], "active": true };
print("order.str.jsonlit " + keys(json) + "\n");
local cfg = { host = "h", port = 1, user = "u", pass = "p", tls = true, timeout = 30, retries = 3, qos = 1, keepalive = 60 };
print("order.str.literal9 " + keys(cfg) + "\n");
local rev = {};
foreach (k in ["keepalive", "qos", "retries", "timeout", "tls", "pass", "user", "port", "host"]) rev[k] <- 1;
print("order.str.incremental9.rev " + keys(rev) + "\n");
