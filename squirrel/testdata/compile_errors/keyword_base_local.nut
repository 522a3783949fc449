// "base" is a keyword: it cannot name a local
local value = 1;
local base = value + 1;
print(base);
