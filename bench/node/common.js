// Shared by the Node.js benchmark scripts (go run ./bench): parameters and
// the MQTT.js connection, set up like agenthost's client (MQTT 3.1.1, clean
// session, keepalive 60 s, no automatic reconnect).
'use strict';
const mqtt = require('mqtt');

// The harness passes the parameters as one JSON argument:
// {url, clientid, n, qos, size, topic, gotopic}.
const P = JSON.parse(process.argv[2] || '{}');

function connect() {
  const client = mqtt.connect(P.url, {
    clientId: P.clientid,
    protocolVersion: 4,
    clean: true,
    keepalive: 60,
    reconnectPeriod: 0,
    connectTimeout: 10000,
  });
  client.on('error', (err) => console.error('error: ' + err.message));
  process.on('SIGTERM', () => {
    client.end(false, {}, () => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
  return client;
}

module.exports = { P, connect };
