// An uncaught Squirrel error in a callback is logged the imp's way (the
// message, then "at" the failing function and "from" its callers, with
// .nut lines), and the agent goes on; errors thrown by the API are
// catchable strings in Squirrel.
// want: caught mqttclient.connect: argument 'clientId' must be a string of 1 to 255 characters, got string ""
// want: tick 1
// want: tick 2
// want: caught a table: 42
// want-stderr: [Agent] ERROR: the index 'missing' does not exist
// want-stderr: [Agent] ERROR:   at lookup sq_errors.nut:24
// want-stderr: [Agent] ERROR:   from onTick sq_errors.nut:30
// want-stderr: [Agent] ERROR: (table : 0x00000001)
// want-stderr: [Agent] ERROR:   at unknown sq_errors.nut:35
try {
    mqtt.createclient().connect("tcp://h", "");
} catch (e) {
    server.log("caught " + e);
}

local n = 0;
local settings = {};

function lookup(key) {
    return settings[key];
}

function onTick() {
    server.log("tick " + (++n));
    if (n < 2) imp.wakeup(0.01, onTick);
    if (n == 1) lookup("missing");
}
imp.wakeup(0.01, onTick);
imp.wakeup(0.1, function() {
    try { throw { code = 42 }; } catch (e) { server.log("caught a " + typeof e + ": " + e.code); }
    throw { code = 43 };
});
