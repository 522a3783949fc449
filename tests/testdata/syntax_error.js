// A syntax error stops the run with exit 1 and names file:line:col.
// want-exit: 1
// want-stderr: [Agent] ERROR: syntax_error.js:7:18: SyntaxError: Unexpected token ;
// want-stderr: [Agent] ERROR:   let broken = 1 + ;
// want-stderr: [Agent] ERROR:                    ^
server.log("never printed");
let broken = 1 + ;
