// agenturl: an agent that serves a page at its URL. The page's button asks
// the agent, the agent asks its device, the device answers, and the page
// shows the answer.
//
//   agenthost run examples/agenturl/agent.js --device examples/agenturl/device.js
//
// then open the agent URL printed as a [Status] line.

const PAGE = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Ask the device</title></head>
<body>
<h1>Ask the device</h1>
<button id="ask">Read the sensor</button>
<p id="answer">No answer yet.</p>
<script>
document.getElementById("ask").addEventListener("click", async function () {
  const out = document.getElementById("answer");
  out.textContent = "Asking...";
  try {
    const res = await fetch("ask?what=temperature", { method: "POST" });
    const data = await res.json();
    out.textContent = res.ok ? "The device says: " + data.what + " is " + data.value + " " + data.unit + " (reading " + data.count + ")"
                             : "Error " + res.status + ": " + data.error;
  } catch (e) {
    out.textContent = "Failed: " + e;
  }
});
</script>
</body>
</html>
`;

// Requests waiting for the device, by id.
const pending = {};
let nextId = 1;

device.on("answer", function (a) {
  const res = pending[a.id];
  if (!res) return; // answered already (timed out)
  delete pending[a.id];
  res.header("Content-Type", "application/json");
  res.send(200, http.jsonencode(a, { compact: true }));
});

http.onrequest(function (req, res) {
  if (req.method == "GET" && (req.path == "/" || req.path == "")) {
    res.header("Content-Type", "text/html; charset=utf-8");
    res.send(200, PAGE);
    return;
  }
  if (req.method == "POST" && req.path == "/ask") {
    if (!device.isconnected()) {
      res.header("Content-Type", "application/json");
      res.send(503, http.jsonencode({ error: "the device is offline" }));
      return;
    }
    const id = nextId++;
    pending[id] = res;
    device.send("ask", { id: id, what: req.query.what || "temperature" });
    imp.wakeup(10, function () {
      if (pending[id]) {
        delete pending[id];
        res.header("Content-Type", "application/json");
        res.send(504, http.jsonencode({ error: "the device did not answer" }));
      }
    });
    return;
  }
  res.send(404, "Not found\n");
});

server.log("Open " + http.agenturl() + " in a browser");
