// Tests of agent.nut through the same test doubles as JavaScript tests.
class ApiTest extends ImpTestCase {
    // a request to the agent URL, answered by http.onrequest
    function testRequest() {
        return request("GET", "/x?a=1").then(function(resp) {
            assertEqual(200, resp.statuscode);
            assertEqual("yes", resp.headers["x-test"]);
            assertEqual("{\"n\":1.5,\"ok\":true}", resp.body);
            assertEqual("GET /x a=1", logs().top());
        }.bindenv(this));
    }

    // the test plays the device: messages both ways keep their types
    function testDevice() {
        device.send("temp", 21.5);
        device.send("hello", "there");
        return device.nextMessage("hello").then(function(data) {
            assertDeepEqual({ a = [1, 2], echo = "there" }, data);
            return waitForLog("temp");
        }.bindenv(this)).then(function(line) {
            assertEqual("temp 21.5 float", line);
        }.bindenv(this));
    }

    // timers by name, on the virtual clock
    function testWakeupByName() {
        local before = ticks;
        return clock.advance(5).then(function(_) {
            assertEqual(before + 5, ticks);
            stopTicking();
            return clock.advance(5);
        }.bindenv(this)).then(function(_) {
            assertEqual(before + 5, ticks);
        }.bindenv(this));
    }

    // a callback with (err, value) from crypto.sign; a bad key throws a
    // catchable error
    function testCrypto() {
        local err = assertThrowsError(signed, this, ["m", "not a key", function(e, s) {}]);
        assertTrue(err.find("crypto.sign") != null, err);
        assertEqual("blob", typeof crypto.sha256("abc"));
        assertEqual(32, crypto.random(32).len());
    }

    // server.save and server.load keep a table
    function testSave() {
        server.save({ count = 3, name = "imp" });
        local back = server.load();
        assertEqual(3, back.count);
        assertEqual("imp", back.name);
        server.save({});
        assertEqual(0, server.load().len());
    }
}
