local ok = "fine";
local bad = "never closed;
