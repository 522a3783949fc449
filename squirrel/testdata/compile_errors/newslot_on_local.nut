local t = {};
t.x <- 1;
local y = 0;
y <- 2;
