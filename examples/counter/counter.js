// counter.js: counts its own runs with server.save / server.load. Each run
// loads the saved table, increments `runs`, saves it and logs the count, so
// the second run prints "run 2". The table lives in the state directory
// (.agenthost by default); delete it, or save {}, to start again.
//
// It shows: server.load() returning {} the first time, server.save(table),
// and that nothing else keeps the run alive: it ends by itself.
//
// Run it twice:
//   go run ./cmd/agenthost run examples/counter/counter.js --until-idle
//   go run ./cmd/agenthost run examples/counter/counter.js --until-idle

const state = server.load();
state.runs = (state.runs || 0) + 1;
state.last = date().year + "-" + (date().month + 1) + "-" + date().day;
server.save(state);
server.log("run " + state.runs + " (device " + imp.configparams.deviceid + ")");
