local a = 1;
/* this comment
   is never closed
local b = 2;
