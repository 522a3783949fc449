local a = 0xFFFFFFFF;
local b = 0x1FFFFFFFF;
