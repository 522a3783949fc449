local a = 'a';
local ab = 'ab';
