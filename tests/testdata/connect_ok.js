// Connects to the embedded broker (whatever URL is named) and disconnects.
// want: rc 0 connected=true id=e2e-client url=tcp://test.mosquitto.org
// want: disconnected connected=false
const c = mqtt.createclient();
c.onconnect(function (rc) {
    server.log("rc " + rc + " connected=" + c.isconnected() + " id=" + c.id() + " url=" + c.url());
    c.disconnect(function () { server.log("disconnected connected=" + c.isconnected()); });
});
c.connect("tcp://test.mosquitto.org", "e2e-client");
