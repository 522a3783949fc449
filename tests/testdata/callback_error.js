// An uncaught exception in a callback is logged with its stack and the
// agent keeps running (exit 0).
// want: tick 1
// want: tick 2
// want-stderr: [Agent] ERROR: callback_error.js:11:28: TypeError: Cannot convert undefined or null to object
// want-stderr: [Agent] ERROR:   at onTick (callback_error.js:11:28)
let n = 0;
function onTick() {
    server.log("tick " + (++n));
    if (n < 2) imp.wakeup(0.01, onTick);
    if (n == 1) { let x; x.y = 1; }
}
imp.wakeup(0.01, onTick);
