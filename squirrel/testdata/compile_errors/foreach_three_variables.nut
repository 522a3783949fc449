local t = {};
foreach (i, k, v in t) { }
