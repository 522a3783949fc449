// Node.js/MQTT.js twin of bench/scripts/inbound.js: subscribes to P.topic
// at P.qos, prints "ready" once granted, reads every payload and prints
// "done COUNT BYTES" at P.n messages ("count COUNT BYTES" once a second
// until then).
'use strict';
const { P, connect } = require('./common');

const client = connect();
let count = 0, bytes = 0, finished = false, ticker = null;

client.on('connect', () => {
  client.subscribe(P.topic, { qos: P.qos }, (err, granted) => {
    if (err || !granted || granted[0].qos !== P.qos) {
      console.error('subscribe failed: ' + (err ? err.message : JSON.stringify(granted)));
      return;
    }
    console.log('ready');
    ticker = setInterval(() => {
      if (!finished) console.log('count ' + count + ' ' + bytes);
    }, 1000);
    ticker.unref();
  });
});

client.on('close', () => { if (!finished) console.error('connection lost'); });

client.on('message', (topic, payload) => {
  count++;
  bytes += payload.length;
  if (count === P.n) {
    finished = true;
    console.log('done ' + count + ' ' + bytes);
  } else if (count === P.n + 1) {
    console.error('more than ' + P.n + ' messages');
  }
});
