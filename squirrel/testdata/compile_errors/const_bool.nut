// const values must be integer, float or string literals
const OK = 1;
const FLAG = true;
