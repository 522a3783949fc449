// The device of examples/agenturl: it answers the agent's "ask" messages
// with a (simulated) sensor reading.
let count = 0;
agent.on("ask", function (q) {
  count++;
  const value = 20 + (hardware.millis() % 100) / 10; // a reading that changes: 20.0 to 29.9
  server.log("asked for " + q.what + " (" + count + ")");
  agent.send("answer", { id: q.id, what: q.what, value: Math.round(value * 10) / 10, unit: "°C", count: count });
});
server.log("device ready");
