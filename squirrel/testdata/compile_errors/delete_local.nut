local t = { k = 1 };
delete t.k;
local v = 1;
delete v;
