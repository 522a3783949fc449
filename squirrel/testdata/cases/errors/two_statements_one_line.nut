function f() {
  return 1
}
local z = f() local w = 2;
