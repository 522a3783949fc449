// Tests for outbound_burst.nut:
//   go run ./cmd/agenthost test examples/ratelimit/outbound_burst/outbound_burst.test.nut
class OutboundBurstTest extends ImpTestCase {
    function testBufferOverflows() {
        return waitForLog("after").then(function(line) {
            assertEqual("after 10 s: 199 sent (0), 51 refused (-12)", line);
        }.bindenv(this));
    }
}
