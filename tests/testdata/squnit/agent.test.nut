// impUnit tests in Squirrel for agent.nut: two pass, the others fail or
// throw on purpose so that `agenthost test` can be checked to report them
// (tests/squirrel_test.go counts every line).

// A small thenable of our own, standing in for a Promise library.
class Later {
    _done = null;
    _value = null;
    _handlers = null;
    constructor(fn) {
        _handlers = [];
        fn(function(v) { _settle(true, v); }.bindenv(this), function(e) { _settle(false, e); }.bindenv(this));
    }
    function _settle(ok, v) {
        if (_done != null) return;
        _done = ok;
        _value = v;
        foreach (h in _handlers) imp.wakeup(0, _run(h));
    }
    function _run(h) {
        return function() { (_done ? h[0] : h[1])(_value); }.bindenv(this);
    }
    function then(onOk, onFail = null) {
        local h = [onOk, onFail == null ? function(e) {} : onFail];
        if (_done == null) _handlers.push(h);
        else imp.wakeup(0, _run(h));
        return this;
    }
}

class EchoTest extends ImpTestCase {
    log = null;

    function setUp() {
        log = [];
        return waitForLog("ready");
    }

    // what the broker sends on in/# comes back on out/
    function testEcho() {
        return broker.publish("in/a", "hi").then(function(_) {
            return broker.nextMessage("out/#");
        }.bindenv(this)).then(function(m) {
            assertEqual("out/a", m.topic);
            assertEqual("echo hi", m.message.tostring());
            assertEqual(PREFIX, "out/");
        }.bindenv(this));
    }

    // the device's pings are answered with the running count
    function testDevice() {
        device.send("ping", 3);
        return device.nextMessage("pong").then(function(data) {
            assertDeepEqual({ count = 3, half = 1.5 }, data);
            assertEqual("integer", typeof data.count);
        }.bindenv(this));
    }

    // a thenable of the test's own resolving after a virtual minute
    function testTicksOnTheVirtualClock() {
        local t0 = clock.now();
        return clock.advance(120).then(function(_) {
            assertEqual(2, ticks);
            assertClose(120, clock.now() - t0, 0.01);
            return Later(function(ok, fail) { imp.wakeup(1, function() { ok(1); }); });
        }.bindenv(this));
    }

    function testZFailsLater() {
        return Later(function(ok, fail) {
            imp.wakeup(1, function() {
                try {
                    assertEqual(5, pings, "pings: %s expected, %s seen");
                    ok(null);
                } catch (e) {
                    fail(e);
                }
            }.bindenv(this));
        }.bindenv(this));
    }

    function testZFailsNow() {
        local answer = 6 * 7;
        assertEqual(41, answer);
    }

    function testZThrows() {
        local t = {};
        t.missing += 1;
    }

    function tearDown() {
        info("torn down");
    }
}
