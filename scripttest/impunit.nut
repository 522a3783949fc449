// impunit.nut: the test API of `agenthost test` for Squirrel test files,
// after Electric Imp's impUnit: ImpTestCase with impUnit's assertions
// (they throw impUnit's messages as strings), setUp/tearDown, and the same
// test doubles as JavaScript tests (this.broker, this.clock, this.device,
// this.request, this.logs, this.waitForLog, this.fakeBroker), which are the
// JavaScript runner's own objects seen through the Squirrel bridge. The
// root slot __impunit is that runner's host object.

class ImpTestCase {
    assertions = 0;
    broker = ::__impunit.broker;
    clock = ::__impunit.sqclock;
    device = ::__impunit.device;

    function setUp() {}
    function tearDown() {}

    // every class that extends ImpTestCase is a test case
    function _inherited(attributes) {
        ::__impunit.inherited(this);
    }

    function info(message = "") {
        ::__impunit.info(message + "");
    }

    function logs() {
        return ::__impunit.logs();
    }

    // waitForLog(text[, timeoutSeconds]): a Promise of the next agent log
    // line containing text
    function waitForLog(text, timeout = null) {
        if (timeout == null) return ::__impunit.waitForLog(text);
        return ::__impunit.waitForLog(text, timeout);
    }

    // request(method, path[, headers[, body]]): a Promise of the agent
    // URL's answer {statuscode, headers, body}
    function request(method, path, headers = null, body = null) {
        if (headers == null) headers = {};
        if (body == null) return ::__impunit.request(method, path, headers);
        return ::__impunit.request(method, path, headers, body);
    }

    // promise(function(resolve, reject) {...}): a Promise, for tests that
    // have no Promise library of their own
    function promise(executor) {
        return ::__impunit.promise(executor);
    }

    function fakeBroker(onConnection) {
        return ::__impunit.fakeBroker(onConnection);
    }

    function _fail(message, expected = null, actual = null, hasValues = false) {
        ::__impunit.fail(message, expected + "", actual + "", hasValues);
        throw message;
    }

    function assertTrue(condition, message = "Failed to assert that condition is true") {
        assertions++;
        if (!condition) _fail(message, "true", condition, true);
    }

    function assertEqual(expected, actual, message = "Expected value: %s, got: %s") {
        assertions++;
        if (expected != actual) _fail(format(message, expected + "", actual + ""), expected, actual, true);
    }

    function assertGreater(actual, cmp, message = "Failed to assert that %s > %s") {
        assertions++;
        if (actual <= cmp) _fail(format(message, actual + "", cmp + ""), "> " + cmp, actual, true);
    }

    function assertLess(actual, cmp, message = "Failed to assert that %s < %s") {
        assertions++;
        if (actual >= cmp) _fail(format(message, actual + "", cmp + ""), "< " + cmp, actual, true);
    }

    function assertClose(expected, actual, maxDiff, message = "Expected value: %s±%s, got: %s") {
        assertions++;
        if (math.fabs(expected - actual) > maxDiff) {
            _fail(format(message, expected + "", maxDiff + "", actual + ""), expected + "±" + maxDiff, actual, true);
        }
    }

    function assertBetween(actual, from, to, message = "Expected value the range of %s..%s, got %s") {
        assertions++;
        if (from > to) {
            local t = from;
            from = to;
            to = t;
        }
        if (actual < from || actual > to) {
            _fail(format(message, from + "", to + "", actual + ""), from + ".." + to, actual, true);
        }
    }

    function assertDeepEqual(expected, actual, message = "Comparison failed on '%s': expected %s, got %s") {
        assertions++;
        local diff = _deepDiff(expected, actual, message, true, "", 0);
        if (diff == null) diff = _deepDiff(actual, expected, message, false, "", 0);
        if (diff != null) _fail(diff, expected, actual, true);
    }

    // _deepDiff compares a with b (b with a on the way back, forward
    // false) and returns the first difference as a message, or null
    function _deepDiff(a, b, message, forward, path, depth) {
        local where = path.len() == 0 ? path : path.slice(1);
        if (depth > 32) return "Possible cyclic reference at " + where;
        if (typeof a != typeof b) {
            return format("Values are not the same type, typeof lhs = %s, typeof rhs = %s", typeof a, typeof b);
        }
        switch (typeof a) {
            case "table":
            case "array":
                foreach (k, v in a) {
                    local sub = path + "." + k;
                    if (!(k in b)) {
                        local w = sub.slice(1);
                        return forward ? format(message, w, v + "", "none") : format(message, w, "none", v + "");
                    }
                    local d = _deepDiff(v, b[k], message, forward, sub, depth + 1);
                    if (d != null) return d;
                }
                return null;
            case "blob":
                if (a.len() != b.len()) {
                    return format("Blob lengths unequal, lhs.len() == %d, rhs.len() == %d", a.len(), b.len());
                }
                if (a.tostring() != b.tostring()) {
                    return format("Blobs are the same length (%d bytes), but the contents are not identical.", a.len());
                }
                return null;
            case "null":
                return null;
        }
        if (a != b) return forward ? format(message, where, a + "", b + "") : format(message, where, b + "", a + "");
        return null;
    }

    // assertThrowsError(fn, ctx[, args]) passes when fn, called with ctx
    // as `this` and args, throws; it returns what was thrown
    function assertThrowsError(fn, ctx, args = [], message = "Function was expected to throw an error") {
        assertions++;
        local all = [ctx];
        all.extend(args);
        try {
            fn.acall(all);
        } catch (e) {
            return e;
        }
        _fail(message);
    }
}
