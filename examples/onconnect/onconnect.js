// onconnect.js: the mqttclient.onconnect() example from the Electric Imp
// documentation, ported line by line from Squirrel to JavaScript.
//
// It shows: connecting with a user name and password, the onconnect result
// codes, and subscribing with the one-parameter callback form
// callback(qosMode). The two-parameter form, callback(resultCode, qosMode),
// is in onconnect_resultcode.js beside this file.
//
// Run it (the embedded broker stands in for test.mosquitto.org):
//   go run ./cmd/agenthost run examples/onconnect/onconnect.js --until-idle
// It prints "Connected to tcp://test.mosquitto.org:1883", then waits for
// pings; publish one with
//   mosquitto_pub -h 127.0.0.1 -p PORT -t imp.mqtt.test.pings -m hello
// (PORT is in the "[Status] embedded broker listening on" line, or set
// embedded.listen in agenthost.yaml).

// CONSTANTS
const URL = "tcp://test.mosquitto.org";
const PORT = 1883;
const UN = "generalgrugger";
const PW = "gaztakh1ghc0mmand";

// GLOBALS
let client = null;
let cid = "imp.mqtt.test." + imp.configparams.deviceid;

// FUNCTIONS
function error(code) {
    switch (code) {
        case -1: return "Socket Error";
        case 1: return "Unsupported MQTT version";
        case 2: return "Client ID rejected";
        case 3: return "Server unavailable";
        case 4: return "Invalid username/password";
        case 5: return "Not authorized";
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
                         function(qosMode) {
                             // This is the subscription acknowledgement callback
                             if (qosMode != 0x80) {
                                 client.onmessage(onMessage);
                             }
                         });
    } else {
        server.error("Failed to connect to " + s + ". Error: " + error(resultCode));
    }
}

// RUNTIME START
// Instance an MQTT client
client = mqtt.createclient();

// Set up the initial handlers
client.onconnect(onConnect);

// Connect with credentials
let options = {};
options.username = UN;
options.password = PW;
client.connect(URL + ":" + PORT.toString(), cid, options);
