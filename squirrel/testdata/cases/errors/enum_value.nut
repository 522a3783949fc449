enum E { A, B }
local e = E;
