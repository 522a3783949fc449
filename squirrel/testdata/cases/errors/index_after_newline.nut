local x = 1;
local y = x
[0] = 1;
