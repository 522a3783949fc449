// A Squirrel syntax error stops the run with exit 1 and names the line and
// column 3.0.4 reports (just past the token it stopped at), with 3.0.4's
// message.
// want-exit: 1
// want-stderr: [Agent] ERROR: sq_syntax_error.nut:9:21: expression expected
// want-stderr: [Agent] ERROR:   local broken = 1 + ;
// want-stderr: [Agent] ERROR:                       ^
server.log("never printed");
local broken = 1 + ;
