// Tests for backoff.nut.
class BackoffTest extends ImpTestCase {
    function testEverythingDelivered() {
        return waitForLog("delivered").then(function(line) {
            assertEqual("300 readings delivered in 20.1 s, 101 refusals along the way", line);
        }.bindenv(this));
    }
}
