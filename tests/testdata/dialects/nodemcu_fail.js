// A NodeMCU client connects to configparams.host:port and logs how the
// connect ends. With configparams.big its CONNECT is about 320 KiB (a
// long client id, user name, password and will), too big to sit in the
// socket buffers of a broker that reads nothing.
const p = imp.configparams;
const long = function (c) { return c.repeat(65535); };
const m = p.big ? mqtt.Client(long("i"), 60, long("u"), long("p"))
                : mqtt.Client(p.id === undefined ? "nodemcu-e2e" : p.id, 60, p.user, p.pass, p.clean === undefined ? 1 : p.clean);
if (p.big) m.lwt("w/" + "t".repeat(65000), long("m"));
m.on("offline", function () { server.log("offline"); });
m.connect(p.host, p.port, 0, 0,
    function (c) { server.log("connected"); c.close(); },
    function (c, reason) { server.log("failed " + reason); });
