// impunit.js: the test API of `agenthost test`, after Electric Imp's
// impUnit. It runs in the same VM as the agent and the test file; the host
// object __impunit (installed by the Go runner) reports results, drives the
// embedded broker and the clock, and keeps the agent's log lines.

class ImpUnitAssertionError extends Error {
    constructor(message, expected, actual, hasValues) {
        super(message);
        this.name = "AssertionError";
        this.expected = expected;
        this.actual = actual;
        this.hasValues = hasValues;
    }
}

function __impunitFormat(v) { return __impunit.format(v); }

function __impunitDeepEqual(a, b, path) {
    if (a === b || (a !== a && b !== b)) return null;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
        return path + ": expected " + __impunitFormat(a) + ", got " + __impunitFormat(b);
    }
    if (Array.isArray(a) !== Array.isArray(b)) {
        return path + ": expected " + (Array.isArray(a) ? "an array" : "an object") + ", got " + __impunitFormat(b);
    }
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    for (const k of ka) {
        if (!(k in b)) return path + "." + k + ": missing in actual";
    }
    for (const k of kb) {
        if (!(k in a)) return path + "." + k + ": not expected";
    }
    for (const k of ka) {
        const d = __impunitDeepEqual(a[k], b[k], path + "." + k);
        if (d) return d;
    }
    return null;
}

class ImpTestCase {
    constructor() {
        this.assertions = 0;
    }

    // setUp() runs once before the case's tests, tearDown() once after
    // them; either may return a Promise.
    setUp() {}
    tearDown() {}

    info(message) { __impunit.info(__impunitFormat(message)); }

    get broker() { return __impunit.broker; }
    // fakeBroker(function (conn) {...}) → the URL of a broker that hands
    // each connection to the function as an MqttConnection (server side).
    fakeBroker(onConnection) { return __impunit.fakeBroker(onConnection); }
    get clock() { return __impunit.clock; }
    // this.device plays the agent's device: send(name, data),
    // nextMessage(name[, timeout]) → Promise of data, disconnect(),
    // connect() (Promises settled once the agent has seen it), isconnected().
    get device() { return __impunit.device; }
    // request(method, path[, headers[, body]]) → Promise of the agent URL's
    // answer {statuscode, headers, body}, delivered in-process.
    request(method, path, headers, body) { return __impunit.request(method, path, headers, body); }
    logs() { return __impunit.logs(); }
    // waitForLog(textOrRegExp[, timeoutSeconds]) → Promise of the agent's
    // next log line that matches (lines matched before are skipped).
    waitForLog(pattern, timeout) { return __impunit.waitForLog(pattern, timeout); }

    assertTrue(condition, message) {
        this.assertions++;
        if (!condition) {
            throw new ImpUnitAssertionError(message || "Failed to assert that condition is true", true, condition, true);
        }
    }

    assertEqual(expected, actual, message) {
        this.assertions++;
        if (expected != actual) {
            throw new ImpUnitAssertionError(message || "Expected value: " + __impunitFormat(expected) + ", got: " + __impunitFormat(actual),
                expected, actual, true);
        }
    }

    assertDeepEqual(expected, actual, message) {
        this.assertions++;
        const diff = __impunitDeepEqual(expected, actual, "value");
        if (diff) {
            throw new ImpUnitAssertionError(message || "Deep comparison failed: " + diff, expected, actual, true);
        }
    }

    assertGreater(actual, cmp, message) {
        this.assertions++;
        if (!(actual > cmp)) {
            throw new ImpUnitAssertionError(message || "Failed to assert that " + __impunitFormat(actual) + " > " + __impunitFormat(cmp),
                "> " + __impunitFormat(cmp), actual, true);
        }
    }

    assertLess(actual, cmp, message) {
        this.assertions++;
        if (!(actual < cmp)) {
            throw new ImpUnitAssertionError(message || "Failed to assert that " + __impunitFormat(actual) + " < " + __impunitFormat(cmp),
                "< " + __impunitFormat(cmp), actual, true);
        }
    }

    assertClose(expected, actual, maxDiff, message) {
        this.assertions++;
        if (!(Math.abs(expected - actual) <= maxDiff)) {
            throw new ImpUnitAssertionError(message || "Expected value: " + expected + "±" + maxDiff + ", got: " + actual,
                expected + "±" + maxDiff, actual, true);
        }
    }

