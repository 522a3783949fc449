// A syntax error stops the run with exit 1 and names file:line:col.
// want-exit: 1
// want-stderr: [Agent] ERROR: syntax_error.js:5:18: SyntaxError: Unexpected token ;
server.log("never printed");
let broken = 1 + ;
