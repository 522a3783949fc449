// A wrong password against embedded.users is refused with 4, the right one accepted.
// config: {embedded: {users: {generalgrugger: gaztakh1ghc0mmand}}}
// want: wrong password: 4
// want: unknown user: 4
// want: right password: 0
const tries = [
    ["wrong password", "generalgrugger", "nope"],
    ["unknown user", "someone", "gaztakh1ghc0mmand"],
    ["right password", "generalgrugger", "gaztakh1ghc0mmand"],
];
const c = mqtt.createclient();
let i = 0;
c.onconnect(function (rc) {
    server.log(tries[i][0] + ": " + rc);
    if (rc == 0) { c.disconnect(); return; }
    i++;
    next();
});
function next() { c.connect("tcp://h", "pw-test", { username: tries[i][1], password: tries[i][2] }); }
next();
