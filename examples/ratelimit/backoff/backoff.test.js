// Tests for backoff.js.
class BackoffTest extends ImpTestCase {
    async testEverythingDelivered() {
        this.assertEqual("300 readings delivered in 20.1 s, 101 refusals along the way", await this.waitForLog("delivered"));
    }
}
