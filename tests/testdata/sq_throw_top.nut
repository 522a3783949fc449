// An uncaught error at the top level of a Squirrel agent stops the run
// with exit 1, after the lines logged before it.
// want-exit: 1
// want: before the throw
// want-stderr: [Agent] ERROR: configuration missing
// want-stderr: [Agent] ERROR:   at setup sq_throw_top.nut:10
// want-stderr: [Agent] ERROR:   from main sq_throw_top.nut:12
server.log("before the throw");
function setup() {
    throw "configuration missing";
}
setup();
