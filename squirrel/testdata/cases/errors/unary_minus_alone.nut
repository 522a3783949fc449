local a = 5;
local b = -;