    assertBetween(actual, from, to, message) {
        this.assertions++;
        if (!(actual >= from && actual <= to)) {
            throw new ImpUnitAssertionError(message || "Expected value in the range of " + from + ".." + to + ", got " + __impunitFormat(actual),
                from + ".." + to, actual, true);
        }
    }

    // assertThrowsError(fn, ctx[, args]) passes when fn throws, and returns
    // what it threw.
    assertThrowsError(fn, ctx, args, message) {
        this.assertions++;
        try {
            fn.apply(ctx, args || []);
        } catch (e) {
            return e;
        }
        throw new ImpUnitAssertionError(message || "Function was expected to throw an error", "an exception", "no exception", false);
    }
}

// __impunitGuard calls fn and settles with {ok}, {error} or {timeout}:
// a returned Promise (any thenable) is awaited, at most `seconds` of wall
// time. translate, when given, turns a rejection's reason into the error
// reported (a Squirrel case's assertion failures keep their details).
function __impunitGuard(fn, seconds, translate) {
    let value;
    try {
        value = fn();
    } catch (e) {
        return Promise.resolve({ error: e });
    }
    if (!value || typeof value.then !== "function") return Promise.resolve({ ok: true });
    return new Promise(function (resolve) {
        // The limit is wall time: on the virtual clock a test may span
        // hours of agent time in milliseconds.
        const cancel = __impunit.wallTimer(seconds, function () { resolve({ timeout: true }); });
        value.then(function () { cancel(); resolve({ ok: true }); },
                   function (e) { cancel(); resolve({ error: translate ? translate(e) : e }); });
    });
}

function __impunitMethods(C) {
    const names = new Set();
    for (let p = C.prototype; p && p !== ImpTestCase.prototype && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const n of Object.getOwnPropertyNames(p)) {
            if (n.startsWith("test") && typeof p[n] === "function") names.add(n);
        }
    }
    return Array.from(names).sort();
}

// __impunitJS describes the JavaScript test case class C named name, or
// returns null when C does not extend ImpTestCase.
function __impunitJS(name, C) {
    if (typeof C !== "function" || !(C.prototype instanceof ImpTestCase)) return null;
    return {
        name: name,
        methods: __impunitMethods(C),
        // A case may need longer than --timeout: static timeout = seconds.
        timeout: C.timeout,
        create: function () {
            const inst = new C();
            return {
                setUp: function () { return inst.setUp(); },
                tearDown: function () { return inst.tearDown(); },
                call: function (m) { return inst[m](); },
                assertions: function () { return inst.assertions; },
            };
        },
    };
}

// __impunitRun runs test cases, each {name, methods, timeout, create()}
// where create() makes the case's instance: {setUp(), tearDown(), call(m),
// assertions(), and optionally error(reason) to translate rejections}.
async function __impunitRun(cases) {
    const opts = __impunit.options;
    outer:
    for (const c of cases) {
        if (!c) continue;
        const name = c.name;
        const methods = c.methods.filter(function (m) { return __impunit.selected(name, m); });
        if (methods.length === 0) continue;
        const timeout = typeof c.timeout === "number" && c.timeout > 0 ? c.timeout : opts.timeout;
        let inst;
        try {
            inst = c.create();
        } catch (e) {
            for (const m of methods) __impunit.report(name, m, { error: e }, 0);
            continue;
        }
        const translate = inst.error;
        __impunit.begin(name, "setUp", timeout);
        const setUp = await __impunitGuard(function () { return inst.setUp(); }, timeout, translate);
        if (!setUp.ok) {
            for (const m of methods) __impunit.report(name, m, setUp, 0, "setUp");
            if (opts.stopOnFail) break;
            continue;
        }
        for (const m of methods) {
            const before = inst.assertions();
            __impunit.begin(name, m, timeout);
            const r = await __impunitGuard(function () { return inst.call(m); }, timeout, translate);
            const failed = !__impunit.report(name, m, r, inst.assertions() - before);
            if (failed && opts.stopOnFail) {
                await __impunitGuard(function () { return inst.tearDown(); }, timeout, translate);
                break outer;
            }
        }
        __impunit.begin(name, "tearDown", timeout);
        const tearDown = await __impunitGuard(function () { return inst.tearDown(); }, timeout, translate);
        if (!tearDown.ok) {
            __impunit.report(name, "tearDown", tearDown, 0);
            if (opts.stopOnFail) break;
        }
    }
}
