// a const initialiser is one literal, not an expression
const A = 1;
const B = A + 1;
