local a = 1.5e3;
local b = 2.0e;
