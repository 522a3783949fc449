// Node.js/MQTT.js twin of bench/scripts/outbound.js: prints "ready" once
// subscribed to P.gotopic; on a message there publishes P.n messages of
// P.size bytes to P.topic at P.qos in one loop and prints "done OK FAILED"
// once every callback has fired (QoS 0: written; QoS 1: PUBACK).
'use strict';
const { P, connect } = require('./common');

const client = connect();
const payload = 'x'.repeat(P.size);
let started = false, called = 0, ok = 0;

function sent(err) {
  called++;
  if (!err) ok++;
  if (called === P.n) console.log('done ' + ok + ' ' + (called - ok));
}

client.on('connect', () => {
  client.subscribe(P.gotopic, { qos: 1 }, (err, granted) => {
    if (err || !granted || granted[0].qos === 0x80) {
      console.error('subscribe failed: ' + (err ? err.message : JSON.stringify(granted)));
      return;
    }
    console.log('ready');
  });
});

client.on('message', (topic) => {
  if (topic !== P.gotopic || started) return;
  started = true;
  for (let i = 0; i < P.n; i++) {
    client.publish(P.topic, payload, { qos: P.qos }, sent);
  }
});
