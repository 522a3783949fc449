local a = 0777;
local b = 0789;
