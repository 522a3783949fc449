local s = "tab\tok";
local t = "bad\q";
