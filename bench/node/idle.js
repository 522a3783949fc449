// Node.js/MQTT.js twin of bench/scripts/idle.js: connects, subscribes to
// one topic, prints "connected" and waits until it is stopped.
'use strict';
const { P, connect } = require('./common');

const client = connect();
client.on('connect', () => {
  client.subscribe('bench/idle/' + P.clientid, { qos: 1 }, (err, granted) => {
    if (err || !granted || granted[0].qos === 0x80) {
      console.error('subscribe failed: ' + (err ? err.message : JSON.stringify(granted)));
      return;
    }
    console.log('connected');
  });
});
client.on('message', (topic) => console.log('unexpected message on ' + topic));
