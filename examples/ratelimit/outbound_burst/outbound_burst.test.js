// Tests for outbound_burst.js:  go run ./cmd/agenthost test examples/ratelimit/
class OutboundBurstTest extends ImpTestCase {
    async testBufferOverflows() {
        this.assertEqual("after 10 s: 199 sent (0), 51 refused (-12)", await this.waitForLog("after"));
    }
}
