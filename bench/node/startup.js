// Node.js/MQTT.js twin of bench/scripts/startup.js: prints "connected" on
// the CONNACK and disconnects (the process then exits).
'use strict';
const { connect } = require('./common');

const client = connect();
client.on('connect', () => {
  console.log('connected');
  client.end();
});
