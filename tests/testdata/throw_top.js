// An uncaught exception at the top level stops the run with exit 1, after
// the lines logged before it, with the stack.
// want-exit: 1
// want: before the throw
// want-stderr: [Agent] ERROR: throw_top.js:9:26: Error: configuration missing
// want-stderr: [Agent] ERROR:   at setup (throw_top.js:9:26)
// want-stderr: [Agent] ERROR:   at <anonymous> (throw_top.js:11:6)
server.log("before the throw");
function setup() { throw new Error("configuration missing"); }
// comment
setup();
