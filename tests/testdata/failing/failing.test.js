// A deliberately failing test: `agenthost test` must print this file's
// line of the failing assertion, the expected and actual values, and exit 1.
class FailingTest extends ImpTestCase {
    testPasses() {
        this.assertTrue(true);
    }

    testFails() {
        const answer = 6 * 7;
        this.assertEqual(41, answer);
    }
}
