// Every byte value 0..255 survives a round trip untouched, and server.log
// prints a blob that is not UTF-8 as hex.
// want: 256 bytes back, identical: true
// want: binary: fffe00
const c = mqtt.createclient();
const out = new Uint8Array(256);
for (let i = 0; i < 256; i++) out[i] = 255 - i;
c.onmessage(function (m) {
    const back = m.message.bytes();
    let same = back.length == 256;
    for (let i = 0; same && i < 256; i++) same = back[i] == out[i];
    server.log(back.length + " bytes back, identical: " + same);
    const b = m.message.readblob(2); // ff fe
    b.seek(0, "e");
    b.writeblob(blob(1));            // 00
    server.log(b);
    c.disconnect();
});
c.onconnect(function () {
    c.subscribe("bin/#", 1, function () { c.createmessage("bin/x", out, 1).sendasync(); });
});
c.connect("tcp://h", "bin-test");
