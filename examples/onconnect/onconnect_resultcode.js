// onconnect_resultcode.js: the second version of the mqttclient.onconnect()
// example in the Electric Imp documentation, ported line by line to
// JavaScript. It differs from onconnect.js only in the subscribe callback,
// which takes two parameters, callback(resultCode, qosMode), and reports a
// refused subscription with server.error.
//
// Run it:
//   go run ./cmd/agenthost run examples/onconnect/onconnect_resultcode.js --for 5s
// To see the refusal, deny the topic in a config file:
//   printf 'embedded:\n  deny_subscribe: ["imp.mqtt.test.pings"]\n' > /tmp/deny.yaml
//   go run ./cmd/agenthost run examples/onconnect/onconnect_resultcode.js --config /tmp/deny.yaml --for 2s

const URL  = "tcp://test.mosquitto.org";
const PORT = 1883;
const UN   = "generalgrugger";
const PW   = "gaztakh1ghc0mmand";

let client = null;
let cid = "imp.mqtt.test." + imp.configparams.deviceid;

function error(code) {
    switch (code) {
        case -1: return "Socket Error";
        case 1:  return "Unsupported MQTT version";
        case 2:  return "Client ID rejected";
        case 3:  return "Server unavailable";
        case 4:  return "Invalid username/password";
        case 5:  return "Not authorized";
        default: return "Unknown error";
    }
}

function onMessage(message) {
    // Called on receipt of a message
    server.log("Message \'" + message.message + "\' received under topic \'" + message.topic + "\'");
}

function onConnect(resultCode) {
    // Called when the client connects (or fails to connect) to the MQTT broker
    let s = URL + ":" + PORT.toString();
    if (resultCode == 0) {
        server.log("Connected to " + s);

        // We're connected to try to subscribe to a topic
        client.subscribe("imp.mqtt.test.pings",
                         mqtt.AT_MOST_ONCE,
                         function(resultCode, qosMode) {
                             // This is the subscription acknowledgement callback
                             if (resultCode == 0 && qosMode != 0x80) {
                                 client.onmessage(onMessage);
                             } else {
                                 server.error("Not subscribed to \'imp.mqtt.test.pings\'.");
                             }
                         });
    } else {
        server.error("Failed to connect to " + s + ". Error: " + error(resultCode));
    }
}

// Instance an MQTT client
client = mqtt.createclient();

// Set up the initial handlers
client.onconnect(onConnect);

// Connect with credentials
let options = {};
options.username = UN;
options.password = PW;
client.connect(URL + ":" + PORT.toString(), cid, options);
